(**
# Chapter 01 — A continuous-time RNN trained as a neural ODE

A continuous-time recurrent network (CT-RNN) is a dynamical system by construction. Its $n$ hidden units
obey

$$
\tau \frac{dh}{dt} = -h + \tanh\left(W_{rec}\, h + W_{in}\, x(t) + b\right), \qquad y = W_{out}\, h + b_{out},
$$

a leak towards zero plus a saturating recurrent drive. Fed a window of Lorenz states, the network reads them
one sample at a time — each input held constant for a model time $\Delta$ while the ODE is solved (zero-order
hold) — and its readout $y$ predicts the next state.

**What the readout predicts.** Sampled every $dt = 0.01$, the Lorenz state moves only a little from one sample to the
next: about 0.07 of its standard deviation. A readout that predicts the next state itself must get the large part that
the last input already gives right before it can spend any precision on the small change. So by default the readout
predicts the *increment* (a residual readout, as in the spiking reservoir of chapter 03):

$$
\hat x_{k+1} = x_k + s\,(W_{out}\, h + b_{out}),
$$

with $s$ the root-mean-square increment of the training data, so that $W_{out} h + b_{out}$ is of order one. In closed
loop the network then carries the state $x$ along with $h$: per model time $\Delta$, $x$ changes by $s\,(W_{out} h + b_{out})$,
so the continuous idealisation that chapter 04 analyses is the field on $(h, x)$

$$
\tau \dot h = -h + \tanh(W_{rec}\, h + W_{in}\, x + b), \qquad \dot x = \frac{s}{\Delta}\,(W_{out}\, h + b_{out}).
$$

`--readout state` trains the plain readout instead.

**How fast the units follow.** The increment depends on where the state is *now*. A unit with time constant $\tau$
averages its input over about $\tau/\Delta$ samples, so with $\tau = 1$ and $\Delta = 0.1$ the hidden state is a blur
of the last ten inputs and the readout must undo the blur. We take $\tau = 0.1$: the units follow the input within one
sample, and one RK4 step per sample ($\Delta/\tau = 1$) is still well inside RK4's region of stability. With the default
budget, $\tau = 0.2$ already gave a one-step error about ten times smaller and a valid prediction time several times longer
than $\tau = 1$; with the full budget of one-step training and 12 rollout epochs, $\tau = 0.1$ reached a median VPT of 4.3
Lyapunov times over 100 test starts where $\tau = 0.2$ reached 3.7 (try `--tau 1` or `--tau 0.2` to see it).

Because the forward pass *is* an ODE solve, training differentiates through the solver: either by
backpropagating through every solver step (memory grows with the number of steps), or by the **adjoint
method** (Chen et al. 2018), which solves a second ODE backwards in time for the gradients and needs memory
independent of the number of steps.

Run it with `dotnet fsi scripts/01_ctrnn.fsx`; try `--hidden 128 --solver rk4 --adjoint --epochs 30`,
`--readout state`, `--tau 0.5`, `--rollout-steps 30 --rollout-lr 3e-4`, `--quick` for a tiny run or `--full` for the
full-quality run (all training windows in every epoch, more epochs and longer rollouts; see the end of the page); `--resume`
continues an interrupted run from its last checkpoint, and `-- --help` lists every option.
*)
#load "prelude.fsx"
open System
open System.IO
open Prelude
open TorchSharp
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Training
open NeuroDyn.Evaluation
open NeuroDyn.Analysis
open Plotly.NET
open Plotly.NET.LayoutObjects

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
let recipe =
    if quick then { Models.CtRnnBudget.Quick with OneStepEpochs = 2; RolloutEpochs = 1; BatchesPerEpoch = Some 4 }
    elif full then Models.CtRnnBudget.Full
    else Models.CtRnnBudget.Default
