module NeuroDyn.Tests.CtRnnTests

open System
open Expecto
open NeuroDyn.Tests.RateModelChecks
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Solvers
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

let private f64 = torch.ScalarType.Float64

/// The CT-RNN field with recurrent weight W and a held drive z: dh/dt = (−h + tanh(h Wᵀ + z)) / τ.
let private fieldOf (model: CtRnn) (weight: Tensor) (drive: Tensor) =
    Func<Tensor, Tensor, Tensor>(fun _ h -> divide model.Options.Tau (torch.tanh(plus (torch.nn.functional.linear(h, weight)) drive) - h))

/// The drive z = x W_inᵀ + b of inputs x.
let private driveOf (model: CtRnn) (x: Tensor) = torch.nn.functional.linear(x, model.InputWeight, model.Bias)

/// The CT-RNN field for one held input: dh/dt = (−h + tanh(h W_recᵀ + x W_inᵀ + b)) / τ.
let private heldField (model: CtRnn) (x: Tensor) = fieldOf model model.RecurrentWeight (driveOf model x)

/// Prediction by TorchOde.Odeint over each sample interval in turn, independent of the fused recurrence.
let private predictWithOdeint (model: CtRnn) =
    let o = model.Options
    predictWithOdeint (heldField model) o.Solver o.SampleInterval o.StepsPerSample o.Hidden model.Readout

/// Prediction by TorchOde.OdeintAdjoint over each sample interval in turn, independent of the fused adjoint.
let private predictWithOdeintAdjoint (model: CtRnn) (w: Tensor) =
    let o = model.Options
    predictWithOdeintAdjoint (fieldOf model) model.RecurrentWeight (driveOf model w) o.Solver o.SampleInterval o.StepsPerSample model.Readout

