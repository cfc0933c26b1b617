module NeuroDyn.Tests.TorchOdeTests

open System
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Solvers
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

let private f64 = torch.ScalarType.Float64


/// dy/dt = cos(t)·y, exact solution y(t) = y0·exp(sin t); state shape [2, 3] to exercise batching.
let private growth = Func<Tensor, Tensor, Tensor>(fun t y -> torch.cos(t) * y)
let private growthY0 () = torch.tensor([| 1.0; -0.5; 2.0; 0.25; 3.0; -1.5 |], dtype = f64).reshape(2L, 3L)

let private maxError (solution: Tensor) (y0: Tensor) (times: double[]) =
    let exact = torch.stack([| for t in times -> scale (Math.Exp(Math.Sin t)) y0 |])
    (solution - exact).abs().max().item<double>()

let private solveGrowth methodName step =
    let y0 = growthY0 ()
    let times = [| 0.0; 1.0; 2.0 |]
    let options = TorchOdeOptions(Method = methodName, Step = Nullable step)
    maxError (TorchOde.Odeint(growth, y0, times, options)) y0 times

/// A small nonlinear field with parameters: f(t, y) = tanh(y Wᵀ + b) − 0.5 y + 0.1 sin(t).
let private makeParameters () =
    let w = torch.tensor([| 0.8; -0.6; 0.3; 0.5; 0.9; -0.4; -0.7; 0.2; 0.6 |], dtype = f64).reshape(3L, 3L).requires_grad_(true)
    let b = torch.tensor([| 0.1; -0.2; 0.3 |], dtype = f64).requires_grad_(true)
    w, b

/// The constants are 0-d tensors, not doubles, and the sums are ExplicitScalars.plus: a double, or the α = 1 of TorchSharp's +, becomes a
/// TorchSharp Scalar whose finalizer can free it while libtorch still reads it when another test's thread triggers a collection mid-call
/// (seen as libtorch's toDouble error under parallel tests).
let private field (w: Tensor) (b: Tensor) =
    let half, tenth = torch.tensor(0.5, dtype = f64), torch.tensor(0.1, dtype = f64)
    Func<Tensor, Tensor, Tensor>(fun t y -> plus (torch.tanh(plus (y.matmul(w.t())) b) - half * y) (tenth * torch.sin(t)))

let private times = [| 0.0; 0.4; 1.0 |]
let private lossWeights () = torch.linspace(-1.0, 1.0, 18L, dtype = f64).reshape(3L, 2L, 3L)
let private initial () = torch.tensor([| 0.5; -1.0; 0.2; 1.5; 0.3; -0.7 |], dtype = f64).reshape(2L, 3L)

/// Loss L = Σ weights ⊙ solution and its gradients with respect to (y0, W, b), by backprop or by the adjoint.
let private gradients adjoint (options: TorchOdeOptions) =
    let w, b = makeParameters ()
    let y0 = initial().requires_grad_(true)
    let solution =
        if adjoint then TorchOde.OdeintAdjoint(field w b, y0, times, [| w; b |], options)
        else TorchOde.Odeint(field w b, y0, times, options)
    let loss = (solution * lossWeights ()).sum()
    loss.backward()
    [| y0.grad; w.grad; b.grad |] |> Array.map (fun g -> g.data<double>().ToArray())

let private lossAt (w: Tensor) (b: Tensor) (y0: Tensor) options =
    use _ = torch.no_grad()
    (TorchOde.Odeint(field w b, y0, times, options) * lossWeights ()).sum().item<double>()

/// Central differences (L(θ + ε e_i) − L(θ − ε e_i)) / 2ε for every entry of y0, W and b.
let private finiteDifferences options =
    let eps = 1e-6
    let w, b = makeParameters ()
    let y0 = initial ()
    [| y0; w; b |]
    |> Array.map (fun target ->
        let flat = target.detach().view(-1L)
        [| for i in 0L .. flat.numel() - 1L ->
            use _ = torch.no_grad()
            let original = flat[i].item<double>()
            flat[i] <- torch.tensor(original + eps, dtype = f64)
            let up = lossAt w b y0 options
            flat[i] <- torch.tensor(original - eps, dtype = f64)
            let down = lossAt w b y0 options
            flat[i] <- torch.tensor(original, dtype = f64)
            (up - down) / (2.0 * eps) |])

let private expectClose (actual: double[][]) (expected: double[][]) tolerance message =
    for k in 0 .. actual.Length - 1 do
        for i in 0 .. actual[k].Length - 1 do
            let scale = max 1.0 (abs expected.[k].[i])
            if abs (actual.[k].[i] - expected.[k].[i]) > tolerance * scale then
                failtestf "%s: tensor %d entry %d is %.12g, expected %.12g (tolerance %g)" message k i actual.[k].[i] expected.[k].[i] tolerance

