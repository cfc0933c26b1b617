(**
# Chapter 00 — Recurrent networks as dynamical systems, and the Lorenz-63 benchmark

A recurrent neural network carries a hidden state h from one moment to the next. Machine learning usually writes it in
discrete time, one update per input; neuroscience and physics write it in continuous time, as a flow. The two are the
same kind of object — a dynamical system on the network's state space, with fixed points, limit cycles and possibly
chaotic attractors — and training such a network to imitate a physical system means asking its dynamics to reproduce
the physical ones: not only one step ahead, but as a whole geometry.

Run it with `dotnet fsi scripts/00_lorenz.fsx`; try `--rho 99.96 --seed 3`, `--method dopri5` for the tutorial's
solver, or `--quick` for a tiny run; `-- --help` lists the options.
*)
#load "prelude.fsx"
open System
open Prelude
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Data
open NeuroDyn.Analysis
open Plotly.NET

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, outDir, dataPath = common.Quick, common.OutDir, common.DataPath
let methodName = args.Text("method", "dop853", "solver of the trajectories and the data set: dop853 (8th order) or dopri5 (the 5(4) pair scipy calls RK45, the tutorial's)")
let odeMethod =
    match methodName with
    | "dop853" -> OdeMethod.Dop853
    | "dopri5" -> OdeMethod.Dopri5
    | other ->
        args.Refuse $"--method expects dop853 or dopri5 but got '{other}'"
        OdeMethod.Dop853
let options =
    LorenzDataOptions(
        Sigma = args.Float("sigma", 10.0, "σ of Lorenz-63"),
        Rho = args.Float("rho", 28.0, "ρ of Lorenz-63 (try 99.96: a periodic orbit)"),
        Beta = args.Float("beta", 8.0 / 3.0, "β of Lorenz-63"),
        Seed = common.Seed,
        Duration = args.Float("duration", common.DataDuration, "time units sampled for the data set (every 0.01)"),
        Method = odeMethod)
let lyapunovTime = args.Float("lyapunov-time", (if quick then 100.0 else 500.0), "time units over which the Lyapunov spectrum is averaged (RK4, dt 0.01)")
if not (lyapunovTime >= 0.01) then args.Refuse $"--lyapunov-time must be at least 0.01 (one RK4 step) but is {lyapunovTime}"
args.Check()
let page = Page.Page("Chapter 00 — Lorenz-63", __SOURCE_DIRECTORY__ + "/00_lorenz.fsx")

(**
## Discrete time and continuous time

Side by side, the two ways of writing a recurrent network:

$$
\underbrace{h_{t+1} = f(h_t, x_t;\theta)}_{\text{discrete time, e.g. } f = \tanh(W h_t + U x_t + b)}
\qquad\qquad
\underbrace{\tau\,\dot h = -h + \tanh(W h + U x + b)}_{\text{continuous time (CT-RNN)}}
$$

One forward-Euler step of length Δt turns the flow into the leaky update
$h_{t+1} = (1-\alpha)\,h_t + \alpha \tanh(W h_t + U x_t + b)$ with $\alpha = \Delta t/\tau$. At α = 1 — a step as long
as the time constant — this *is* the discrete network on the left; as α → 0 the updates trace the continuous trajectory.
The discrete network is the continuous one seen through a coarse clock, and the continuous one is the limit of ever finer
discrete updates.

That a network can imitate a physical system at all is the **universal approximation** property of recurrent networks:
a continuous-time RNN with enough hidden units can follow any trajectory of a smooth dynamical system, over a finite
time interval, as closely as we like (Funahashi & Nakamura 1993), and discrete RNNs approximate open dynamical systems
in the same sense (Schäfer & Zimmermann 2006). The theorems promise existence, not a recipe: they say nothing of how many
units suffice, of whether gradient descent finds the weights, or of the long-time behaviour a chaotic attractor is about
— which is what the later chapters measure.

Here is that correspondence computed: a small CT-RNN (8 units, Gaussian W with gain 1.5, the input held constant and
folded into b, τ = 1) solved exactly (DOP853), stepped by the core's Euler solver, and iterated as the discrete RNN.
*)
let units, gain, tau = 8, 1.5, 1.0
let rnnRandom = Random(common.Seed)
let weights = Array2D.init units units (fun _ _ -> gain / sqrt (float units) * Gaussian.Next rnnRandom)
let bias = Array.init units (fun _ -> 0.5 * Gaussian.Next rnnRandom)
let hidden0 = Array.init units (fun _ -> Gaussian.Next rnnRandom)
/// The pre-activation tanh(W h + b) of every unit.
let activation (h: float[]) =
    Array.init units (fun i -> tanh (bias.[i] + Seq.sum (seq { for j in 0 .. units - 1 -> weights.[i, j] * h.[j] })))
