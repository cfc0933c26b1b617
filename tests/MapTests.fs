module NeuroDyn.Tests.MapTests

open System
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Analysis


type private Tensor = torch.Tensor

/// A warm-up window [L, 3] of z-scored-like values in [−1.5, 1.5), drawn from the seed.
let private window (seed: int) (length: int) =
    let rng = Random(seed)
    Array2D.init length 3 (fun _ _ -> 3.0 * rng.NextDouble() - 1.5)

let private apply (map: IMap) (state: double[]) =
    let next = Array.zeroCreate map.Dimension
    map.Apply(ReadOnlySpan state, Span next)
    next

let private jacobian (map: IMap) (state: double[]) =
    let m = map.Dimension
    let j = Array.zeroCreate (m * m)
    map.Jacobian(ReadOnlySpan state, Span j)
    j

/// Central differences of the map, column by column: ∂G/∂s_j ≈ (G(s + h e_j) − G(s − h e_j)) / 2h, row-major.
let private finiteDifferences (map: IMap) (state: double[]) (h: double) =
    let m = map.Dimension
    let j = Array.zeroCreate (m * m)
    for c in 0 .. m - 1 do
        let plus, minus = Array.copy state, Array.copy state
        plus[c] <- plus[c] + h
        minus[c] <- minus[c] - h
        let gp, gm = apply map plus, apply map minus
        for r in 0 .. m - 1 do j[r * m + c] <- (gp[r] - gm[r]) / (2.0 * h)
    j

let private maxAbsDiff (a: double[]) (b: double[]) = Array.map2 (fun x y -> abs (x - y)) a b |> Array.max

/// The generic autograd map of a rate network (what any recurrent model without a map of its own gets), for comparison with its exact map.
let private autogradMap (model: RateNetwork<'O>) (w: double[,]) =
    SequenceModelMaps.ClosedLoop<RateNetworkState>(
        model, w, Func<RateNetworkState, Tensor>(fun s -> s.Hidden.reshape(-1L)),
        Func<Tensor, RateNetworkState, RateNetworkState>(fun h t -> RateNetworkState(h.reshape(1L, -1L), t.Weight, t.InverseTau)))

let private ctRnn solver steps increment =
    new CtRnn(CtRnnOptions(Hidden = 7, Tau = 0.8, SampleInterval = 0.1, Solver = solver, StepsPerSample = steps,
                           Readout = (if increment then ReadoutTarget.Increment else ReadoutTarget.State), IncrementScale = 0.3), 11L)

let private eiNetwork activation increment =
    new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, Activation = activation, TauE = 1.3, TauI = 0.6, StepsPerSample = 2,
                                           Readout = (if increment then ReadoutTarget.Increment else ReadoutTarget.State), IncrementScale = 0.3), 21L)

/// Rollout predictions [steps, D] of the model against the predictions read off the map's iterates from the state after the window.
let private expectMapIsRollout (model: ISequenceModel) (w: double[,]) (steps: int) (tolerance: float) =
    let mm = SequenceModelMaps.ClosedLoop(model, w)
    let rollout =
        use _ = torch.no_grad()
        let t = model.Rollout(torch.tensor(w, torch.ScalarType.Float64).unsqueeze(0L), steps)
        t[0L].contiguous().data<double>().ToArray()
    let d = mm.Map.OutputSize
    let mutable state = mm.InitialState
    for k in 0 .. steps - 1 do
        let prediction = Array.zeroCreate d
        mm.Map.Prediction(ReadOnlySpan state, Span prediction)
        for i in 0 .. d - 1 do
            Expect.floatClose { absolute = tolerance; relative = 0.0 } prediction[i] rollout[k * d + i] $"prediction {k}, coordinate {i}"
        state <- apply mm.Map state