/// Blow-up dy/dt = y², y(0) = 1, exact y = 1/(1 − t): no solution past t = 1.
let private blowUp = Func<Tensor, Tensor, Tensor>(fun _ y -> y * y)

[<Tests>]
let tests =
    testList "torch ode" [
        test "fixed-step methods converge at their order on dy/dt = cos(t) y" {
            TorchRuntime.Initialize() |> ignore
            for methodName, order in [ OdeMethod.Euler, 1.0; OdeMethod.Midpoint, 2.0; OdeMethod.Rk4, 4.0 ] do
                let coarse = solveGrowth methodName 0.02
                let fine = solveGrowth methodName 0.01
                let observed = Math.Log2(coarse / fine)
                // asymptotic regime: halving h divides the error by 2^p up to O(h) corrections, well within ±0.15 at these steps
                Expect.floatClose { absolute = 0.15; relative = 0.0 } observed order $"observed order of {methodName}"
        }

        test "dopri5 error follows rtol on dy/dt = cos(t) y" {
            TorchRuntime.Initialize() |> ignore
            let y0 = growthY0 ()
            let times = [| 0.0; 2.0; 5.0 |]
            let errors =
                [ for rtol in [ 1e-4; 1e-6; 1e-8; 1e-10 ] ->
                    let options = TorchOdeOptions(Method = OdeMethod.Dopri5, Rtol = rtol, Atol = rtol * 1e-2)
                    let error = maxError (TorchOde.Odeint(growth, y0, times, options)) y0 times
                    // the global error is the local tolerance times a modest growth factor (|y| ≤ 8 here): allow 100·rtol
                    Expect.isLessThan error (100.0 * rtol) $"global error at rtol {rtol}"
                    error ]
            // tighter tolerance must buy real accuracy: each 100× tighter rtol at least 10× smaller error
            for coarse, fine in List.pairwise errors do
                Expect.isLessThan fine (coarse / 10.0) "error shrinks with rtol"
        }

        test "backprop gradients agree with central finite differences (rk4, float64)" {
            TorchRuntime.Initialize() |> ignore
            let options = TorchOdeOptions(Method = OdeMethod.Rk4, Step = 0.01)
            // both differentiate the same discrete map; central differences with ε = 1e-6 err by O(ε²)·L''' + roundoff 1e-16/ε ≈ 1e-10
            expectClose (gradients false options) (finiteDifferences options) 1e-8 "backprop vs finite differences"
        }

        test "adjoint gradients agree with backprop (rk4 and dopri5, float64)" {
            TorchRuntime.Initialize() |> ignore
            let rk4 = TorchOdeOptions(Method = OdeMethod.Rk4, Step = 0.01)
            // the adjoint solves the continuous adjoint ODE with rk4 (error O(h⁴) ≈ 1e-8 at h = 0.01), backprop differentiates the discrete map
            expectClose (gradients true rk4) (gradients false rk4) 1e-7 "adjoint vs backprop, rk4"
            let dopri = TorchOdeOptions(Method = OdeMethod.Dopri5, Rtol = 1e-10, Atol = 1e-12)
            // both approximate the exact gradient to about the tolerances (1e-10 local, amplified by the O(1) horizon)
            expectClose (gradients true dopri) (gradients false dopri) 1e-7 "adjoint vs backprop, dopri5"
        }

        test "adjoint gradients agree with central finite differences (dopri5, float64)" {
            TorchRuntime.Initialize() |> ignore
            let tight = TorchOdeOptions(Method = OdeMethod.Dopri5, Rtol = 1e-11, Atol = 1e-13)
            let reference = finiteDifferences (TorchOdeOptions(Method = OdeMethod.Rk4, Step = 0.005))
            // truth here is the exact gradient: rk4 at h = 0.005 is within ~1e-9 of it, the adjoint within ~1e-9 at these tolerances
            expectClose (gradients true tight) reference 1e-7 "adjoint vs finite differences"
        }

        test "a blow-up exhausts the step budget with a clear error" {
            TorchRuntime.Initialize() |> ignore
            let options = TorchOdeOptions(Method = OdeMethod.Dopri5, MaxSteps = 40)
            let error = Throws.capture<OdeIntegrationException> (fun () -> TorchOde.Odeint(blowUp, torch.ones(1L, dtype = f64), [| 0.0; 2.0 |], options) |> ignore)
            Expect.stringContains error.Message "MaxSteps = 40" "message names the budget"
            Expect.equal error.Steps 40 "stopped at the budget"
        }

        test "a blow-up underflows the adaptive step near the singularity t = 1" {
            TorchRuntime.Initialize() |> ignore
            let options = TorchOdeOptions(Method = OdeMethod.Dopri5, MinStep = 1e-8, MaxSteps = 1_000_000)
            let error = Throws.capture<OdeIntegrationException> (fun () -> TorchOde.Odeint(blowUp, torch.ones(1L, dtype = f64), [| 0.0; 2.0 |], options) |> ignore)
            Expect.stringContains error.Message "underflow" "message says underflow"
            // y = 1/(1 − t) needs steps ~ (1 − t)·rtol^(1/5); they fall below 1e-8 within 1e-4 of the singularity
            Expect.floatClose { absolute = 1e-4; relative = 0.0 } error.Time 1.0 "stops at the singularity"
        }

        test "a fixed grid over budget fails before any step" {
            TorchRuntime.Initialize() |> ignore
            let options = TorchOdeOptions(Method = OdeMethod.Euler, Step = 1e-6, MaxSteps = 1000)
            let mutable calls = 0
            let f = Func<Tensor, Tensor, Tensor>(fun _ y -> calls <- calls + 1; -y)
            let error = Throws.capture<OdeIntegrationException> (fun () -> TorchOde.Odeint(f, torch.ones(1L, dtype = f64), [| 0.0; 1.0 |], options) |> ignore)
            Expect.stringContains error.Message "MaxSteps = 1000" "message names the budget"
            Expect.equal calls 0 "no work done"
        }

        test "an adjoint solve that fails backwards raises an exception from BackwardGuard.Backward, not a crash" {
            TorchRuntime.Initialize() |> ignore
            let theta = torch.ones(1L, dtype = f64).requires_grad_(true)
            let mutable poisoned = false
            // the field turns NaN after the forward solve, so the backward adaptive solve must underflow
            let f = Func<Tensor, Tensor, Tensor>(fun _ y -> if poisoned then scale nan y else -theta * y)
            let options = TorchOdeOptions(Method = OdeMethod.Dopri5, MinStep = 1e-6)
            let solution = TorchOde.OdeintAdjoint(f, torch.ones(2L, dtype = f64), [| 0.0; 1.0 |], [| theta |], options)
            poisoned <- true
            let error = Throws.capture<InvalidOperationException> (fun () -> BackwardGuard.Backward(solution.sum()))
            Expect.stringContains error.Message "underflow" "the error says what happened"
            Expect.isTrue (error.InnerException :? OdeIntegrationException) "with the original failure inside"
            Expect.isTrue (BackwardGuard.LastFailure :? OdeIntegrationException) "the original failure is kept"
            Expect.stringContains BackwardGuard.LastFailure.Message "underflow" "and says what happened"
        }

        test "bad input gets a clear error" {
            TorchRuntime.Initialize() |> ignore
            let y0 = torch.ones(2L, dtype = f64)
            let decay = Func<Tensor, Tensor, Tensor>(fun _ y -> -y)
            let step = Throws.capture<ArgumentOutOfRangeException> (fun () -> TorchOde.Odeint(decay, y0, [| 0.0; 1.0 |], TorchOdeOptions(Method = OdeMethod.Rk4, Step = -0.1)) |> ignore)
            Expect.stringContains step.Message "Step must be" "non-positive step"
            let dop853 = Throws.capture<ArgumentException> (fun () -> TorchOde.Odeint(decay, y0, [| 0.0; 1.0 |], TorchOdeOptions(Method = OdeMethod.Dop853)) |> ignore)
            Expect.stringContains dop853.Message "use Dopri5" "Dop853 is for doubles only"
            let order = Throws.capture<ArgumentException> (fun () -> TorchOde.Odeint(decay, y0, [| 0.0; 1.0; 0.5 |]) |> ignore)
            Expect.stringContains order.Message "strictly increasing" "times not increasing"
            let nan = Throws.capture<ArgumentException> (fun () -> TorchOde.Odeint(decay, torch.tensor([| 1.0; nan |], dtype = f64), [| 0.0; 1.0 |]) |> ignore)
            Expect.stringContains nan.Message "NaN" "NaN in y0"
            let frozen = torch.ones(2L, dtype = f64)
            let notGrad = Throws.capture<ArgumentException> (fun () -> TorchOde.OdeintAdjoint(decay, y0, [| 0.0; 1.0 |], [| frozen |]) |> ignore)
            Expect.stringContains notGrad.Message "does not require grad" "adjoint parameter without grad"
        }
    ]