let solverName = args.Text("solver", "rk4", "ODE solver of the network: euler, midpoint, rk4 or dopri5")
let adjoint = args.Flag("adjoint", "gradients by the adjoint method instead of backpropagation through the solver")
let readoutName = args.Text("readout", (string recipe.Readout).ToLowerInvariant(), "what the readout predicts: increment (x_last + s r) or state")
let budget =
    { recipe with
        Hidden = args.Int("hidden", recipe.Hidden, "hidden units")
        Tau = args.Float("tau", recipe.Tau, "time constant τ of the units, in model time (Δ = 0.1 per sample)")
        OneStepEpochs = args.Int("epochs", recipe.OneStepEpochs, "epochs of one-step training")
        RolloutEpochs = args.Int("rollout-epochs", recipe.RolloutEpochs, "epochs of closed-loop rollout training")
        RolloutSteps = args.Int("rollout-steps", recipe.RolloutSteps, "rollout length K reached by the curriculum")
        LearningRate = args.Float("lr", recipe.LearningRate, "Adam's learning rate in one-step training")
        RolloutLearningRate = args.Float("rollout-lr", recipe.RolloutLearningRate, "Adam's learning rate in rollout training") }
/// The GRU baseline's recipe: the mode's CT-RNN recipe (not the CT-RNN's overrides above), with fewer epochs in the default run (the
/// chapter's time budget); the quick and full runs train both alike.
let gruRecipe =
    let fewer = if quick || full then recipe.Recipe else { recipe.Recipe with OneStepEpochs = 8; RolloutEpochs = 4; CurriculumEpochs = 2 }
    { fewer with
        OneStepEpochs = args.Int("gru-epochs", fewer.OneStepEpochs, "epochs of one-step training of the GRU baseline")
        RolloutEpochs = args.Int("gru-rollout-epochs", fewer.RolloutEpochs, "epochs of rollout training of the GRU baseline") }
args.Check()
let hidden = budget.Hidden

let solver =
    match solverName.ToLowerInvariant() with
    | "euler" -> NeuroDyn.Solvers.OdeMethod.Euler
    | "midpoint" -> NeuroDyn.Solvers.OdeMethod.Midpoint
    | "rk4" -> NeuroDyn.Solvers.OdeMethod.Rk4
    | "dopri5" -> NeuroDyn.Solvers.OdeMethod.Dopri5
    | other -> failwithf "--solver %s is not known; use euler, midpoint, rk4 or dopri5" other
let readout =
    match readoutName.ToLowerInvariant() with
    | "increment" -> ReadoutTarget.Increment
    | "state" -> ReadoutTarget.State
    | other -> failwithf "--readout %s is not known; use increment or state" other

let page = Page.Page("Chapter 01 — CT-RNN as a neural ODE", __SOURCE_DIRECTORY__ + "/01_ctrnn.fsx")

(**
## The data

The z-scored Lorenz data of chapter 00 (made here if it is missing): windows of 50 states, target the next.
*)
let data = Models.lorenzData dataPath (if quick then 20.0 else 200.0)
printfn "data: %d train, %d val, %d test samples, windows of %d" (Array2D.length1 data.Train) (Array2D.length1 data.Val) (Array2D.length1 data.Test) data.SeqLength

(**
## One-step training (teacher forcing)

The classic objective: every window is real data, and the loss is the error of the single next state. It is
cheap and stable, but the network never sees its own mistakes: in closed loop, small errors feed back and
may carry it off the attractor.
*)
let options = Models.ctRnnOptions data { budget with Readout = readout } solver adjoint
let model = new CtRnn(options, int64 seed)
printfn "CT-RNN: %d hidden units, τ = %g, %A readout (s = %.4f), %d parameters, solver %A%s"
    hidden options.Tau readout options.IncrementScale model.ParameterCount solver (if adjoint then " (adjoint)" else "")

let modelDir = Path.Combine(outDir, "models")
let checkpoints = Models.PhaseCheckpoints(modelDir, "ctrnn", [ "onestep"; "rollout" ], common.Resume)
let training (rollout: bool) (name: string) =
    Models.phaseTraining data budget.Recipe seed rollout (Some(checkpoints.For name))

let clock = Diagnostics.Stopwatch.StartNew()
let oneStep = Trainer.Fit(model, data.Train, data.Val, training false "onestep", ConsoleProgress())
let oneStepSeconds = clock.Elapsed.TotalSeconds
/// The tutorial's measuring protocol (`ForecastProtocol`): every chapter measures every model by it.
let protocol = Experiments.protocol common
let oneStepTestMse = Evaluate.OneStepMse(model, data.Test, protocol.WarmUp)
let vptOneStep =
    Evaluate.ValidPredictionTime(model, data.Test, protocol.WarmUp, protocol.Starts, protocol.Horizon, data.Dt, protocol.LyapunovExponent, protocol.Threshold, protocol.StartSeed)
