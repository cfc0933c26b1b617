(**
# Chapter 00 — Recurrent networks as dynamical systems, and the Lorenz-63 benchmark

A recurrent neural network carries a hidden state h from one moment to the next. Written in continuous
time, $\tau\,\dot h = F(h, x)$, it *is* a dynamical system: a vector field on its state space, with fixed points,
limit cycles and possibly chaotic attractors. Training such a network to imitate a physical system means
asking its vector field to reproduce the physical one — not only one step ahead, but as a whole geometry.

Our benchmark is the Lorenz-63 system (Lorenz 1963), a three-variable caricature of convection:

$$
\dot x = \sigma (y - x), \qquad \dot y = x(\rho - z) - y, \qquad \dot z = x y - \beta z
$$

with σ = 10, ρ = 28, β = 8/3. Its trajectories settle on the famous butterfly-shaped strange attractor;
nearby trajectories separate exponentially fast, at a rate given by the largest Lyapunov exponent
(≈ 0.906 per time unit). Every later chapter trains a network on the data built here.

Run it with `dotnet fsi scripts/00_lorenz.fsx`; try `--rho 99.96 --seed 3`, or `--quick` for a tiny run; `-- --help` lists the options.
*)
#load "prelude.fsx"
open System
open Prelude
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Data
open Plotly.NET

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, outDir, dataPath = common.Quick, common.OutDir, common.DataPath
let options =
    LorenzDataOptions(
        Sigma = args.Float("sigma", 10.0, "σ of Lorenz-63"),
        Rho = args.Float("rho", 28.0, "ρ of Lorenz-63 (try 99.96: a periodic orbit)"),
        Beta = args.Float("beta", 8.0 / 3.0, "β of Lorenz-63"),
        Seed = common.Seed,
        Duration = args.Float("duration", common.DataDuration, "time units sampled for the data set (every 0.01)"))
args.Check()
let page = Page.Page("Chapter 00 — Lorenz-63", __SOURCE_DIRECTORY__ + "/00_lorenz.fsx")

(**
## The trajectory

We start from a seeded random perturbation of [1, 1, 1], integrate for 10 time units to let the
transient die out, then sample 200 time units every dt = 0.01. The solver is the 8th-order
Dormand–Prince method (DOP853) at a relative tolerance of 1e-10, so that the data are exact to far
below anything a network will learn.
*)
let build = LorenzDataset.Generate options
let solution = build.Solution
printfn "solved %d samples with %A in %.3f s (%d function evaluations, %d steps)"
    solution.Times.Length options.Method build.Seconds solution.FunctionEvaluations solution.AcceptedSteps

page.Chart(Plots.attractor3d "The Lorenz attractor" [ ("Lorenz-63", build.States) ])
page.Chart(Plots.timeSeries "x, y, z over time" build.Times [ "x"; "y"; "z" ] [ ("Lorenz-63", build.States) ])

(**
## Sensitivity to initial conditions

Two trajectories that start 1e-8 apart stay together for a while, then separate exponentially, until the
distance saturates at the size of the attractor. On a log scale the growth is a straight line whose slope
estimates the largest Lyapunov exponent. One pair of trajectories gives a noisy estimate; chapter 04
computes the exponent properly.
*)
let system = Lorenz63(options.Sigma, options.Rho, options.Beta)
let start = Series.Row(build.States, 0)
let nearby = Array.copy start
nearby.[0] <- nearby.[0] + 1e-8
let horizon = if quick then 15.0 else 30.0
let sensitivityTimes = Array.init (int (horizon / 0.01) + 1) (fun k -> float k * 0.01)
let tight = OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-12, Atol = 1e-12, TEval = sensitivityTimes)
let a = Ode.Solve(system, start, 0.0, horizon, tight).EnsureSuccess()
let b = Ode.Solve(system, nearby, 0.0, horizon, tight).EnsureSuccess()
let distance =
    Array.init sensitivityTimes.Length (fun k ->
        sqrt (Seq.sum (seq { for j in 0 .. 2 -> (a.States.[k, j] - b.States.[k, j]) ** 2.0 })))

/// Growth rate of ln d(t), fitted by least squares from t = 0 up to the first time the distance reaches 1
/// (beyond that the separation saturates at the attractor's size).
let divergenceRate =
    let last = distance |> Array.tryFindIndex (fun d -> d >= 1.0) |> Option.defaultValue distance.Length
    let struct (_, slope) = MathNet.Numerics.Fit.Line(sensitivityTimes.[.. last - 1], distance.[.. last - 1] |> Array.map log)
    slope
printfn "fitted divergence rate: %.3f per time unit (largest Lyapunov exponent ≈ 0.906)" divergenceRate

page.Chart(Plots.logY "Distance between trajectories started 1e-8 apart" "time" "distance"
    [ "|x_a(t) − x_b(t)|", sensitivityTimes, distance
      $"fit: 1e-8 · exp({divergenceRate:F3} t)", sensitivityTimes, sensitivityTimes |> Array.map (fun t -> 1e-8 * exp (divergenceRate * t)) ])
page.Text($"The fitted growth rate is **{divergenceRate:F3}** per time unit.")

(**
## The data set

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
let windowChart =
    [ for j, axis in List.indexed [ "x"; "y"; "z" ] ->
        [ Chart.Line(x = [ 0 .. data.SeqLength - 1 ], y = Plots.column window j, Name = $"window {axis}")
          Chart.Point(x = [ data.SeqLength ], y = [ target.[j] ], Name = $"target {axis}") ]
        |> Chart.combine ]
    |> Chart.combine
    |> Chart.withTitle "One training window (50 z-scored states) and its target, the next state"
    |> Chart.withXAxisStyle "sample"
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
       divergence_rate = divergenceRate
       data_file = dataPath |}