/// τ ḣ = −h + tanh(W h + b) as a vector field, with its Jacobian (−I + diag(1 − tanh²) W) / τ.
let ctRnn =
    { new IVectorField with
        member _.Dimension = units
        member _.Evaluate(h, dh) =
            let a = activation (h.ToArray())
            for i in 0 .. units - 1 do dh.[i] <- (a.[i] - h.[i]) / tau
        member _.Jacobian(h, j) =
            let a = activation (h.ToArray())
            for r in 0 .. units - 1 do
                for c in 0 .. units - 1 do
                    j.[r * units + c] <- ((1.0 - a.[r] * a.[r]) * weights.[r, c] - (if r = c then 1.0 else 0.0)) / tau }
/// The one-line discrete RNN, h ← tanh(W h + b), iterated `steps` times.
let discreteRnn steps = Array.scan (fun h _ -> activation h) hidden0 (Array.zeroCreate steps)
let rnnHorizon = 10.0
let eulerAt alpha = Ode.Solve(ctRnn, hidden0, 0.0, rnnHorizon, OdeOptions(Method = OdeMethod.Euler, Step = Nullable(alpha * tau))).EnsureSuccess()
let rnnTimes = Array.init 501 (fun k -> rnnHorizon * float k / 500.0)
let flow = Ode.Solve(ctRnn, hidden0, 0.0, rnnHorizon, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-12, Atol = 1e-12, TEval = rnnTimes)).EnsureSuccess()
let discrete = discreteRnn (int rnnHorizon)
let eulerUnitStep = eulerAt 1.0
let discreteVsEuler =
    Seq.max (seq { for k in 0 .. discrete.Length - 1 do for i in 0 .. units - 1 -> abs (discrete.[k].[i] - eulerUnitStep.States.[k, i]) })
let exactEnd = Series.Row(flow.States, rnnTimes.Length - 1)
let alphas = [ 1.0; 0.5; 0.1; 0.01; 0.001 ]
let eulerErrors =
    [ for alpha in alphas ->
        let s = eulerAt alpha
        let last = Series.Row(s.States, s.Times.Length - 1)
        alpha, Array.map2 (fun a b -> abs (a - b)) last exactEnd |> Array.max ]
printfn "discrete RNN vs Euler at Δt = τ: largest difference %.1e; Euler errors at t = %g: %A" discreteVsEuler rnnHorizon eulerErrors

let leaky = eulerAt 0.1
page.Chart(
    [ Chart.Line(x = rnnTimes, y = Series.Column(flow.States, 0), Name = "continuous flow (DOP853)")
      Chart.Line(x = leaky.Times, y = Series.Column(leaky.States, 0), Name = "leaky updates, α = Δt/τ = 0.1", ShowMarkers = true)
      Chart.Point(x = [ for k in 0 .. discrete.Length - 1 -> float k * tau ], y = [ for h in discrete -> h.[0] ], Name = "discrete RNN h ← tanh(W h + b) (α = 1)") ]
    |> Chart.combine
    |> Chart.withTitle "One unit of a CT-RNN: the continuous flow and its Euler discretisations"
    |> Chart.withXAxisStyle "time t (units of τ)"
    |> Chart.withYAxisStyle "h₁")
page.Table(
    [ "α = Δt/τ"; "updates"; $"largest error at t = {rnnHorizon:F0}" ]
    :: [ for alpha, error in eulerErrors -> [ $"{alpha:G3}"; $"{int (round (rnnHorizon / alpha))}"; $"{error:E2}" ] ])
page.Text(
    $"The core's Euler solver at Δt = τ reproduces the discrete RNN's {discrete.Length - 1} updates to **{discreteVsEuler:G2}** "
    + "(the same arithmetic); below α = 0.1 the error shrinks tenfold with every tenfold smaller step: Euler is first-order "
    + "accurate, and the discrete network converges to the continuous one.")

