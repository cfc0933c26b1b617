/// The fused adaptive (Dopri5) path of the rate networks against the generic tensor solver (TorchOde over each sample interval)
/// and central finite differences, and the path choice (the generic solver forced on the CPU equals the fused one).
module NeuroDyn.Tests.FusedAdaptiveTests

open System
open Expecto
open NeuroDyn.Tests.RateModelChecks
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Solvers
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

let private f32, f64 = torch.ScalarType.Float32, torch.ScalarType.Float64

let private dopri5 hidden rtol atol adjoint =
    CtRnnOptions(Hidden = hidden, Tau = 0.8, Solver = OdeMethod.Dopri5, Rtol = rtol, Atol = atol, Adjoint = adjoint)

/// The model, set to integrate with the generic tensor solver when `generic`.
let private onPath generic (model: #RateNetwork<_>) =
    model.GenericSolver <- generic
    model

/// A CT-RNN whose recurrent weights are scaled up 8× (strongly coupled, fast transients), over sample intervals of 0.3: its
/// Dopri5 steps are sometimes rejected, so that the retried steps are exercised too.
let private excitable generic =
    let model = new CtRnn(CtRnnOptions(Hidden = 10, Tau = 0.5, SampleInterval = 0.3, Solver = OdeMethod.Dopri5), 3L) |> onPath generic
    use _ = torch.no_grad()
    model.RecurrentWeight.mul_(torch.tensor(8.0, dtype = f64)) |> ignore
    model

let private loss (model: CtRnn) (w: Tensor) = (squared (model.PredictNext(w) - target (w.to_type(model.InputWeight.dtype)))).mean()

/// Relative difference of two gradient lists: max |a − b| / max |b| over each parameter, the largest.
let private relativeDiff (a: Tensor list) (b: Tensor list) =
    List.map2 (fun (x: Tensor) (y: Tensor) -> maxDiff (x.to_type(f64)) (y.to_type(f64)) / y.abs().max().item<double>()) a b |> List.max

/// Accepted and rejected steps of TorchOde's Dopri5 over each sample interval of a CT-RNN's drive, read from the times at which it
/// evaluates the field: per interval f(0) and the first-step probe, then six stages per tried step at t + (1/5, 3/10, 4/5, 8/9, 1, 1) h;
/// a step is accepted when the next one starts later (a rejected step is tried again from the same t).
let private genericStepCounts (model: CtRnn) (w: Tensor) =
    use _ = torch.no_grad()
    let o = model.Options
    let weight, drive = model.RecurrentWeight, torch.nn.functional.linear(w, model.InputWeight, model.Bias)
    let options = TorchOdeOptions(Method = OdeMethod.Dopri5, Rtol = o.Rtol, Atol = o.Atol)
    let mutable h = torch.zeros([| w.shape[0]; int64 o.Hidden |], dtype = w.dtype)
    let mutable accepted, tried = 0, 0
    for k in 0L .. w.shape[1] - 1L do
        let times = ResizeArray<float>()
        let z = drive.select(1, k)
        let field = Func<Tensor, Tensor, Tensor>(fun t y -> times.Add(t.item<double>()); divide o.Tau (torch.tanh(plus (torch.nn.functional.linear(y, weight)) z) - y))
        h <- TorchOde.Odeint(field, h, [| 0.0; o.SampleInterval |], options).[1]
        let attempts = [ for a in 0 .. (times.Count - 2) / 6 - 1 -> times[2 + 6 * a], times[2 + 6 * a + 4] ]
        let starts = attempts |> List.map (fun (t1, t5) -> t1 - (t5 - t1) / 4.0, (t5 - t1) / 0.8)
        tried <- tried + attempts.Length
        accepted <- accepted + (starts |> List.pairwise |> List.filter (fun ((s, step), (s', _)) -> s' > s + 1e-3 * step) |> List.length) + 1
    accepted, tried - accepted

/// Expects the gradient of the loss, along a random direction V of all parameters, to equal the central difference
/// (L(θ + εV) − L(θ − εV)) / 2ε with ε = 1e-5 to 1e-6 relative (float64).
let private expectCentralDifferences (model: CtRnn) (w: Tensor) =
    let grads = gradientsOf model (loss model w)
    let ps = model.parameters() |> Seq.toArray
    use generator = new torch.Generator(7UL)
    let directions = [ for p in ps -> torch.randn(p.shape, dtype = f64, generator = generator) ]
    let analytic = List.map2 (fun (g: Tensor) (v: Tensor) -> (g * v).sum().item<double>()) grads directions |> List.sum
    let eps = 1e-5
    let shifted sign =
        use _ = torch.no_grad()
        for p, v in Seq.zip ps directions do addInPlace p (scale (sign * eps) v) |> ignore
        let value = (loss model w).item<double>()
        for p, v in Seq.zip ps directions do p.sub_(scale (sign * eps) v) |> ignore
        value
    let numeric = (shifted 1.0 - shifted -1.0) / (2.0 * eps)
    Expect.isLessThan (abs (analytic - numeric) / abs numeric) 1e-6 $"directional derivative: analytic {analytic}, central difference {numeric}"

[<Tests>]
let tests =
    testList "fused adaptive" [
        test "dopri5 forward: fused equals the generic solver, with the same accepted and rejected steps" {
            TorchRuntime.Initialize() |> ignore
            // 40 windows are cut into blocks on separate threads when torch has 2 or more: they must agree on every step
            let w = windows 40 6
            let fused, generic = excitable false, excitable true
            use _ = torch.no_grad()
            let before = fused.AdaptiveSteps
            let a, b = fused.PredictNext(w), generic.PredictNext(w)
            let steps = fused.AdaptiveSteps.Since(before)
            // the same steps by the same formulas, sums in another order: rounding only (states of order 1)
            Expect.isLessThan (maxDiff a b) 1e-12 "fused and generic predictions"
            Expect.equal steps.Intervals 6L "one solve per sample interval"
            let accepted, rejected = genericStepCounts fused w
            Expect.isGreaterThan accepted 30 "several steps per sample"
            Expect.isGreaterThan rejected 0 "and some rejected"
            // same error norm (RMS over the batch), same controller: the counts may differ only where rounding flips a decision
            Expect.isLessThanOrEqual (abs (float steps.Accepted - float accepted)) (0.03 * float accepted) $"accepted: fused {steps.Accepted}, generic {accepted}"
            Expect.isLessThanOrEqual (abs (float steps.Rejected - float rejected)) (max 1.0 (0.03 * float (accepted + rejected))) $"rejected: fused {steps.Rejected}, generic {rejected}"
            Expect.equal generic.AdaptiveSteps.Accepted 0L "the generic path is not counted as fused"
        }

        test "dopri5 gradients by backpropagation through the accepted steps equal the generic solver's and central differences" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 40 6
            let fused, generic = excitable false, excitable true
            // the exact gradient of the same discrete map (same steps, sizes not differentiated) both ways: rounding only
            Expect.isLessThan (relativeDiff (gradientsOf fused (loss fused w)) (gradientsOf generic (loss generic w))) 1e-10 "fused vs generic"
            // against central differences, at tight tolerances so that the solver's step choices (which change with the parameters)
            // move the loss by ~1e-12, far below the ε² curvature terms ~1e-10
            expectCentralDifferences (new CtRnn(dopri5 9 1e-11 1e-13 false, 5L)) (windows 40 5)
        }

        test "dopri5 adjoint gradients equal the generic adjoint's and backpropagation's to the solvers' tolerance" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 40 5
            let make adjoint generic = new CtRnn(dopri5 9 1e-10 1e-12 adjoint, 5L) |> onPath generic
            let fused, generic, backprop = make true false, make true true, make false false
            let before = fused.AdaptiveSteps
            let g = gradientsOf fused (loss fused w)
            let steps = fused.AdaptiveSteps.Since(before)
            Expect.equal steps.AdjointIntervals 5L "one backward solve per sample interval"
            Expect.isGreaterThan steps.AdjointAccepted 5L "the backward solves take steps of their own"
            // both adjoints and backpropagation sit within ~1e-9 (relative) of the exact gradient at rtol 1e-10; their norms differ
            // (the generic adjoint's includes the parameter gradients, the fused one's is the (h, a) seminorm), so not to rounding
            Expect.isLessThan (relativeDiff g (gradientsOf generic (loss generic w))) 1e-7 "fused adjoint vs generic adjoint"
            Expect.isLessThan (relativeDiff g (gradientsOf backprop (loss backprop w))) 1e-7 "fused adjoint vs backpropagation"
            expectCentralDifferences (make true false) w
        }

        test "dopri5 in float32 agrees with float64 to float32's precision, forwards, backwards and by the adjoint" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 40 5
            for adjoint in [ false; true ] do
                let single = new CtRnn(dopri5 12 1e-6 1e-8 adjoint, 8L, dtype = f32)
                let double = new CtRnn(dopri5 12 1e-6 1e-8 adjoint, 8L)
                let ws = w.to_type(f32)
                // rtol 1e-6 is near float32's resolution (6e-8 per operation): the step sequences differ, the states by ~1e-6
                Expect.isLessThan (maxDiff (single.PredictNext(ws).detach().to_type(f64)) (double.PredictNext(w).detach())) 1e-4 $"predictions (adjoint {adjoint})"
                Expect.isLessThan (relativeDiff (gradientsOf single (loss single ws)) (gradientsOf double (loss double w))) 1e-3 $"gradients (adjoint {adjoint})"
        }

        test "the E/I network's dopri5 path (one τ per population, rectified tanh) equals the generic solver" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 40 5
            let options = EiRateNetworkOptions(Hidden = 20, Solver = OdeMethod.Dopri5)
            let fused, generic = new EiRateNetwork(options, 4L), new EiRateNetwork(options, 4L) |> onPath true
            let lossOf (m: EiRateNetwork) = (squared (m.PredictNext(w) - target w)).mean()
            Expect.isLessThan (maxDiff (fused.PredictNext(w)) (generic.PredictNext(w))) 1e-12 "predictions"
            let reference = gradientsOf generic (lossOf generic)
            Expect.isLessThan (relativeDiff (gradientsOf fused (lossOf fused)) reference) 1e-10 "gradients"
            // the adjoint with γ per unit, at tight tolerances: within the solvers' error (~1e-10 relative) of backpropagation's
            // gradient. With the smooth softplus: the rectified tanh's slope jumps where a unit's input crosses 0, and there the
            // continuous adjoint and the discrete map's exact derivative part by far more than the tolerance
            let tight adjoint =
                new EiRateNetwork(EiRateNetworkOptions(Hidden = 20, Activation = RateActivation.Softplus, Solver = OdeMethod.Dopri5, Rtol = 1e-10, Atol = 1e-12, Adjoint = adjoint), 4L)
            let adjoint, backprop = tight true, tight false
            Expect.isLessThan (relativeDiff (gradientsOf adjoint (lossOf adjoint)) (gradientsOf backprop (lossOf backprop))) 1e-9 "adjoint gradients"
        }

        test "the generic solver forced on the CPU equals the fused fixed-step path, forwards and backwards" {
            TorchRuntime.Initialize() |> ignore
            let w = windows 40 5
            for adjoint in [ false; true ] do
                let options = CtRnnOptions(Hidden = 9, Solver = OdeMethod.Rk4, StepsPerSample = 2, Adjoint = adjoint)
                let fused, generic = new CtRnn(options, 2L), new CtRnn(options, 2L) |> onPath true
                // the same Runge–Kutta steps; the generic adjoint solves the same augmented system: rounding only
                Expect.isLessThan (maxDiff (fused.PredictNext(w)) (generic.PredictNext(w))) 1e-13 $"predictions (adjoint {adjoint})"
                Expect.isLessThan (relativeDiff (gradientsOf fused (loss fused w)) (gradientsOf generic (loss generic w))) 1e-11 $"gradients (adjoint {adjoint})"
        }

        test "non-positive or missing tolerances are refused, naming the option" {
            for rtol, atol in [ 0.0, 1e-8; -1e-6, 1e-8; 1e-6, 0.0; nan, 1e-8 ] do
                Throws.withMessage<ArgumentOutOfRangeException> [ "Rtol"; "Atol"; "> 0"; "1e-6" ] (fun () -> new CtRnn(dopri5 4 rtol atol false, 1L) |> ignore)
        }
    ]