printfn "one-step training: test MSE %.2e, median VPT %.2f Lyapunov times" oneStepTestMse vptOneStep.Median

(**
## Closed-loop training on short rollouts

Now the network continues from the one-step solution, but each window is followed by a short **rollout**:
the network's own predictions are fed back for $K$ steps and the loss is the error along the whole rollout
(with a curriculum that lengthens $K$ gradually). Gradients now flow through the feedback loop, so training
shapes the closed-loop dynamics themselves — what we need if the free-running network is to *become* the
attractor.
*)
clock.Restart()
let rollout =
    Trainer.Fit(model, data.Train, data.Val, training true "rollout", ConsoleProgress())
let trainSeconds = oneStepSeconds + clock.Elapsed.TotalSeconds
/// The trained network measured by the protocol, saved with its model file (`models/ctrnn.safetensors`, `reports/ctrnn.json`).
let report = Experiments.evaluateAndSave common data Experiments.ctRnn model trainSeconds
let testMse, vpt = report.OneStepMse, report.Vpt
printfn "after rollout training: test MSE %.2e, median VPT %.2f Lyapunov times (p10 %.2f, p90 %.2f)" testMse vpt.Median vpt.P10 vpt.P90

let losses (name: string) (result: TrainingResult) (offset: int) =
    [ Chart.Line(x = (result.History |> Seq.map (fun e -> e.Epoch + offset)), y = (result.History |> Seq.map (fun e -> e.TrainLoss)), Name = $"{name}: train")
      Chart.Line(x = (result.History |> Seq.map (fun e -> e.Epoch + offset)), y = (result.History |> Seq.map (fun e -> e.ValidationLoss)), Name = $"{name}: validation") ]
page.Chart(
    losses "one-step" oneStep 0 @ losses "rollout" rollout oneStep.History.Count
    |> Chart.combine
    |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init "MSE (z-scored)"))
    |> Chart.withXAxisStyle "epoch"
    |> Chart.withTitle "Loss curves: one-step training, then closed-loop rollouts")
page.Table(
    [ [ "objective"; "test MSE (one step)"; "VPT median"; "VPT p10"; "VPT p90" ]
      [ "one-step"; $"{oneStepTestMse:E2}"; $"{vptOneStep.Median:F2}"; $"{vptOneStep.P10:F2}"; $"{vptOneStep.P90:F2}" ]
      [ "+ rollouts"; $"{testMse:E2}"; $"{vpt.Median:F2}"; $"{vpt.P10:F2}"; $"{vpt.P90:F2}" ] ])

(**
## Predictions against the truth

One step ahead the network is nearly perfect; the real test is the **closed-loop forecast**: warm up on 50
true states, then run on its own predictions. The *valid prediction time* (VPT) is the first time the
normalised error $\sqrt{\sum_i (\hat y_i - y_i)^2 / \sum_i \sigma_i^2}$ exceeds 0.4, measured in Lyapunov
times ($1/\lambda_{max} = 1/0.906$ time units). A perfect model of a chaotic system still has a finite VPT,
because the tiniest error grows like $e^{\lambda t}$.
*)
let oneStepPredictions =
    use _ = torch.no_grad()
    let count = min 500 (Array2D.length1 data.Test - data.SeqLength)
    let windows = WindowBatches.OneStep(Series.Rows(data.Test, 0, count + data.SeqLength), data.SeqLength)
    use batch = windows.Batch([| 0 .. count - 1 |])
    use prediction = model.PredictNext(batch.Windows)
    Array2D.init count 3 (fun i j -> prediction.[int64 i, int64 j].ToDouble())
let oneStepTimes = Array.init (Array2D.length1 oneStepPredictions) (fun k -> float (k + data.SeqLength) * data.Dt)
page.Chart(Plots.timeSeries "One-step predictions on the test data" oneStepTimes [ "x"; "y"; "z" ]
    [ ("truth", Series.Rows(data.Test, data.SeqLength, oneStepTimes.Length)); ("CT-RNN", oneStepPredictions) ])

