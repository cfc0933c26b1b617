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
open NeuroDyn.Analysis.Maps


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

        test "a linear map's fixed point and multipliers are the analytic ones: h* = (I − A)⁻¹c, μ = eigenvalues of A" {
            // A = [[0.5, 0.2], [0, −1.5]] (upper triangular: μ = 0.5, −1.5, a saddle), c = (1, 2): h* = (I − A)⁻¹ c = (2.32, 0.8)
            let linear =
                { new IMap with
                    member _.Dimension = 2
                    member _.Apply(s, next) =
                        next[0] <- 0.5 * s[0] + 0.2 * s[1] + 1.0
                        next[1] <- -1.5 * s[1] + 2.0
                    member _.Jacobian(_, j) =
                        j[0] <- 0.5; j[1] <- 0.2; j[2] <- 0.0; j[3] <- -1.5 }
            let starts = Array2D.init 20 2 (fun i j -> float (i - 10) * 0.3 + float j)
            let result = MapFixedPoints.Find(linear, starts, FixedPointOptions(StartCount = 16), seed = 1)
            Expect.equal result.FixedPoints.Count 1 "one fixed point"
            let p = result.FixedPoints[0]
            // Newton on a linear residual lands on the zero in one step: rounding only
            Expect.isLessThan (maxAbsDiff p.Location [| 2.32; 0.8 |]) 1e-12 $"h* = {p.Location[0]}, {p.Location[1]}"
            Expect.isLessThan (abs (p.Multipliers[0].Real + 1.5) + abs (p.Multipliers[1].Real - 0.5)) 1e-12 "μ = −1.5, 0.5 by decreasing modulus"
            Expect.equal p.Stability MapStability.Saddle "one |μ| > 1, one < 1"
            Expect.equal p.UnstableDirections 1 "one unstable direction"
            Expect.equal p.Hits 16 "every start ends there"
        }

        test "the Hénon map's fixed points are the analytic ones, both saddles" {
            let henon = HenonMap(1.4, 0.3)
            // x* = (−(1 − b) ± √((1 − b)² + 4a)) / 2a, y* = b x*
            let root sign = (-(0.7) + sign * sqrt (0.49 + 5.6)) / 2.8
            let orbit = henon.Iterate([| 0.1; 0.1 |], 2000)
            let result = MapFixedPoints.Find(henon, orbit, FixedPointOptions(StartCount = 64), seed = 2)
            Expect.equal result.FixedPoints.Count 2 "two fixed points"
            for sign in [ 1.0; -1.0 ] do
                let x = root sign
                let p = result.FixedPoints |> Seq.minBy (fun p -> abs (p.Location[0] - x))
                Expect.isLessThan (maxAbsDiff p.Location [| x; 0.3 * x |]) 1e-12 $"fixed point near x = {x}"
                Expect.equal p.Stability MapStability.Saddle "both are saddles at a = 1.4, b = 0.3"
        }

        test "the Hénon map's Lyapunov exponents are the published ones, and their sum ln 0.3 to rounding" {
            // published (e.g. Sprott, Chaos and Time-Series Analysis, 2003, table): λ₁ ≈ 0.41922, λ₂ ≈ −1.62319 per iteration
            let result = MapLyapunovSpectrum.Compute(HenonMap(), [| 0.1; 0.1 |], MapLyapunovOptions(Iterations = 200_000))
            // finite-time averages over 2·10⁵ iterations fluctuate by ~1/√N ≈ 2e-3
            Expect.floatClose { absolute = 5e-3; relative = 0.0 } result.Exponents[0] 0.41922 $"λ₁ = {result.Exponents[0]}"
            Expect.floatClose { absolute = 5e-3; relative = 0.0 } result.Exponents[1] -1.62319 $"λ₂ = {result.Exponents[1]}"
            // det J = −b at every point, so Σ log R_ii = N ln 0.3 exactly up to rounding in each step
            Expect.floatClose { absolute = 1e-10; relative = 0.0 } result.Sum (log 0.3) $"Σλ = {result.Sum}"
            let perTime = MapLyapunovSpectrum.Compute(HenonMap(), [| 0.1; 0.1 |], MapLyapunovOptions(Iterations = 200_000, TimePerIteration = 0.01))
            Expect.floatClose { absolute = 1e-9; relative = 0.0 } perTime.Exponents[0] (100.0 * result.Exponents[0]) "per unit time = per iteration / time per iteration"
        }

        test "a CT-RNN map's spectrum per time unit approaches its idealised field's as Δ → 0" {
            TorchRuntime.Initialize() |> ignore
            // a 6-unit CT-RNN, state readout (so its field does not depend on Δ), recurrent gain 3: a slowly decaying focus with four more decay rates
            let dynamicsFor (delta: float) = (new CtRnn(CtRnnOptions(Hidden = 6, Tau = 1.0, SampleInterval = delta), 7L)).Dynamics().WithGain(3.0)
            let field = (dynamicsFor 0.1).ClosedLoopField()
            let start = Array.init 6 (fun i -> 0.1 * float (i - 3))
            let flow = LyapunovSpectrum.Compute(field, start, LyapunovOptions(Dt = 0.01, Steps = 200_000, TransientSteps = 20_000))
            let errors =
                [ for delta in [ 0.1; 0.05; 0.025 ] ->
                    let map = (dynamicsFor delta).ClosedLoopMap()
                    let iterations = int (round (2000.0 / delta))
                    let spectrum = MapLyapunovSpectrum.Compute(map, start, MapLyapunovOptions(Iterations = iterations, TransientIterations = int (round (200.0 / delta)), TimePerIteration = delta))
                    maxAbsDiff spectrum.Exponents flow.Exponents ]
            // the map holds the fed-back readout for Δ where the field feeds it back continuously: an O(Δ) difference in the rates, so the
            // exponents differ by O(Δ) (measured 0.036, 0.017, 0.0085); averaging over 2000 time units adds ~1e-3, within these bounds
            Expect.isLessThan errors[2] 0.015 $"max |λ_map − λ_field| at Δ = 0.025: {errors}"
            for e, half in List.pairwise errors do
                Expect.isTrue (half / e > 0.35 && half / e < 0.65) $"first order in Δ: halving Δ halves the difference ({errors})"
        }
    ]