[<Tests>]
let tests =
    testList "ctrnn" [
        test "shapes of predictions, rollouts and the parameter count" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 8), seed = 1L)
            let w = windows 4 7
            Expect.sequenceEqual (model.PredictNext(w).shape) [| 4L; 3L |] "PredictNext [B, D]"
            use _ = torch.no_grad()
            Expect.sequenceEqual (model.Rollout(w, 5).shape) [| 4L; 5L; 3L |] "Rollout [B, steps, D]"
            Expect.equal model.ParameterCount (8 * 8 + 8 * 3 + 8 + 3 * 8 + 3) "W_rec, W_in, b, W_out, b_out"
        }

        test "the same seed gives the same network, another seed another" {
            TorchRuntime.Initialize() |> ignore
            let options = CtRnnOptions(Hidden = 6)
            let weights (m: CtRnn) = [ for p in m.parameters() -> p.detach().clone() ]
            let a, b, c = weights (new CtRnn(options, 42L)), weights (new CtRnn(options, 42L)), weights (new CtRnn(options, 43L))
            for x, y in List.zip a b do Expect.isTrue (x.allclose(y, 0.0, 0.0)) "seed 42 twice"
            Expect.isFalse (List.forall2 (fun (x: Tensor) y -> x.allclose(y, 0.0, 0.0)) a c) "seeds 42 and 43 differ"
            Expect.equal (a[0].dtype) f64 "float64 by default"
        }

        test "euler PredictNext equals the explicit recurrence h += (Δ/m)/τ (−h + tanh(W_rec h + W_in x_k + b))" {
            TorchRuntime.Initialize() |> ignore
            let options = CtRnnOptions(Hidden = 10, Tau = 0.5, SampleInterval = 0.1, StepsPerSample = 2, Solver = OdeMethod.Euler)
            let model = new CtRnn(options, 3L)
            let w = windows 3 6
            use _ = torch.no_grad()
            let mutable h = torch.zeros([| 3L; 10L |], dtype = f64)
            for k in 0L .. 5L do
                let x = w.select(1, k)
                for _ in 1 .. 2 do
                    let u = List.reduce plus [ h.matmul(model.RecurrentWeight.t()); x.matmul(model.InputWeight.t()); model.Bias ]
                    h <- plus h (scale (0.05 / 0.5) (torch.tanh(u) - h))
            let expected = plus (h.matmul(model.OutputWeight.t())) model.OutputBias
            // the same float64 operations in another association order: rounding differences ~1e-16 per step
            Expect.isLessThan (maxDiff (model.PredictNext(w)) expected) 1e-13 "hand recurrence"
        }

        test "the fused recurrence matches TorchOde.Odeint for euler, midpoint and rk4" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 3 8
            for solver in [ OdeMethod.Euler; OdeMethod.Midpoint; OdeMethod.Rk4 ] do
                let model = new CtRnn(CtRnnOptions(Hidden = 12, StepsPerSample = 3, Solver = solver, Tau = 0.7), 5L)
                use _ = torch.no_grad()
                // identical tableau and steps, so only rounding differs (float64)
                Expect.isLessThan (maxDiff (model.PredictNext(w)) (predictWithOdeint model w)) 1e-12 $"{solver} values"
        }

        test "hand-written backward equals backprop through TorchOde.Odeint" {
            TorchRuntime.Initialize() |> ignore
            // a batch of 40 is split into blocks run on separate threads when torch has 2 or more threads
            let w = windows 40 6
            for solver in [ OdeMethod.Euler; OdeMethod.Midpoint; OdeMethod.Rk4 ] do
                let model = new CtRnn(CtRnnOptions(Hidden = 9, StepsPerSample = 2, Solver = solver), 11L)
                let fast = gradientsOf model ((squared (model.PredictNext(w) - target w)).mean())
                let reference = gradientsOf model ((squared (predictWithOdeint model w - target w)).mean())
                for g, r in List.zip fast reference do
                    // both are the exact gradient of the same discrete map: rounding only
                    Expect.isLessThan (maxDiff g r) 1e-12 $"{solver} gradient"
        }

        testSequenced <| test "blocks of the batch on two threads leave the caller's torch thread count as it was" {
            TorchRuntime.Initialize() |> ignore
            let previous = torch.get_num_threads()
            try
                torch.set_num_threads 2
                let model = new CtRnn(CtRnnOptions(Hidden = 9), 11L)
                let w = windows 40 4
                gradientsOf model ((squared (model.PredictNext(w) - target w)).mean()) |> ignore
                // each block makes its libtorch calls serially (per-thread OpenMP and MKL settings, restored when the block ends);
                // the calling thread runs block 0 and must find its own count again
                Expect.equal (torch.get_num_threads()) 2 "torch threads after a forward and backward pass in two blocks"
            finally
                torch.set_num_threads previous
        }

        test "float32 gradients of the fused recurrence equal the float64 ones to float32 rounding" {
            TorchRuntime.Initialize() |> ignore
            // the float32 path runs its own instances of the generic span loops (coefficients, γ, φ' and the signs of δ_i W − κ_i in float):
            // a mistake there is an error of order one, far above float32 rounding
            let w = windows 40 6
            for solver in [ OdeMethod.Euler; OdeMethod.Midpoint; OdeMethod.Rk4 ] do
                let options = CtRnnOptions(Hidden = 9, StepsPerSample = 2, Solver = solver)
                let single = new CtRnn(options, 11L, dtype = torch.ScalarType.Float32)
                let double = new CtRnn(options, 11L)
                let w32 = w.to_type(torch.ScalarType.Float32)
                let fast = gradientsOf single ((squared (single.PredictNext(w32) - target w32)).mean())
                let reference = gradientsOf double ((squared (double.PredictNext(w) - target w)).mean())
                for g, r in List.zip fast reference do
                    // float32 weights (rounded by 6e-8 relative) and ~30 float32 operations per gradient entry: ~1e-6 relative; 1e-5 leaves room
                    let scale = 1.0 + r.abs().max().item<double>()
                    Expect.isLessThan (maxDiff (g.to_type(f64)) r) (1e-5 * scale) $"{solver} float32 gradient"
        }

        test "the fused adjoint's gradients equal TorchOde.OdeintAdjoint's" {
            TorchRuntime.Initialize() |> ignore
            // a batch of 40 is split into blocks run on separate threads when torch has 2 or more threads
            let w = windows 40 5
            for solver in [ OdeMethod.Euler; OdeMethod.Midpoint; OdeMethod.Rk4 ] do
                let model = new CtRnn(CtRnnOptions(Hidden = 9, StepsPerSample = 3, Solver = solver, Tau = 0.7, Adjoint = true), 11L)
                let fast = gradientsOf model ((squared (model.PredictNext(w) - target w)).mean())
                let reference = gradientsOf model ((squared (predictWithOdeintAdjoint model w - target w)).mean())
                // the same reversed-time solve of the same augmented system in float64, its sums in another order: rounding only
                for g, r in List.zip fast reference do Expect.isLessThan (maxDiff g r) 1e-12 $"{solver} adjoint gradient"
        }

        test "adjoint and dopri5 training paths agree with the fused rk4 path" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 2 5
            let loss (m: CtRnn) = (squared (m.PredictNext(w) - target w)).mean()
            let fused = new CtRnn(CtRnnOptions(Hidden = 7, StepsPerSample = 10, Solver = OdeMethod.Rk4), 9L)
            let adjoint = new CtRnn(CtRnnOptions(Hidden = 7, StepsPerSample = 10, Solver = OdeMethod.Rk4, Adjoint = true), 9L)
            let dopri = new CtRnn(CtRnnOptions(Hidden = 7, Solver = OdeMethod.Dopri5, Rtol = 1e-10, Atol = 1e-12), 9L)
            let reference = gradientsOf fused (loss fused)
            // rk4 at h = 0.01 and dopri5 at rtol 1e-10 both sit within ~1e-10 of the exact flow; the adjoint's backward rk4 solve likewise
            for g, r in List.zip (gradientsOf adjoint (loss adjoint)) reference do Expect.isLessThan (maxDiff g r) 1e-8 "adjoint gradient"
            for g, r in List.zip (gradientsOf dopri (loss dopri)) reference do Expect.isLessThan (maxDiff g r) 1e-8 "dopri5 gradient"
        }

        test "the closed-loop field's analytic Jacobian equals autograd's" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 16, Tau = 0.8), 21L)
            let analytic = model.AsVectorField()
            let numeric = TorchVectorField(16, Func<Tensor, Tensor>(model.ClosedLoopDerivative))
            let rng = Random(5)
            for _ in 1 .. 3 do
                let h = Array.init 16 (fun _ -> rng.NextDouble() * 2.0 - 1.0)
                let fa, fn = Array.zeroCreate 16, Array.zeroCreate 16
                analytic.Evaluate(ReadOnlySpan h, Span fa)
                numeric.Evaluate(ReadOnlySpan h, Span fn)
                let ja, jn = Array.zeroCreate 256, Array.zeroCreate 256
                analytic.Jacobian(ReadOnlySpan h, Span ja)
                numeric.Jacobian(ReadOnlySpan h, Span jn)
                // M = W_rec + W_in W_out is folded in advance in the analytic field: sums in another order, entries O(1), so ~1e-15
                for i in 0 .. 15 do Expect.floatClose { absolute = 1e-12; relative = 0.0 } fa[i] fn[i] "field"
                for i in 0 .. 255 do Expect.floatClose { absolute = 1e-12; relative = 0.0 } ja[i] jn[i] "Jacobian"
        }

        test "Rollout feeds each prediction back as the next sample" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 10, Solver = OdeMethod.Rk4), 4L)
            let w = windows 2 6
            use _ = torch.no_grad()
            expectRolloutMatchesOneStep model w 3
        }

        test "WarmUp, Step and Predict: one Step with the last sample continues the warm-up on the rest of the window" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 10, Tau = 0.6, Readout = ReadoutTarget.Increment, IncrementScale = 0.3), 8L)
            let w = windows 3 7
            use _ = torch.no_grad()
            let last = w.select(1, -1L)
            let state = model.Step(model.WarmUp(w.narrow(1, 0L, 6L)), last)
            // the same recurrence; only the last sample's drive is computed on its own instead of with the window's: rounding only
            Expect.isLessThan (maxDiff (model.Predict(state, last)) (model.PredictNext(w))) 1e-13 "Step after WarmUp, then Predict = PredictNext"
            Expect.isLessThan (maxDiff state.Hidden (model.RateTrajectory(w).select(1, -1L))) 1e-13 "the hidden state at the window's end"
            let closedLoop = model.ClosedLoopState(Array2D.init 7 3 (fun i j -> w[0L, int64 i, int64 j].item<float>()))
            Expect.equal closedLoop.Length 13 "h and the fed-back x with the increment readout"
            Expect.isLessThan (maxDiff (torch.tensor(closedLoop[..9], dtype = f64)) (state.Hidden[0L])) 1e-13 "h after the window"
            Expect.sequenceEqual closedLoop[10..] (last[0L].data<float>().ToArray()) "x is the window's last sample"
        }

        test "increment readout: the prediction is the last input plus s times the readout, in one step and in closed loop" {
            TorchRuntime.Initialize() |> ignore
            let options = CtRnnOptions(Hidden = 10, Tau = 0.6)
            let plain = new CtRnn(options, 8L)
            let increment = new CtRnn(CtRnnOptions(Hidden = 10, Tau = 0.6, Readout = ReadoutTarget.Increment, IncrementScale = 0.3), 8L)
            let w = windows 3 7
            use _ = torch.no_grad()
            // the same seed gives the same weights, so the hidden states agree bit for bit; only one addition rounds differently
            Expect.isLessThan (maxDiff (increment.PredictNext(w)) (plus (w.select(1, -1L)) (scale 0.3 (plain.PredictNext(w))))) 1e-14 "x_last + s r"
            expectRolloutMatchesOneStep increment w 4
        }

        test "increment readout: the closed-loop field on (h, x) and its analytic Jacobian equal autograd's" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 12, Tau = 0.8, SampleInterval = 0.05, Readout = ReadoutTarget.Increment, IncrementScale = 0.2), 21L)
            let analytic = model.AsVectorField()
            let dim = 15
            Expect.equal analytic.Dimension dim "n + D coordinates"
            Expect.equal model.ClosedLoopDimension dim "the model agrees"
            let numeric = TorchVectorField(dim, Func<Tensor, Tensor>(model.ClosedLoopDerivative))
            let rng = Random(6)
            for _ in 1 .. 3 do
                let state = Array.init dim (fun _ -> rng.NextDouble() * 2.0 - 1.0)
                let fa, fn = Array.zeroCreate dim, Array.zeroCreate dim
                analytic.Evaluate(ReadOnlySpan state, Span fa)
                numeric.Evaluate(ReadOnlySpan state, Span fn)
                let ja, jn = Array.create (dim * dim) nan, Array.zeroCreate (dim * dim)
                analytic.Jacobian(ReadOnlySpan state, Span ja)
                numeric.Jacobian(ReadOnlySpan state, Span jn)
                // the same sums in another order, entries O(1) (dx/dt scaled by s/Δ = 4): ~1e-15
                for i in 0 .. dim - 1 do Expect.floatClose { absolute = 1e-12; relative = 0.0 } fa[i] fn[i] "field"
                for i in 0 .. dim * dim - 1 do Expect.floatClose { absolute = 1e-12; relative = 0.0 } ja[i] jn[i] "Jacobian (every entry written)"
                let y = Array.zeroCreate 3
                analytic.Readout(ReadOnlySpan state, Span y)
                Expect.sequenceEqual y state[12..] "the output of the (h, x) field is x"
        }

        test "increment readout: the closed loop converges to its field at first order as Δ → 0 (s/Δ fixed)" {
            TorchRuntime.Initialize() |> ignore
            let rate, duration = 0.5, 1.0
            let x0 = windows 1 1
            // discrete closed loop from h = 0, x = x0: h integrated over Δ with x held, then x += s r(h), s = rate·Δ
            let endOfLoop (interval: float) =
                let model = new CtRnn(CtRnnOptions(Hidden = 8, SampleInterval = interval, Readout = ReadoutTarget.Increment, IncrementScale = rate * interval), 13L)
                use _ = torch.no_grad()
                let steps = int (round (duration / interval))
                model, (model.Rollout(x0, steps).select(1, int64 (steps - 1))).squeeze(0).data<double>().ToArray()
            let model, coarse = endOfLoop 0.02
            let _, fine = endOfLoop 0.01
            let initial = Array.append (Array.zeroCreate 8) (x0.reshape(3L).data<double>().ToArray())
            // the field integrated by RK4 at 1e-3: its own error ~1e-12, far below the O(Δ) gap measured here
            let orbit = NeuroDyn.Analysis.Trajectories.SampleRk4(model.AsVectorField(), initial, 1e-3, 1001)
            let limit = [| for d in 8 .. 10 -> orbit[1000, d] |]
            let distance (x: float[]) = sqrt (Array.fold2 (fun acc a b -> acc + (a - b) ** 2.0) 0.0 x limit)
            let ratio = distance fine / distance coarse
            // first order: halving Δ halves the gap (O(Δ²) corrections at Δ = 0.02 move the ratio by a few per cent)
            Expect.isGreaterThan (distance coarse) 1e-6 "the gap is measurable"
            Expect.isTrue (ratio > 0.4 && ratio < 0.6) $"gap ratio {ratio:F3} for Δ 0.02 → 0.01 (first order: 0.5)"
        }

        test "bad options and inputs get clear errors" {
            TorchRuntime.Initialize() |> ignore
            let tau = Throws.capture<ArgumentOutOfRangeException> (fun () -> new CtRnn(CtRnnOptions(Tau = 0.0), 1L) |> ignore)
            Expect.stringContains tau.Message "Tau" "tau <= 0"
            let hidden = Throws.capture<ArgumentOutOfRangeException> (fun () -> new CtRnn(CtRnnOptions(Hidden = 0), 1L) |> ignore)
            Expect.stringContains hidden.Message "Hidden" "hidden <= 0"
            let model = new CtRnn(CtRnnOptions(Hidden = 4), 1L)
            let bad = windows 1 3
            bad[0L, 1L, 2L] <- torch.tensor(nan, dtype = f64)
            let nan = Throws.capture<ArgumentException> (fun () -> model.PredictNext(bad) |> ignore)
            Expect.stringContains nan.Message "NaN" "NaN input"
            let shape = Throws.capture<ArgumentException> (fun () -> model.PredictNext(torch.zeros([| 2L; 3L |], dtype = f64)) |> ignore)
            Expect.stringContains shape.Message "[batch, length, 3]" "wrong shape"
            let scale = Throws.capture<ArgumentOutOfRangeException> (fun () -> new CtRnn(CtRnnOptions(Readout = ReadoutTarget.Increment, IncrementScale = 0.0), 1L) |> ignore)
            Expect.stringContains scale.Message "IncrementScale" "increment scale <= 0"
            let sizes = Throws.capture<ArgumentException> (fun () -> new CtRnn(CtRnnOptions(Readout = ReadoutTarget.Increment, OutputSize = 2), 1L) |> ignore)
            Expect.stringContains sizes.Message "OutputSize" "increment readout with D_out ≠ D"
        }
    ]