let forecastStart = vpt.Starts.[0]
let forecast = Evaluate.FreeRun(model, Series.Rows(data.Test, forecastStart, protocol.WarmUp), protocol.Horizon)
let forecastTimes = Array.init protocol.Horizon (fun k -> float (k + 1) * data.Dt)
let truthAhead = Series.Rows(data.Test, forecastStart + protocol.WarmUp, protocol.Horizon)
let vptTime = vpt.PerStart.[0] / protocol.LyapunovExponent
page.Chart(
    Plots.timeSeries $"Closed-loop forecast from one test start (VPT {vpt.PerStart.[0]:F2} Lyapunov times, dashed line)"
        forecastTimes [ "x"; "y"; "z" ] [ ("truth", truthAhead); ("CT-RNN", forecast) ]
    |> Chart.withShape (Shape.init (ShapeType = StyleParam.ShapeType.Line, X0 = vptTime, X1 = vptTime, Y0 = 0, Y1 = 1, Yref = "paper", Line = Line.init (Dash = StyleParam.DrawingStyle.Dash))))

(**
## Does the free-running network *become* the Lorenz attractor?

Run the network freely for a long time and compare the cloud of states it visits with the true attractor:
the state-space divergence $D_{stsp}$ (KL divergence of occupancy histograms) and the power-spectrum
distance $D_H$ (Hellinger distance of smoothed power spectra), both from Hess et al. (2023); small is good.
*)
let freeSteps = protocol.FreeRunSteps
let freeRun, dStsp, dH = report.FreeRun, report.DStsp, report.DH
page.Chart(Plots.attractor3d "Free-running CT-RNN over the true attractor (z-scored)" [ ("truth (test)", data.Test); ("CT-RNN free run", freeRun) ])
page.Text($"Free run of {freeSteps} steps: **D_stsp = {dStsp:F3}**, **D_H = {dH:F3}**.")

(**
## Inside the network

The hidden state lives in $n$ dimensions, but its trajectory during the free run fills a low-dimensional
set. Its first three principal components show the geometry the network built to carry the attractor.
*)
let hiddenField = model.AsVectorField()
let hiddenStart = Array.zeroCreate hiddenField.Dimension
let hiddenTrajectory = Trajectories.SampleRk4(hiddenField, hiddenStart, 0.01, (if quick then 500 else 3000), 1000)
let pca = Pca.Fit(hiddenTrajectory.[*, 0 .. hidden - 1], 3)
page.Chart(Plots.attractor3d "Hidden states of the closed-loop CT-RNN field, first three principal components" [ ("hidden PC 1–3", pca.Projection) ])
page.Text($"The first three components explain **{100.0 * Array.sum pca.ExplainedVarianceRatio:F1}%%** of the hidden-state variance.")

(**
## What this run reached, and what `--full` does

The default run is sized for a few minutes on one thread. `--full` trains on every window in each epoch, for more
epochs, then on longer rollouts with a gentler learning rate. Since errors grow like $e^{\lambda t}$, each factor of about
$e^2 \approx 7$ in the one-step MSE should buy about one more Lyapunov time — as long as the one-step error is what limits
the forecast; beyond some point the closed loop's own sensitivity to its errors, which the one-step loss does not see, takes
over. That is why the full run spends its time on closed-loop rollouts as well: with 12 rollout epochs the network above
reached a median VPT of 4.3 Lyapunov times, with 30 it reached 5.3 (100 test starts each). It aims at a median VPT of 5 Lyapunov times. The figures below are this run's own.
*)
let describe (b: Models.CtRnnBudget) =
    let batches = b.BatchesPerEpoch |> Option.map (fun n -> $"{n} batches") |> Option.defaultValue "all windows"
    $"{b.OneStepEpochs} one-step epochs of {batches} at learning rate {b.LearningRate:G2}, then {b.RolloutEpochs} epochs of rollouts of up to {b.RolloutSteps} steps at {b.RolloutLearningRate:G2}"
page.Text($"Default run: {describe Models.CtRnnBudget.Default}. Full run (`--full`): {describe Models.CtRnnBudget.Full}.")
let runName = if quick then "quick" elif full then "full" else "default"
let aim = if quick then "a toy run on a short data set aims at nothing" elif full then "the full run aims at 5 or more" else "the default run aims at 1 or more"
let batchesText = budget.BatchesPerEpoch |> Option.map string |> Option.defaultValue "all"
page.Text(
    $"This **{runName}** run ({hidden} hidden units, τ = {options.Tau}, {options.Readout} readout, {oneStep.History.Count} one-step and "
    + $"{rollout.History.Count} rollout epochs of {batchesText} batches, rollouts of {budget.RolloutSteps} steps) trained in **{trainSeconds:F0} s**: "
    + $"one-step test MSE **{testMse:E2}**, median VPT **{vpt.Median:F2}** Lyapunov times (p10 {vpt.P10:F2}, p90 {vpt.P90:F2}; {aim}), "
    + $"free run D_stsp = {dStsp:F3}, D_H = {dH:F3}.")