/// Checks a rate network's exact map Jacobian against central differences and against the autograd Jacobian of the generic map.
let private expectExactJacobian (model: RateNetwork<'O>) (seed: int) =
    let w = window seed 6
    let exact = SequenceModelMaps.ClosedLoop(model, w)
    Expect.isTrue (exact.Map :? RateNetworkMap) "a fixed-step rate network gives its exact map"
    let generic = autogradMap model w
    Expect.equal generic.Map.Dimension exact.Map.Dimension "both maps act on the same state"
    // the same state from the window by the fused recurrence: identical numbers
    Expect.sequenceEqual generic.InitialState exact.InitialState "the same state after the window"
    let s = exact.InitialState
    // the same sums in another order (torch's matrix products against plain loops): entries O(1), so ~1e-15
    Expect.isLessThan (maxAbsDiff (apply exact.Map s) (apply generic.Map s)) 1e-13 "G(s): exact map = the model's own step"
    let je = jacobian exact.Map s
    Expect.isLessThan (maxAbsDiff je (jacobian generic.Map s)) 1e-12 "exact Jacobian = autograd's (rounding only)"
    // central differences with h = 1e-6: truncation h²·G''' ~ 1e-12, rounding ~1e-16/h = 1e-10
    Expect.isLessThan (maxAbsDiff je (finiteDifferences exact.Map s 1e-6)) 1e-8 "exact Jacobian = central differences"

[<Tests>]
let tests =
    testList "Maps" [
        test "a CT-RNN's exact map Jacobian equals autograd's and central differences (RK4 ×2, midpoint, Euler; state and increment readout)" {
            TorchRuntime.Initialize() |> ignore
            for solver, steps in [ OdeMethod.Rk4, 2; OdeMethod.Midpoint, 1; OdeMethod.Euler, 3 ] do
                for increment in [ false; true ] do
                    let model = ctRnn solver steps increment
                    Expect.equal (model.ClosedLoopMap().Dimension) (if increment then 10 else 7) "h, or (h, x) with the increment readout"
                    expectExactJacobian model 3
        }

        test "an E/I network's exact map Jacobian equals autograd's and central differences (softplus and rectified tanh, readout from E)" {
            TorchRuntime.Initialize() |> ignore
            for activation in [ RateActivation.Softplus; RateActivation.RectifiedTanh ] do
                for increment in [ false; true ] do
                    expectExactJacobian (eiNetwork activation increment) 4
        }

        test "iterating the closed-loop map reproduces the model's own rollout (CT-RNN, E/I, both readouts)" {
            TorchRuntime.Initialize() |> ignore
            // the same arithmetic in another order each step, compounded over 25 steps of a contracting-or-mildly-expanding map: ~1e-14
            for increment in [ false; true ] do
                expectMapIsRollout (ctRnn OdeMethod.Rk4 2 increment) (window 7 5) 25 1e-11
                expectMapIsRollout (eiNetwork RateActivation.Softplus increment) (window 8 5) 25 1e-11
        }

        test "an adaptive (Dopri5) network's map is its rollout step, differentiated with the accepted steps frozen" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 6, Solver = OdeMethod.Dopri5, Rtol = 1e-10, Atol = 1e-12, Readout = ReadoutTarget.Increment, IncrementScale = 0.3), 5L)
            let w = window 9 5
            let mm = SequenceModelMaps.ClosedLoop(model, w)
            Expect.isFalse (mm.Map :? RateNetworkMap) "an adaptive solver has no fixed stages: the autograd map"
            expectMapIsRollout model w 10 1e-12
            // frozen steps: the derivative ignores how the accepted steps move with the state, an O(local error) = O(Rtol) effect,
            // and central differences (h = 1e-5) see it together with their own ~1e-10 error
            let s = mm.InitialState
            Expect.isLessThan (maxAbsDiff (jacobian mm.Map s) (finiteDifferences mm.Map s 1e-5)) 1e-6 "autograd Jacobian = central differences"
        }

        test "a spiking model has no map: a clear error" {
            TorchRuntime.Initialize() |> ignore
            let model = new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 8), 1L)
            Throws.withMessage<NotSupportedException> [ "spiking"; "trajectory measures" ] (fun () -> SequenceModelMaps.ClosedLoop(model, window 1 4) |> ignore)
        }
    ]