(**
## The Lorenz-63 system

Our benchmark is the Lorenz-63 system (Lorenz 1963), a three-variable caricature of convection:

$$
\dot x = \sigma (y - x), \qquad \dot y = x(\rho - z) - y, \qquad \dot z = x y - \beta z
$$

with σ = 10, ρ = 28, β = 8/3. Its trajectories settle on the famous butterfly-shaped strange attractor;
nearby trajectories separate exponentially fast, at a rate given by the largest Lyapunov exponent
(≈ 0.906 per time unit). Every later chapter trains a network on the data built here.

## A first trajectory

As the tutorial does, we first look at one trajectory: t ∈ [0, 100] from (1, 1, 1), reported at 10,000 evenly spaced
times. It starts off the attractor, settles onto it within a few time units, and then switches irregularly between
the two wings. The solver is the one `--method` chooses (DOP853 by default; `dopri5` is
the Dormand–Prince 5(4) pair that scipy's `solve_ivp` calls RK45), at the data set's tolerances (rtol 1e-10, atol 1e-6).
*)
let system = Lorenz63(options.Sigma, options.Rho, options.Beta)
let demoTimes = Array.init 10_000 (fun k -> 100.0 * float k / 9_999.0)
let demoStart = [| 1.0; 1.0; 1.0 |]
let demo = Ode.Solve(system, demoStart, 0.0, 100.0, OdeOptions(Method = odeMethod, Rtol = options.Rtol, Atol = options.Atol, TEval = demoTimes)).EnsureSuccess()
printfn "demonstration trajectory: %d points, %s, %d function evaluations" demo.Times.Length methodName demo.FunctionEvaluations

page.Chart(Plots.attractor3d "The Lorenz attractor: t ∈ [0, 100] from (1, 1, 1)" [ ("Lorenz-63", demo.States) ])
page.Chart(Plots.timeSeriesOver "x, y, z of the first trajectory" "time t" demo.Times [ "x"; "y"; "z" ] [ ("Lorenz-63", demo.States) ])

(**
## Sensitivity to initial conditions

Now two trajectories: one from (1, 1, 1), the other from (1 + 10⁻⁸, 1, 1), both solved at rtol = atol = 1e-12 so that
the solver's error stays far below their separation. Their x(t) coincide for a while, then part company for good. The
distance between them grows exponentially — a straight line on the log scale, from the 10⁻⁸ they started at — until it
saturates at the size of the attractor. From (1, 1, 1) the distance first lingers near 10⁻⁸ while the trajectory
finds its way onto the attractor. The slope of the straight part, fitted by least squares from the last time the
distance is within ten times its start up to the first time it reaches 1, estimates the largest Lyapunov exponent; one
pair of trajectories gives a noisy estimate, and chapter 04 computes the exponent properly.
*)
let offset = 1e-8
let nearby = [| demoStart.[0] + offset; demoStart.[1]; demoStart.[2] |]
let tight = OdeOptions(Method = odeMethod, Rtol = 1e-12, Atol = 1e-12, TEval = demoTimes)
let a = Ode.Solve(system, demoStart, 0.0, 100.0, tight).EnsureSuccess()
let b = Ode.Solve(system, nearby, 0.0, 100.0, tight).EnsureSuccess()
let distance =
    Array.init demoTimes.Length (fun k ->
        sqrt (Seq.sum (seq { for j in 0 .. 2 -> (a.States.[k, j] - b.States.[k, j]) ** 2.0 })))
let finalSeparation = distance.[distance.Length - 1]
let amplification = finalSeparation / offset

/// The fit of ln d(t) ends where the distance first reaches 1 (beyond, the separation saturates at the attractor's size) and
/// starts where it last was within ten times its initial value (before, it lingers near 1e-8 while the trajectory is on its way).
let fitEnd = distance |> Array.tryFindIndex (fun d -> d >= 1.0) |> Option.defaultValue distance.Length
let fitStart = distance.[.. fitEnd - 1] |> Array.tryFindIndexBack (fun d -> d <= 10.0 * offset) |> Option.defaultValue 0
/// Intercept and growth rate of ln d(t) by least squares over [fitStart, fitEnd).
let divergenceIntercept, divergenceRate =
    let struct (intercept, slope) = MathNet.Numerics.Fit.Line(demoTimes.[fitStart .. fitEnd - 1], distance.[fitStart .. fitEnd - 1] |> Array.map log)
    intercept, slope
printfn "fitted divergence rate: %.3f per time unit (largest Lyapunov exponent ≈ 0.906); final separation %.3e, amplification %.3e"
    divergenceRate finalSeparation amplification

page.Chart(Plots.lines "x(t) of two trajectories started 1e-8 apart" "time t" "x"
    [ "from (1, 1, 1)", demoTimes, Series.Column(a.States, 0)
      "from (1 + 1e-8, 1, 1)", demoTimes, Series.Column(b.States, 0) ])
page.Chart(Plots.logY "Distance between the two trajectories" "time t" "distance"
    [ "|x_a(t) − x_b(t)|", demoTimes, distance
      "initial distance 1e-8", [| 0.0; 100.0 |], [| offset; offset |]
      $"fit: exp({divergenceIntercept:F2} + {divergenceRate:F3} t), {demoTimes.[fitStart]:F1} ≤ t ≤ {demoTimes.[fitEnd - 1]:F1}", demoTimes.[fitStart .. fitEnd - 1],
      demoTimes.[fitStart .. fitEnd - 1] |> Array.map (fun t -> exp (divergenceIntercept + divergenceRate * t)) ])
page.Text(
    $"Final separation at t = 100: **{finalSeparation:E3}**, an amplification of the initial 10⁻⁸ by **{amplification:E2}**. "
    + $"The fitted growth rate is **{divergenceRate:F3}** per time unit (largest Lyapunov exponent ≈ 0.906).")

(**
## Phase-space contraction

Lorenz-63 is *dissipative*: a small blob of initial states keeps losing volume, at the rate given by the divergence of
the field, $\frac{d}{dt}\ln V = \nabla\cdot f$. For Lorenz the divergence is the same everywhere,
$\nabla\cdot f = \partial_x \dot x + \partial_y \dot y + \partial_z \dot z = -\sigma - 1 - \beta = -13.667$, so every volume shrinks
by a factor $e^{-13.667} \approx 10^{-6}$ per time unit and the attractor has zero volume. The same number is the sum of
the Lyapunov exponents, since the exponents measure the growth of lengths, areas and volumes along the flow.

We check both without using the hand-written trace: the divergence by central finite differences of f at every state of
the first trajectory (`FieldDivergence.Along`), and the Lyapunov spectrum by the QR method (`LyapunovSpectrum.Compute`,
RK4 at dt 0.01, from (1, 1, 1) after 10 time units of transient), whose sum should agree with it.
*)
let divergenceAlong = FieldDivergence.Along(system, demo.States)
let divergenceMean = Array.average divergenceAlong
let divergenceAnalytic = -(options.Sigma + 1.0 + options.Beta)
let divergenceWorst = divergenceAlong |> Array.map (fun d -> abs (d - divergenceAnalytic)) |> Array.max
let spectrum =
    LyapunovSpectrum.Compute(system, demoStart, LyapunovOptions(Dt = 0.01, Steps = int (round (lyapunovTime / 0.01)), TransientSteps = 1_000))
let runningSum = Array.init spectrum.Times.Length (fun i -> Seq.sum (seq { for j in 0 .. 2 -> spectrum.RunningEstimate.[i, j] }))
printfn "∇·f by finite differences: mean %.10f, largest deviation from −(σ+1+β) = %.10f %.1e; Lyapunov λ = %A, sum %.6f"
    divergenceMean divergenceAnalytic divergenceWorst spectrum.Exponents spectrum.Sum

page.Chart(Plots.lines "Contraction rate: ∇·f by central differences along the first trajectory, and the running sum of Lyapunov exponents" "time t" "rate (per time unit)"
    [ "∇·f (finite differences)", demo.Times, divergenceAlong
      $"λ₁ + λ₂ + λ₃ (running, after the transient)", spectrum.Times |> Array.map (fun t -> t + 10.0), runningSum
      "−(σ + 1 + β)", [| 0.0; spectrum.Times.[spectrum.Times.Length - 1] + 10.0 |], [| divergenceAnalytic; divergenceAnalytic |] ])
page.Table(
    [ [ "quantity"; "value"; "difference from −(σ + 1 + β)" ]
      [ "−(σ + 1 + β), by hand"; $"{divergenceAnalytic:F6}"; "" ]
      [ $"mean ∇·f by central differences over {divergenceAlong.Length} states"; $"{divergenceMean:F6}"; $"{divergenceMean - divergenceAnalytic:E1}" ]
      [ $"λ₁ + λ₂ + λ₃ over {lyapunovTime:F0} time units"; $"{spectrum.Sum:F6}"; $"{spectrum.Sum - divergenceAnalytic:E1}" ] ])
page.Text(
    $"The spectrum is λ = ({spectrum.Exponents.[0]:F3}, {spectrum.Exponents.[1]:F3}, {spectrum.Exponents.[2]:F3}). "
    + $"The finite differences stay within {divergenceWorst:E0} of −(σ + 1 + β) at every state (the field is quadratic, so central "
    + $"differences are exact up to rounding); the Lyapunov sum differs from the numerical divergence by {abs (spectrum.Sum - divergenceMean):E1}, "
    + "the RK4 error of the tangent map (it shrinks 16-fold when dt halves).")

(**
## The data set

The data set starts from a seeded random perturbation of (1, 1, 1), integrates for 10 time units to let the transient die
out, then samples 200 time units every dt = 0.01 (20 in a quick run) — so its clock runs from t = 10, and the charts
below use these real times. The solver is the one `--method` chose, at a relative tolerance of 1e-10, so that the data
are exact to far below anything a network will learn.
*)
let build = LorenzDataset.Generate options
let solution = build.Solution
printfn "solved %d samples with %A in %.3f s (%d function evaluations, %d steps)"
    solution.Times.Length options.Method build.Seconds solution.FunctionEvaluations solution.AcceptedSteps

page.Chart(
    Plots.timeSeriesOver $"The data: x, y, z from t = {build.Times.[0]:G4} to {build.Times.[build.Times.Length - 1]:G5}"
        "time t (the data start after the 10-unit transient)" build.Times [ "x"; "y"; "z" ] [ ("Lorenz-63", build.States) ])

(**
The samples are split in time order: the first 70% for training, the next 15% for validation, the last
15% for testing — never shuffled across the split, because neighbouring samples are nearly identical and
shuffling would leak the test set into training. Each component is z-scored with the *training* mean and
standard deviation. A training example is a window of 50 consecutive states; its target is the next state.
*)
let data = build.Data
printfn "%d train, %d val, %d test samples; mean %A, std %A"
    (Array2D.length1 data.Train) (Array2D.length1 data.Val) (Array2D.length1 data.Test) data.Mean data.Std

let window = Series.Rows(data.Train, 0, data.SeqLength)
let target = Series.Row(data.Train, data.SeqLength)
let windowTimes = build.Times.[.. data.SeqLength - 1]
let windowChart =
    [ for j, axis in List.indexed [ "x"; "y"; "z" ] ->
        [ Chart.Line(x = windowTimes, y = Plots.column window j, Name = $"window {axis}")
          Chart.Point(x = [ build.Times.[data.SeqLength] ], y = [ target.[j] ], Name = $"target {axis}") ]
        |> Chart.combine ]
    |> Chart.combine
    |> Chart.withTitle "The first training window (50 z-scored states) and its target, the next state"
    |> Chart.withXAxisStyle "time t"
page.Chart windowChart

(**
The data set is saved as `data/processed/lorenz_data.npz` (a quick run's as `data/processed/quick/lorenz_data.npz`) with the keys `train`, `val`, `test`, `mean`,
`std`, `dt` and `seq_length`; `numpy.load` reads it as is, and `LorenzData.Load` reads it (or a file numpy
wrote with the same keys) back.
*)
data.Save dataPath
let reloaded = LorenzData.Load dataPath
if reloaded.Train <> data.Train || reloaded.Test <> data.Test then failwith "the saved data set does not read back identically"
printfn "saved and re-read %s" dataPath

page.Save(IO.Path.Combine(outDir, "00_lorenz.html"))
Output.writeJson (IO.Path.Combine(outDir, "00_lorenz.json"))
    {| mode = common.Mode
       ``method`` = methodName
       n_train = Array2D.length1 data.Train
       n_val = Array2D.length1 data.Val
       n_test = Array2D.length1 data.Test
       mean = data.Mean
       std = data.Std
       dt = data.Dt
       seq_length = data.SeqLength
       initial_state = build.InitialState
       parameters = {| sigma = options.Sigma; rho = options.Rho; beta = options.Beta; seed = options.Seed |}
       solver =
        {| ``method`` = string options.Method
           rtol = options.Rtol
           atol = options.Atol
           nfev = solution.FunctionEvaluations
           steps = solution.AcceptedSteps
           seconds = build.Seconds |}
       initial_separation = offset
       separation = finalSeparation
       amplification = amplification
       divergence_rate = divergenceRate
       divergence =
        {| numerical_mean = divergenceMean
           numerical_max_deviation = divergenceWorst
           analytic = divergenceAnalytic
           lyapunov_sum = spectrum.Sum
           lyapunov_exponents = spectrum.Exponents
           lyapunov_time = lyapunovTime |}
       discrete_vs_euler = discreteVsEuler
       data_file = dataPath |}