(**
## A discrete-time baseline: the GRU

The CT-RNN is a continuous-time system sampled every $\Delta$. The recurrent network most readers know is discrete from the
start, $h_{k+1} = f(h_k, x_k; \theta)$: one update per sample and no time between samples. The gated recurrent unit (GRU,
Cho et al. 2014) is its standard form,

$$
\begin{aligned}
r &= \sigma(W_{ir} x_k + b_{ir} + W_{hr} h_k + b_{hr}), \qquad z = \sigma(W_{iz} x_k + b_{iz} + W_{hz} h_k + b_{hz}), \\
\tilde h &= \tanh\left(W_{in} x_k + b_{in} + r \odot (W_{hn} h_k + b_{hn})\right), \qquad h_{k+1} = (1 - z) \odot \tilde h + z \odot h_k,
\end{aligned}
$$

read out like the CT-RNN (by default $\hat x_{k+1} = x_k + s\,(W_{out} h_{k+1} + b_{out})$ with the same $s$), trained by the
same trainer on the same windows with the same objectives, and measured by the same protocol. With $n$ units its gates cost
$3n(D + n) + 6n$ parameters where the CT-RNN's dynamics cost $n^2 + nD + n$, so it gets the hidden size whose parameter count
(readout included) is closest to the CT-RNN's. In the default run it trains for fewer epochs than the CT-RNN (the table
below counts them) to keep the chapter within its time budget; `--quick` and `--full` train both by the same recipe. The CT-RNN's overrides (`--epochs`, `--lr`, …) leave the GRU's
recipe alone; `--gru-epochs` and `--gru-rollout-epochs` set its epochs.
*)
let gruHidden =
    let countOf n = GruOptions(Hidden = n).ParameterCount
    [ 1 .. 4 * hidden ] |> List.minBy (fun n -> abs (countOf n - int64 model.ParameterCount))
let gru = new GruNetwork(GruOptions(Hidden = gruHidden, Readout = options.Readout, IncrementScale = options.IncrementScale), int64 seed)
printfn "parameter budget: CT-RNN %d parameters (%d units), GRU %d parameters (%d units)" model.ParameterCount hidden gru.ParameterCount gruHidden
let gruCheckpoints = Models.PhaseCheckpoints(modelDir, "gru", [ "onestep"; "rollout" ], common.Resume)
let gruTraining = Models.trainWithRollouts gru data gruRecipe seed (fun phase -> Some(gruCheckpoints.For phase)) ignore
let gruSeconds = gruTraining.OneStepSeconds + gruTraining.RolloutSeconds
/// The GRU measured by the protocol and saved (`models/gru.safetensors`, `reports/gru.json`).
let gruReport = Experiments.evaluateAndSave common data Experiments.gru gru gruSeconds
let epochsOf (t: Models.RolloutTraining) = t.OneStep.History.Count + t.Rollout.History.Count
let ctEpochs, gruEpochs = oneStep.History.Count + rollout.History.Count, epochsOf gruTraining
page.Table(
    [ "model"; "hidden units"; "parameters"; "epochs (one-step + rollout)"; "train (s)"; "test MSE (one step)"; "VPT median (p10–p90)"; "D_stsp"; "D_H" ]
    :: [ for name, units, (r: ForecastReport), (first, second), seconds in
          [ "CT-RNN", hidden, report, (oneStep.History.Count, rollout.History.Count), trainSeconds
            "GRU", gruHidden, gruReport, (gruTraining.OneStep.History.Count, gruTraining.Rollout.History.Count), gruSeconds ] ->
          [ name; string units; string r.ParameterCount; $"{first} + {second}"; $"{seconds:F0}"; $"{r.OneStepMse:E2}"
            $"{r.Vpt.Median:F2} ({r.Vpt.P10:F2}–{r.Vpt.P90:F2})"; $"{r.DStsp:F3}"; $"{r.DH:F3}" ] ])
