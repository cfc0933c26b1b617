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
open NeuroDyn.Tests.ExplicitScalars


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
        model, w, Func<RateNetworkState, Tensor>(fun s -> s.Hidden),
        Func<Tensor, RateNetworkState, RateNetworkState>(fun rows t -> RateNetworkState(rows, t.Weight, t.InverseTau)))

/// The closed-loop map's Jacobian the slow way, apart from SequenceModelMap: G written out from the model's own Predict and Step on a batch of
/// one, s = (h, x) or h, differentiated by TorchVectorField with one backward pass per row.
let private perRowJacobian (model: IRecurrentSequenceModel<'S>) (toState: Tensor -> 'S) (ofState: 'S -> Tensor) (hidden: int) (feedsLatest: bool) (state: double[]) =
    let g (s: Tensor) =
        let h = toState (s.narrow(0L, 0L, int64 hidden).reshape(1L, -1L))
        let latest = if feedsLatest then s.narrow(0L, int64 hidden, 3L).reshape(1L, 3L) else torch.zeros(1L, 3L, dtype = torch.ScalarType.Float64)
        let x = model.Predict(h, latest)
        let next = (ofState (model.Step(h, x))).reshape(-1L)
        if feedsLatest then torch.cat([| next; x.reshape(-1L) |], 0L) else next
    let field = TorchVectorField(state.Length, Func<Tensor, Tensor> g)
    let j = Array.zeroCreate (state.Length * state.Length)
    field.Jacobian(ReadOnlySpan state, Span j)
    j

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
    let run = mm.Map.FreeRun(mm.InitialState, steps)
    Expect.isLessThan (maxAbsDiff (Seq.cast<float> run |> Array.ofSeq) rollout) tolerance "FreeRun is the rollout"

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

/// A one-dimensional map from its formula and derivative.
let private map1 (g: float -> float) (dg: float -> float) =
    { new IMap with
        member _.Dimension = 1
        member _.Apply(s, next) = next[0] <- g s[0]
        member _.Jacobian(s, j) = j[0] <- dg s[0] }

/// A one-unit rate network with no input coupling: dh/dt = −h + tanh(g h), its map by RK4 over Δ = 0.1 (state readout, D = 1, nothing fed back).
let private oneUnit () =
    RateNetworkDynamics([| 1.0 |], [| 0.0 |], [| 0.0 |], [| 0.0 |], [| 0.0 |], [| 1.0 |], RateActivation.Tanh, Nullable(), 0.1, OdeMethod.Rk4, 1)

/// The root h* > 0 of h = tanh(g h) (g > 1) by Newton's method from 1.
let private tanhRoot (g: float) =
    let mutable h = 1.0
    for _ in 1 .. 60 do h <- h - (h - tanh (g * h)) / (1.0 - g * (1.0 - tanh (g * h) ** 2.0))
    h

/// A discrete tanh RNN whose state is a plain tensor, h' = tanh(W h + W_in x + b) + c (mean over the batch of h − h), x̂ = W_out h + b_out: a model the
/// core has no map code for. With c = 0 its batch rows are independent; with c ≠ 0 they are coupled (a batch of one is the same map either way).
type private TinyRnn(seed: int64, coupling: float) =
    let f64 = torch.ScalarType.Float64
    let input = torch.nn.Linear(3L, 8L, dtype = f64)
    let recurrent = torch.nn.Linear(8L, 8L, hasBias = false, dtype = f64)
    let output = torch.nn.Linear(8L, 3L, dtype = f64)
    do
        use _ = torch.no_grad()
        let generator = new torch.Generator(uint64 seed)
        for p in [ input.weight; input.bias; recurrent.weight; output.weight; output.bias ] do
            let uniform = torch.rand(p.shape, dtype = f64, generator = generator)
            p.copy_(scale 0.6 (shift -1.0 (scale 2.0 uniform))) |> ignore   // U(−0.6, 0.6)
    let step (h: Tensor) (x: Tensor) = plus (torch.tanh(plus (recurrent.forward(h)) (input.forward(x)))) (scale coupling (h.mean([| 0L |], keepdim = true) - h))
    interface ISequenceModel with
        member _.Module = input :> torch.nn.Module
        member this.PredictNext(windows) = SequenceModels.PredictNext(this :> IRecurrentSequenceModel<Tensor>, windows)
        member this.Rollout(windows, steps) = SequenceModels.Rollout(this :> IRecurrentSequenceModel<Tensor>, windows, steps)
        member _.ParameterCount = 8 * 3 + 8 + 64 + 3 * 8 + 3
    interface IRecurrentSequenceModel<Tensor> with
        member _.WarmUp(windows) =
            let mutable h = torch.zeros([| windows.shape[0]; 8L |], dtype = f64)
            for k in 0L .. windows.shape[1] - 1L do h <- step h (windows.select(1, k))
            h
        member _.Step(h, x) = step h x
        member _.Predict(h, _) = output.forward(h)

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
            Expect.isTrue (mm.Map :?> SequenceModelMap<RateNetworkState>).BatchedJacobian "identical copies share the accepted steps: one pass"
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

        test "the Hénon map's period-2 orbit and its multipliers, found from near-returns, are the analytic ones" {
            // x₀ + x₁ = (1 − b)/a, x₀x₁ = ((1 − b)s − 2 + a s²)/2a, y = b·(the other x); ∂G²/∂h has trace 4a²x₀x₁ + 2b and determinant b²
            let a, b = 1.4, 0.3
            let sum = (1.0 - b) / a
            let product = ((1.0 - b) * sum - 2.0 + a * sum * sum) / (2.0 * a)
            let x0, x1 = (sum + sqrt (sum * sum - 4.0 * product)) / 2.0, (sum - sqrt (sum * sum - 4.0 * product)) / 2.0
            let trace = 4.0 * a * a * product + 2.0 * b
            let mu = [ (trace + sqrt (trace * trace - 4.0 * b * b)) / 2.0; (trace - sqrt (trace * trace - 4.0 * b * b)) / 2.0 ]
            let search = PeriodicPoints.Find(HenonMap(a, b), [| 0.1; 0.1 |], MapNearReturnOptions(MaxPeriod = 4))
            let periods = search.Orbits |> Seq.map (fun o -> o.Period) |> List.ofSeq
            Expect.contains periods 1 $"the fixed point on the attractor (periods found: {periods})"
            let orbit = search.Orbits |> Seq.find (fun o -> o.Period = 2)
            Expect.equal (periods |> List.filter ((=) 2)).Length 1 "one period-2 orbit, found once whichever of its points the seeds were near"
            let points = [ for i in 0 .. 1 -> [| orbit.Orbit[i, 0]; orbit.Orbit[i, 1] |] ]
            for x, y in [ x0, b * x1; x1, b * x0 ] do
                // Newton converged to 1e-10 on a well-conditioned 2×2 system: the point to ~1e-10
                let nearest = points |> List.minBy (fun p -> abs (p[0] - x))
                Expect.isLessThan (maxAbsDiff nearest [| x; y |]) 1e-9 $"point ({x}, {y})"
            let found = orbit.Multipliers |> Array.map (fun m -> m.Real) |> Array.sortDescending
            Expect.isLessThan (maxAbsDiff found (List.toArray mu |> Array.sortDescending)) 1e-8 $"multipliers {found} against {mu}"
            Expect.equal orbit.Stability MapStability.Saddle "a saddle orbit"
        }

        test "the logistic map's period-2 points x± = (r + 1 ± √((r − 3)(r + 1)))/2r and multiplier −r² + 2r + 4, stable at r = 3.2, unstable at 3.5" {
            for r, stability in [ 3.2, MapStability.Stable; 3.5, MapStability.Unstable ] do
                let logistic = LogisticMap(r)
                let root = sqrt ((r - 3.0) * (r + 1.0))
                let expected = [ (r + 1.0 + root) / (2.0 * r); (r + 1.0 - root) / (2.0 * r) ]
                for seed in [ 0.45; 0.85 ] do
                    let p = PeriodicPoints.Newton(logistic, [| seed |], 2)
                    Expect.isTrue p.Converged p.Message
                    let x = p.State[0]
                    // quadratic convergence to 1e-10 closing error on a residual of slope |μ − 1| ≥ 0.25: the point to 1e-10/0.25
                    Expect.isLessThan (expected |> List.map (fun e -> abs (x - e)) |> List.min) 1e-9 $"x = {x} is one of {expected}"
                    Expect.floatClose { absolute = 1e-8; relative = 0.0 } p.Multipliers[0].Real (-r * r + 2.0 * r + 4.0) "μ = r²(1 − 2x₊)(1 − 2x₋)"
                    Expect.equal p.Stability stability $"r = {r}"
        }

        test "Newton for periodic points says why it failed: NaN from the map, divergence, a singular Newton matrix" {
            let nan = PeriodicPoints.Newton(map1 log (fun x -> 1.0 / x), [| -1.0 |], 1)
            Expect.isFalse nan.Converged "log of a negative number"
            Expect.stringContains nan.Message "NaN" nan.Message
            // G(h) = h + ∛h: Newton on ∛h maps h to −2h, so the closing error grows by 2^(1/3) a step, past 100× in 20 steps
            let diverging = PeriodicPoints.Newton(map1 (fun x -> x + Math.Cbrt x) (fun x -> 1.0 + 1.0 / (3.0 * Math.Cbrt(x * x))), [| 1.0 |], 1, PeriodicPointOptions(DivergenceFactor = 100.0))
            Expect.isFalse diverging.Converged "Newton on the cube root"
            Expect.stringContains diverging.Message "diverged" diverging.Message
            let shift = PeriodicPoints.Newton(map1 (fun x -> x + 1.0) (fun _ -> 1.0), [| 0.0 |], 3)
            Expect.isFalse shift.Converged "a shift has no periodic points"
            Expect.stringContains shift.Message "singular" shift.Message
            Expect.isEmpty shift.Multipliers "no multipliers without an orbit"
            Throws.withMessage<ArgumentOutOfRangeException> [ "period" ] (fun () -> PeriodicPoints.Newton(LogisticMap(), [| 0.5 |], 0) |> ignore)
            Throws.withMessage<ArgumentException> [ "seedState"; "dimension 2" ] (fun () -> PeriodicPoints.Newton(HenonMap(), [| 0.5 |], 2) |> ignore)
        }

        test "held input, W_rec = 0: fixed points h* = tanh(W_in u* + b) of field and map along a sweep of u*, map multipliers the RK4 polynomial" {
            TorchRuntime.Initialize() |> ignore
            let dynamics = (new CtRnn(CtRnnOptions(Hidden = 5, Tau = 0.8, SampleInterval = 0.1, StepsPerSample = 2), 13L)).Dynamics().WithGain(0.0)
            let inputs = [ for v in [ -1.0; 0.0; 1.0 ] -> [| v; 0.5 * v; -v |] ]
            let rng = Random(3)
            let starts = Array2D.init 12 5 (fun _ _ -> 2.0 * rng.NextDouble() - 1.0)
            let expected (u: double[]) = Array.init 5 (fun i -> tanh (dynamics.Bias[i] + Array.sum (Array.init 3 (fun k -> dynamics.InputWeight[i * 3 + k] * u[k]))))
            let options = FixedPointOptions(StartCount = 16)
            for step in HeldInputSweep.FieldFixedPoints(Func<_, _>(fun u -> dynamics.HeldInputField(u) :> IVectorField), inputs, starts, options) do
                Expect.equal step.Result.FixedPoints.Count 1 "one fixed point of the field"
                Expect.isLessThan (maxAbsDiff step.Result.FixedPoints[0].Location (expected step.Input)) 1e-10 $"field, u* = {step.Input}"
            // an RK step keeps every equilibrium of the field, so the map's fixed point is the same; each unit decays linearly,
            // so every multiplier is the RK4 stability polynomial R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 at z = −(Δ/2)/τ, squared (two steps)
            let z = -0.05 / 0.8
            let multiplier = (1.0 + z + z * z / 2.0 + z ** 3.0 / 6.0 + z ** 4.0 / 24.0) ** 2.0
            for step in HeldInputSweep.MapFixedPoints(Func<_, _>(fun u -> dynamics.HeldInputMap(u) :> IMap), inputs, starts, options) do
                Expect.equal step.Result.FixedPoints.Count 1 "one fixed point of the map"
                let p = step.Result.FixedPoints[0]
                Expect.isLessThan (maxAbsDiff p.Location (expected step.Input)) 1e-10 $"map, u* = {step.Input}"
                for m in p.Multipliers do Expect.floatClose { absolute = 1e-12; relative = 0.0 } m.Real multiplier "μ = R(z)²"
                Expect.equal p.Stability MapStability.Stable "stable"
        }

        test "input Jacobians ∂F/∂u of the held-input field and ∂G/∂u of its map equal central differences" {
            TorchRuntime.Initialize() |> ignore
            for dynamics in [ (new CtRnn(CtRnnOptions(Hidden = 6, StepsPerSample = 2), 17L)).Dynamics()
                              (new EiRateNetwork(EiRateNetworkOptions(Hidden = 8, Activation = RateActivation.Softplus), 18L)).Dynamics() ] do
                let n = dynamics.Hidden
                let rng = Random(4)
                let h = Array.init n (fun _ -> rng.NextDouble() - 0.5)
                let u = [| 0.3; -0.7; 1.1 |]
                let fieldJ = dynamics.FieldInputJacobian(h, u)
                let mapJ = dynamics.HeldInputMap(u).InputJacobian(h)
                // central differences with δ = 1e-6: truncation ~δ² ≈ 1e-12, rounding ~1e-16/δ = 1e-10
                let delta = 1e-6
                for k in 0 .. 2 do
                    let shifted (sign: float) = Array.mapi (fun i v -> if i = k then v + sign * delta else v) u
                    let field sign = dynamics.HeldInputField(shifted sign).Evaluate(h)
                    let map sign = apply (dynamics.HeldInputMap(shifted sign)) h
                    for i in 0 .. n - 1 do
                        Expect.floatClose { absolute = 1e-8; relative = 0.0 } fieldJ[i, k] (((field 1.0)[i] - (field (-1.0))[i]) / (2.0 * delta)) $"∂F_{i}/∂u_{k}"
                        Expect.floatClose { absolute = 1e-8; relative = 0.0 } mapJ[i, k] (((map 1.0)[i] - (map (-1.0))[i]) / (2.0 * delta)) $"∂G_{i}/∂u_{k}"
        }

        test "the recurrent gain as a parameter: continuation finds the pitchfork of −h + tanh(g h) at g = 1, the map's orbit diagram its branch tanh(g h*) = h*" {
            let field = RateNetworkGainField(oneUnit().WithGain(0.5))
            let branch = Continuation.Equilibria(field, "gain", [| 0.0 |], ContinuationOptions(ParameterMax = 2.0))
            let pitchfork = branch.Bifurcations |> Seq.find (fun b -> b.Kind = BifurcationKind.BranchPoint)
            Expect.floatClose { absolute = 1e-6; relative = 0.0 } pitchfork.Parameter 1.0 $"the pitchfork at g = {pitchfork.Parameter}"
            let map = oneUnit().ClosedLoopMap()
            let diagram = MapOrbitDiagram.Of(map, "gain", [| 0.5; 2.0; 3.0 |], [| 0.5 |], 0, MapOrbitDiagramOptions(Transient = 3000, Points = 5))
            Expect.isTrue (diagram.Columns |> Seq.forall (fun c -> c.Complete)) "every column complete"
            // below the pitchfork the origin attracts (multiplier ≈ e^{−0.05} per step); above it the RK map keeps the field's equilibria, h* = tanh(g h*)
            Expect.isLessThan (diagram.Columns[0].Values |> Array.map abs |> Array.max) 1e-12 "g = 0.5: the origin"
            for c in diagram.Columns |> Seq.skip 1 do
                for v in c.Values do Expect.floatClose { absolute = 1e-10; relative = 0.0 } v (tanhRoot c.Parameter) $"g = {c.Parameter}"
            Expect.floatClose { absolute = 0.0; relative = 0.0 } (map.WithParameter("gain", 2.0).GetParameter "gain") 2.0 "the map's gain"
        }

        test "the logistic map's orbit diagram: 1 − 1/r before the period doubling at r = 3, the two period-2 points after" {
            let diagram = MapOrbitDiagram.Of(LogisticMap(), "r", [| 2.8; 3.2 |], [| 0.3 |], 0, MapOrbitDiagramOptions(Transient = 2000, Points = 4, Threads = 2))
            for v in diagram.Columns[0].Values do Expect.floatClose { absolute = 1e-10; relative = 0.0 } v (1.0 - 1.0 / 2.8) "fixed point"
            let r = 3.2
            let root = sqrt ((r - 3.0) * (r + 1.0))
            let points = diagram.Columns[1].Values |> Array.map (fun v -> round (v * 1e8) / 1e8) |> Array.distinct |> Array.sort
            Expect.equal points.Length 2 "two points alternate"
            Expect.floatClose { absolute = 1e-8; relative = 0.0 } points[0] ((r + 1.0 - root) / (2.0 * r)) "x₋"
            Expect.floatClose { absolute = 1e-8; relative = 0.0 } points[1] ((r + 1.0 + root) / (2.0 * r)) "x₊"
        }

        test "bad input to maps and their analyses: a result with the reason, or an error naming the argument" {
            TorchRuntime.Initialize() |> ignore
            let nanMap = map1 (fun _ -> nan) (fun _ -> nan)
            let found = MapFixedPoints.Find(nanMap, array2D [ [ 0.1 ]; [ 0.2 ] ], FixedPointOptions(StartCount = 4))
            Expect.isEmpty found.FixedPoints "no fixed point of a map that returns NaN"
            Expect.equal found.Discarded 4 "every start discarded"
            Throws.withMessage<InvalidOperationException> [ "NaN"; "iteration 1" ] (fun () -> MapLyapunovSpectrum.Compute(nanMap, [| 0.1 |], MapLyapunovOptions(TransientIterations = 0)) |> ignore)
            let column = (MapOrbitDiagram.Of(LogisticMap(), "r", [| 3.5 |], [| 0.3 |], 0)).Columns[0]
            Expect.isTrue column.Complete column.Message
            let diverging = { new IParameterizedMap with
                                member _.Dimension = 1
                                member _.Apply(s, next) = next[0] <- 10.0 * s[0] * s[0] + 1.0
                                member _.Jacobian(s, j) = j[0] <- 20.0 * s[0]
                                member _.ParameterNames = [| "c" |]
                                member _.GetParameter _ = 0.0
                                member this.WithParameter(_, _) = this }
            let blown = (MapOrbitDiagram.Of(diverging, "c", [| 0.0 |], [| 0.3 |], 0)).Columns[0]
            Expect.isFalse blown.Complete "an orbit that overflows"
            Expect.stringContains blown.Message "NaN or infinity" blown.Message
            let dynamics = (new CtRnn(CtRnnOptions(Hidden = 4), 1L)).Dynamics()
            Throws.withMessage<ArgumentOutOfRangeException> [ "gain"; ">= 0" ] (fun () -> dynamics.ClosedLoopMap().WithParameter("gain", -1.0) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "gain" ] (fun () -> RateNetworkGainField(dynamics).WithParameter("gain", nan) |> ignore)
            Throws.withMessage<ArgumentException> [ "tau"; "gain" ] (fun () -> dynamics.ClosedLoopMap().GetParameter "tau" |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "r"; "[0, 4]" ] (fun () -> LogisticMap().WithParameter("r", 5.0) |> ignore)
            Throws.withMessage<ArgumentException> [ "input"; "3 inputs" ] (fun () -> dynamics.HeldInputMap([| 1.0 |]) |> ignore)
            Throws.withMessage<ArgumentException> [ "startStates"; "columns" ] (fun () -> MapFixedPoints.Find(HenonMap(), array2D [ [ 0.1; 0.2; 0.3 ] ]) |> ignore)
            Throws.withMessage<ArgumentException> [ "jacobian"; "square" ] (fun () -> MapFixedPoints.Multipliers(Array2D.zeroCreate 2 3) |> ignore)
            Throws.withMessage<ArgumentException> [ "initialState"; "dimension 2" ] (fun () -> MapLyapunovSpectrum.Compute(HenonMap(), [| 0.1 |]) |> ignore)
            Throws.withMessage<ArgumentException> [ "inconsistent"; "TimeConstants 1" ] (fun () ->
                let d = dynamics
                RateNetworkDynamics(d.RecurrentWeight, d.InputWeight, d.Bias, d.OutputWeight, d.OutputBias, [| 1.0 |], d.Activation, d.IncrementScale,
                                    d.SampleInterval, d.Solver, 1).ClosedLoopMap() |> ignore)
            Throws.withMessage<NotSupportedException> [ "adaptive" ] (fun () ->
                let d = dynamics
                RateNetworkDynamics(d.RecurrentWeight, d.InputWeight, d.Bias, d.OutputWeight, d.OutputBias, d.TimeConstants, d.Activation, d.IncrementScale,
                                    d.SampleInterval, OdeMethod.Dopri5, 1).ClosedLoopMap() |> ignore)
        }

        test "a trained network's diagram against its gain records its predictions: the free run of the map at each gain" {
            TorchRuntime.Initialize() |> ignore
            let model = ctRnn OdeMethod.Rk4 1 true
            let mm = SequenceModelMaps.ClosedLoop(model, window 2 5)
            let map = mm.Map :?> RateNetworkMap
            let diagram = MapOrbitDiagram.OfPrediction(map, "gain", [| 1.0; 1.5 |], mm.InitialState, 2, MapOrbitDiagramOptions(Transient = 50, Points = 20))
            for c in diagram.Columns do
                let run = (map.WithParameter("gain", c.Parameter) :?> IClosedLoopMap).FreeRun(mm.InitialState, 71)
                // the same arithmetic in the same order: identical numbers
                Expect.sequenceEqual c.Values (Array.init 20 (fun i -> run[51 + i, 2])) $"gain {c.Parameter}: z of the predictions after the transient"
            Throws.withMessage<ArgumentException> [ "IClosedLoopMap" ] (fun () -> MapOrbitDiagram.OfPrediction(LogisticMap(), "r", [| 3.0 |], [| 0.5 |], 0) |> ignore)
        }

        test "a recurrent model with a tensor state and no map code of its own gets its map by autograd: the rollout, and a Jacobian equal to central differences" {
            TorchRuntime.Initialize() |> ignore
            let model = TinyRnn(3L, 0.0)
            let w = window 6 5
            let mm = SequenceModelMaps.ClosedLoop(model, w)
            Expect.equal mm.Map.Dimension 8 "the state readout ignores the latest input, so the map acts on h alone"
            expectMapIsRollout model w 20 1e-13
            // central differences, h = 1e-6, entries O(1): ~1e-10
            let s = mm.InitialState
            Expect.isLessThan (maxAbsDiff (jacobian mm.Map s) (finiteDifferences mm.Map s 1e-6)) 1e-8 "autograd Jacobian = central differences"
        }

        test "the GRU baseline provides its closed-loop map (autograd, on (h, x) for its increment readout): its rollout, with a Jacobian equal to central differences" {
            TorchRuntime.Initialize() |> ignore
            let model = new GruNetwork(GruOptions(Hidden = 5, Readout = ReadoutTarget.Increment, IncrementScale = 0.1), 4L)
            Expect.isTrue (box model :? IClosedLoopMapProvider) "the GRU builds its own map"
            let w = window 6 5
            let mm = SequenceModelMaps.ClosedLoop(model, w)
            Expect.equal mm.Map.Dimension 8 "the increment readout feeds the latest input back: the map acts on (h, x)"
            Expect.sequenceEqual mm.InitialState (model.ClosedLoopState w) "the state after the window is the provider's"
            expectMapIsRollout model w 20 1e-13
            // central differences, h = 1e-6, entries O(1): ~1e-10
            let s = mm.InitialState
            Expect.isLessThan (maxAbsDiff (jacobian mm.Map s) (finiteDifferences mm.Map s 1e-6)) 1e-8 "autograd Jacobian = central differences"
            let stateReadout = new GruNetwork(GruOptions(Hidden = 5), 4L)
            Expect.equal (SequenceModelMaps.ClosedLoop(stateReadout, w)).Map.Dimension 5 "the state readout ignores the latest input: the map acts on h"
            expectMapIsRollout stateReadout w 20 1e-13
            Throws.withMessage<InvalidOperationException> [ "OutputSize"; "InputSize" ] (fun () -> (new GruNetwork(GruOptions(Hidden = 4, OutputSize = 2), 1L)).ClosedLoopMap() |> ignore)
        }

        test "the autograd map's Jacobian in one backward pass over a batch of copies equals the per-row Jacobian and central differences (GRU, CT-RNN through the generic map)" {
            TorchRuntime.Initialize() |> ignore
            // the same derivatives of the same operations, summed in another order over a batch: rounding only (entries O(1), ~1e-15)
            let check (name: string) (mm: ModelMap) (batched: SequenceModelMap<'S> -> bool) (perRow: double[] -> double[]) =
                Expect.isTrue (batched (mm.Map :?> SequenceModelMap<'S>)) $"{name}: its batch rows are independent, so one pass"
                let rng = Random(5)
                for trial in 0 .. 2 do
                    let s = mm.InitialState |> Array.map (fun v -> if trial = 0 then v else v + 0.3 * (rng.NextDouble() - 0.5))
                    let batched = jacobian mm.Map s
                    Expect.isLessThan (maxAbsDiff batched (perRow s)) 1e-12 $"{name}, state {trial}: one pass = one pass per row"
                    // central differences, h = 1e-6: truncation ~1e-12, rounding ~1e-10
                    Expect.isLessThan (maxAbsDiff batched (finiteDifferences mm.Map s 1e-6)) 1e-8 $"{name}, state {trial}: = central differences"
            let w = window 12 6
            for readout in [ ReadoutTarget.Increment; ReadoutTarget.State ] do
                let gru = new GruNetwork(GruOptions(Hidden = 9, Readout = readout, IncrementScale = 0.1), 6L)
                let increment = readout = ReadoutTarget.Increment
                check $"GRU ({readout})" (SequenceModelMaps.ClosedLoop(gru, w)) (fun (m: SequenceModelMap<GruState>) -> m.BatchedJacobian) (perRowJacobian gru GruState (fun s -> s.Hidden) 9 increment)
            for increment in [ true; false ] do
                let ctrnn = ctRnn OdeMethod.Rk4 2 increment
                let template = ctrnn.WarmUp(torch.tensor(w, torch.ScalarType.Float64).unsqueeze(0L))
                check $"CT-RNN (increment {increment})" (autogradMap ctrnn w) (fun (m: SequenceModelMap<RateNetworkState>) -> m.BatchedJacobian)
                    (perRowJacobian ctrnn (fun h -> RateNetworkState(h, template.Weight, template.InverseTau)) (fun s -> s.Hidden) 7 increment)
        }

        test "a model that couples its batch rows is found out when its map is built, and gets one backward pass per row: a Jacobian equal to central differences" {
            TorchRuntime.Initialize() |> ignore
            let w = window 6 5
            let coupled = SequenceModelMaps.ClosedLoop(TinyRnn(3L, 0.5), w)
            Expect.isFalse (coupled.Map :?> SequenceModelMap<Tensor>).BatchedJacobian "a batch mean couples the rows: no one-pass Jacobian"
            let s = coupled.InitialState
            // central differences, h = 1e-6, entries O(1): ~1e-10
            Expect.isLessThan (maxAbsDiff (jacobian coupled.Map s) (finiteDifferences coupled.Map s 1e-6)) 1e-8 "per-row Jacobian = central differences"
            // on a batch of one the coupling term vanishes: the same map as the uncoupled model
            let free = SequenceModelMaps.ClosedLoop(TinyRnn(3L, 0.0), w)
            Expect.isTrue (free.Map :?> SequenceModelMap<Tensor>).BatchedJacobian "without the coupling: one pass"
            Expect.isLessThan (maxAbsDiff (jacobian coupled.Map s) (jacobian free.Map s)) 1e-12 "both ways give the same Jacobian of the same map"
        }
    ]