page.Chart(
    Plots.attractor3d "Free runs of the CT-RNN and the GRU over the true attractor (z-scored)"
        [ ("truth (test)", data.Test); ("CT-RNN free run", freeRun); ("GRU free run", gruReport.FreeRun) ])
/// "k times <better>" or "k times <worse>" by the ratio of two figures, or "level with" when they differ by less than 5 % or look alike as shown.
let compared (shown: float -> string) (better: string) (worse: string) (mine: float) (other: float) =
    if not (Double.IsFinite mine && Double.IsFinite other) || other = 0.0 || mine = 0.0 then "not comparable with"
    elif abs (mine / other - 1.0) < 0.05 || shown mine = shown other then "level with"
    elif mine > other then $"{mine / other:F1} times {better}"
    else $"{other / mine:F1} times {worse}"
let attractorText =
    if Double.IsFinite gruReport.DStsp && Double.IsFinite dStsp then
        let how = if gruReport.DStsp < dStsp then "better" else "less well"
        $"its free run fills the true attractor {how} (D_stsp {gruReport.DStsp:F3} against {dStsp:F3})"
    else
        let which = if Double.IsFinite dStsp then "the GRU's free run" else "the CT-RNN's free run"
        $"D_stsp could not be measured for {which} (its report's notes say why)"
let gruVpt = compared (fun v -> v.ToString "F2") "longer than" "shorter than" gruReport.Vpt.Median vpt.Median
let gruMse = compared (fun v -> v.ToString "E2") "higher than" "lower than" gruReport.OneStepMse testMse
let gruSentence =
    $"With **{gru.ParameterCount}** parameters against the CT-RNN's **{model.ParameterCount}**, the GRU's median VPT of **{gruReport.Vpt.Median:F2}** Lyapunov times is "
    + $"{gruVpt} the CT-RNN's {vpt.Median:F2}; its one-step test MSE of {gruReport.OneStepMse:E2} is "
    + $"{gruMse} the CT-RNN's {testMse:E2}; {attractorText}; it trained in {gruSeconds:F0} s "
    + $"({gruEpochs} epochs) against {trainSeconds:F0} s ({ctEpochs} epochs)"
    + (if gruEpochs < ctEpochs then ", so its figures are those of a shorter training, not the GRU's best." else ".")
printfn "%s" gruSentence
page.Text gruSentence

(**
## The saved network and its report

The trained network is saved as one file, `models/ctrnn.safetensors`: its weights, every option it was built with and one
SHA-256 over both (`ModelArtifact`; PyTorch reads it too, see `interop/ctrnn_pytorch.py`). The measurements above are its report,
`reports/ctrnn.json` with the free run beside it (`ForecastReport`, by the tutorial's `ForecastProtocol`). Chapters 04 and 05
load both, so the CT-RNN has the same numbers on every page. The GRU is saved the same way (`models/gru.safetensors`,
`reports/gru.json`) and has its row in chapter 05's table.
*)
page.Save(Path.Combine(outDir, "01_ctrnn.html"))
Output.writeJson (Path.Combine(outDir, "01_ctrnn.json"))
    {| mode = common.Mode
       hidden = hidden
       parameters = model.ParameterCount
       epochs = oneStep.History.Count + rollout.History.Count
       train_seconds = trainSeconds
       one_step_only = {| test_mse_one_step = oneStepTestMse; vpt_lyapunov_times = {| median = vptOneStep.Median; p10 = vptOneStep.P10; p90 = vptOneStep.P90; n = vptOneStep.N |} |}
       solver = string solver
       adjoint = adjoint
       tau = options.Tau
       readout = string options.Readout
       increment_scale = options.IncrementScale
       sample_interval = options.SampleInterval
       model_file = Experiments.modelPath common Experiments.ctRnn
       report_file = Experiments.reportPath common Experiments.ctRnn
       gru =
        {| hidden = gruHidden
           parameters = gru.ParameterCount
           epochs = gruEpochs
           train_seconds = gruSeconds
           test_mse_one_step = gruReport.OneStepMse
           vpt_lyapunov_times = {| median = gruReport.Vpt.Median; p10 = gruReport.Vpt.P10; p90 = gruReport.Vpt.P90; n = gruReport.Vpt.N |}
           model_file = Experiments.modelPath common Experiments.gru
           report_file = Experiments.reportPath common Experiments.gru |} |}
