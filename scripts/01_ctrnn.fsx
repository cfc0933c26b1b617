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
full-quality run (all training windows in every epoch, more epochs and longer rollouts; see the end of the page), `--seeds 5` to
train each network from five seeds; `--resume` continues an interrupted run (finished seeds are kept, an interrupted one continues from
its last checkpoint), and `-- --help` lists every option.
*)
#load "prelude.fsx"
open System
open System.IO
open Prelude
open TorchSharp
open NeuroDyn.Artifacts
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
## Training over seeds

Training a network to be a chaotic system is itself a chaotic process: the initial weights and the order of the batches (both drawn
from the seed) decide which of many nearby solutions it ends in, and the valid prediction time of two seeds of the same recipe can differ
by more than the difference between two recipes. One run is one draw. So the network is trained from several seeds — `--seed` and the
next ones, three in the default run, five with `--full` (`--seeds N` sets the number) — as a sweep (NeuroDyn.Sweeps): each seed is one
run of the sweep program in its own folder under `sweeps/ctrnn/`, all seeds at once on worker processes that share the cores, and each
saves its model file and its report. The figures of this page are those of the main seed (`--seed`); the table at the end shows every
seed, and chapter 05 compares the networks over their seeds. Every seed is trained by the same two phases, below.

## One-step training (teacher forcing)

The classic objective: every window is real data, and the loss is the error of the single next state. It is
cheap and stable, but the network never sees its own mistakes: in closed loop, small errors feed back and
may carry it off the attractor.

## Closed-loop training on short rollouts

Then the network continues from the one-step solution, but each window is followed by a short **rollout**:
the network's own predictions are fed back for $K$ steps and the loss is the error along the whole rollout
(with a curriculum that lengthens $K$ gradually). Gradients now flow through the feedback loop, so training
shapes the closed-loop dynamics themselves — what we need if the free-running network is to *become* the
attractor.

The discrete-time GRU that this page compares with the CT-RNN at its end trains over the same seeds at the same time, so that both
cores stay busy while the last seeds train.
*)
let options = Models.ctRnnOptions data { budget with Readout = readout } solver adjoint
let parameterCount =
    use counted = new CtRnn(options, int64 seed)
    counted.ParameterCount
printfn "CT-RNN: %d hidden units, τ = %g, %A readout (s = %.4f), %d parameters, solver %A%s"
    hidden options.Tau readout options.IncrementScale parameterCount solver (if adjoint then " (adjoint)" else "")
/// The GRU's hidden size: the one whose parameter count (readout included) is closest to the CT-RNN's.
let gruHidden =
    let countOf n = GruOptions(Hidden = n).ParameterCount
    [ 1 .. 4 * hidden ] |> List.minBy (fun n -> abs (countOf n - int64 parameterCount))
let gruOptions = GruOptions(Hidden = gruHidden, Readout = options.Readout, IncrementScale = options.IncrementScale)
let seeds = Experiments.seeds common
printfn "training the CT-RNN and the GRU (%d units) over %d seeds (%s)" gruHidden seeds.Length (String.Join(", ", seeds))
/// Both networks over the seeds: sweeps in sweeps/ctrnn/ and sweeps/gru/; the main seed's files become models/ID.safetensors and reports/ID.json.
let ctRuns, gruRuns =
    match Experiments.trainAllOverSeeds common
            [ { Entry = Experiments.ctRnn; Kind = "ctrnn"; Options = options; Training = Experiments.Phases(Models.phases data budget.Recipe) }
              { Entry = Experiments.gru; Kind = "gru"; Options = gruOptions; Training = Experiments.Phases(Models.phases data gruRecipe) } ] with
    | [ ct; gru ] -> ct, gru
    | other -> failwithf "two networks were trained, but %d results came back" other.Length

/// The main seed's network, loaded from its model file, and its report.
let model = ModelArtifact.Load<CtRnn>(Experiments.modelPath common Experiments.ctRnn)
let report = ctRuns.Main
/// A phase of the main seed's training, as its run's history records it.
let phase (runs: Experiments.SeedRuns) (name: string) = runs.MainRun.Phases |> Seq.find (fun p -> p.Name = name)
let oneStep, rollout = phase ctRuns "onestep", phase ctRuns "rollout"
let trainSeconds = report.TrainingSeconds
/// The tutorial's measuring protocol (`ForecastProtocol`): every chapter measures every model by it.
let protocol = Experiments.protocol common
/// The one-step solution of the main seed (the model its run saved after the first phase), measured by the protocol's one-step MSE and VPT.
let oneStepTestMse, vptOneStep =
    use oneStepModel = ModelArtifact.Load<CtRnn>(ctRuns.MainRun.PhaseModelPath "onestep")
    Evaluate.OneStepMse(oneStepModel, data.Test, protocol.WarmUp),
    Evaluate.ValidPredictionTime(oneStepModel, data.Test, protocol.WarmUp, protocol.Starts, protocol.Horizon, data.Dt, protocol.LyapunovExponent, protocol.Threshold, protocol.StartSeed)
printfn "one-step training: test MSE %.2e, median VPT %.2f Lyapunov times" oneStepTestMse vptOneStep.Median
let testMse, vpt = report.OneStepMse, report.Vpt
printfn "after rollout training: test MSE %.2e, median VPT %.2f Lyapunov times (p10 %.2f, p90 %.2f)" testMse vpt.Median vpt.P10 vpt.P90

let losses (name: string) (epochs: Collections.Generic.IReadOnlyList<EpochRecord>) (offset: int) =
    [ Chart.Line(x = (epochs |> Seq.map (fun e -> e.Epoch + offset)), y = (epochs |> Seq.map (fun e -> e.TrainLoss)), Name = $"{name}: train")
      Chart.Line(x = (epochs |> Seq.map (fun e -> e.Epoch + offset)), y = (epochs |> Seq.map (fun e -> e.ValidationLoss)), Name = $"{name}: validation") ]
page.Chart(
    losses "one-step" oneStep.Epochs 0 @ losses "rollout" rollout.Epochs oneStep.Epochs.Count
    |> Chart.combine
    |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init "MSE (z-scored)"))
    |> Chart.withXAxisStyle "epoch"
    |> Chart.withTitle $"Loss curves of seed {seed}: one-step training, then closed-loop rollouts")
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

The default run trains each seed for a minute or two on one thread (the seeds run side by side, sharing the cores). `--full` trains on every window in each epoch, for more
epochs, then on longer rollouts with a gentler learning rate. Since errors grow like $e^{\lambda t}$, each factor of about
$e^2 \approx 7$ in the one-step MSE should buy about one more Lyapunov time — as long as the one-step error is what limits
the forecast; beyond some point the closed loop's own sensitivity to its errors, which the one-step loss does not see, takes
over. That is why the full run spends its time on closed-loop rollouts as well: with 12 rollout epochs the network above
reached a median VPT of 4.3 Lyapunov times, with 30 it reached 5.3 (100 test starts each, one seed of 40 + 30 epochs). Five seeds of that
recipe would take most of an hour in this chapter alone, so `--full` trains each of its five seeds for two fifths of those epochs (16 + 12):
the seeds together cost about what the one network did, and their spread says how much of a difference between networks is real.
The figures below are this run's own.
*)
let describe (b: Models.CtRnnBudget) =
    let batches = b.BatchesPerEpoch |> Option.map (fun n -> $"{n} batches") |> Option.defaultValue "all windows"
    $"{b.OneStepEpochs} one-step epochs of {batches} at learning rate {b.LearningRate:G2}, then {b.RolloutEpochs} epochs of rollouts of up to {b.RolloutSteps} steps at {b.RolloutLearningRate:G2}"
page.Text($"Default run: {describe Models.CtRnnBudget.Default}. Full run (`--full`): {describe Models.CtRnnBudget.Full}.")
let runName = if quick then "quick" elif full then "full" else "default"
let aim = if quick then "a toy run on a short data set aims at nothing" elif full then "the full run aims at 4 or more" else "the default run aims at 1 or more"
let batchesText = budget.BatchesPerEpoch |> Option.map string |> Option.defaultValue "all"
page.Text(
    $"This **{runName}** run trained the CT-RNN from **{seeds.Length} seeds** ({hidden} hidden units, τ = {options.Tau}, {options.Readout} readout; "
    + $"per seed {budget.OneStepEpochs} one-step and {budget.RolloutEpochs} rollout epochs at most, of {batchesText} batches, rollouts of "
    + $"{budget.RolloutSteps} steps). Its main seed, {seed}, trained for {oneStep.Epochs.Count} + {rollout.Epochs.Count} epochs in **{trainSeconds:F0} s**: "
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
let gruReport = gruRuns.Main
let gruOneStep, gruRollout = phase gruRuns "onestep", phase gruRuns "rollout"
let gruSeconds = gruReport.TrainingSeconds
printfn "parameter budget: CT-RNN %d parameters (%d units), GRU %d parameters (%d units)" parameterCount hidden gruReport.ParameterCount gruHidden
let ctEpochs, gruEpochs = oneStep.Epochs.Count + rollout.Epochs.Count, gruOneStep.Epochs.Count + gruRollout.Epochs.Count
page.Table(
    [ "model (seed " + string seed + ")"; "hidden units"; "parameters"; "epochs (one-step + rollout)"; "train (s)"; "test MSE (one step)"; "VPT median (p10–p90)"; "D_stsp"; "D_H" ]
    :: [ for name, units, (r: ForecastReport), (first: NeuroDyn.Sweeps.SweepPhaseHistory), (second: NeuroDyn.Sweeps.SweepPhaseHistory) in
          [ "CT-RNN", hidden, report, oneStep, rollout
            "GRU", gruHidden, gruReport, gruOneStep, gruRollout ] ->
          [ name; string units; string r.ParameterCount; $"{first.Epochs.Count} + {second.Epochs.Count}"; $"{r.TrainingSeconds:F0}"; $"{r.OneStepMse:E2}"
            $"{r.Vpt.Median:F2} ({r.Vpt.P10:F2}–{r.Vpt.P90:F2})"; $"{r.DStsp:F3}"; $"{r.DH:F3}" ] ])
page.Chart(
    Plots.attractor3d "Free runs of the CT-RNN and the GRU over the true attractor (z-scored)"
        [ ("truth (test)", data.Test); ("CT-RNN free run", freeRun); ("GRU free run", gruReport.FreeRun) ])

(**
## Over the seeds

Every seed of both networks, measured by the same protocol. The spread between seeds of one recipe is the yardstick for any comparison:
a difference between two networks smaller than it says nothing about the networks. So the sentence below calls the GRU better or worse
than the CT-RNN only where every seed of one beats every seed of the other (their ranges do not overlap).
*)
page.Table(SeedTable.ofReports "CT-RNN" seed [ SeedTable.trainingSecondsColumn ] ctRuns.Reports)
page.Table(SeedTable.ofReports "GRU" seed [ SeedTable.trainingSecondsColumn ] gruRuns.Reports)
/// The GRU's measure against the CT-RNN's over the seeds, in words: better or worse only beyond the seed spread.
let againstCtRnn (what: string) (measure: ForecastReport -> float) (format: string) (higherIsBetter: bool) (better: string) (worse: string) =
    let verdict =
        match SeedSpread.Compare(gruRuns.Spread measure, ctRuns.Spread measure, higherIsBetter) with
        | SpreadComparison.Better -> better + " (beyond the seed spread)"
        | SpreadComparison.Worse -> worse + " (beyond the seed spread)"
        | SpreadComparison.WithinSpread -> "no different, beyond the seed spread, from"
        | _ -> "not comparable with"
    let gru, ct = SeedTable.spreadText format (gruRuns.Spread measure), SeedTable.spreadText format (ctRuns.Spread measure)
    $"{what}, {gru}, is {verdict} the CT-RNN's {ct}"
let ctVpt, gruVpt, ctMse = ctRuns.Spread (fun r -> r.Vpt.Median), gruRuns.Spread (fun r -> r.Vpt.Median), ctRuns.Spread (fun r -> r.OneStepMse)
let spreadSentence =
    $"Over {seeds.Length} seeds the CT-RNN's median VPT ranged from **{ctVpt.Min:F2} to {ctVpt.Max:F2}** Lyapunov times (median {ctVpt.Median:F2}) "
    + $"and its one-step MSE from {ctMse.Min:E2} to {ctMse.Max:E2}; the GRU's VPT from **{gruVpt.Min:F2} to {gruVpt.Max:F2}** (median {gruVpt.Median:F2}). "
    + $"Seeds of one recipe differ by up to {ctVpt.Max - ctVpt.Min:F2} (CT-RNN) and {gruVpt.Max - gruVpt.Min:F2} (GRU) Lyapunov times."
let shorter = gruRecipe.OneStepEpochs + gruRecipe.RolloutEpochs < budget.OneStepEpochs + budget.RolloutEpochs
let gruSentence =
    $"With **{gruReport.ParameterCount}** parameters against the CT-RNN's **{parameterCount}**, "
    + againstCtRnn "the GRU's median VPT over the seeds (Lyapunov times)" (fun r -> r.Vpt.Median) "F2" true "longer than" "shorter than" + "; "
    + againstCtRnn "its one-step test MSE" (fun r -> r.OneStepMse) SeedTable.mseFormat false "lower than" "higher than" + "; "
    + againstCtRnn "its free run's D_stsp" (fun r -> r.DStsp) "F3" false "lower (fills the attractor better) than" "higher (fills it less well) than" + ". "
    + $"Each seed trained for at most {gruRecipe.OneStepEpochs} + {gruRecipe.RolloutEpochs} epochs against the CT-RNN's {budget.OneStepEpochs} + {budget.RolloutEpochs}"
    + (if shorter then ", so its figures are those of a shorter training, not the GRU's best." else ".")
for sentence in [ spreadSentence; gruSentence ] do
    printfn "%s" sentence
    page.Text sentence

(**
## The saved network and its report

The trained network is saved as one file, `models/ctrnn.safetensors`: its weights, every option it was built with and one
SHA-256 over both (`ModelArtifact`; PyTorch reads it too, see `interop/ctrnn_pytorch.py`). The measurements above are its report,
`reports/ctrnn.json` with the free run beside it (`ForecastReport`, by the tutorial's `ForecastProtocol`). Chapters 04 and 05
load both, so the CT-RNN has the same numbers on every page. The GRU is saved the same way (`models/gru.safetensors`,
`reports/gru.json`) and has its row in chapter 05's table. These are the main seed's files, copied from its run of the sweep (loaded,
checksums verified, and saved again); every seed's model file and report stay in its run's folder, `sweeps/ctrnn/runs/*/` and
`sweeps/gru/runs/*/`, where chapter 05 reads them.
*)
/// Every seed's figures, for the JSON.
let seedFigures (runs: Experiments.SeedRuns) =
    [| for r in runs.Reports ->
        {| seed = r.Seed; one_step_mse = r.OneStepMse; vpt_median = r.Vpt.Median; d_stsp = r.DStsp; d_h = r.DH; train_seconds = r.TrainingSeconds |} |]
page.Save(Path.Combine(outDir, "01_ctrnn.html"))
Output.writeJson (Path.Combine(outDir, "01_ctrnn.json"))
    {| mode = common.Mode
       hidden = hidden
       parameters = parameterCount
       epochs = ctEpochs
       train_seconds = trainSeconds
       seed = seed
       seeds = seedFigures ctRuns
       sweep_folder = Experiments.sweepPath common Experiments.ctRnn
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
           parameters = gruReport.ParameterCount
           epochs = gruEpochs
           train_seconds = gruSeconds
           seeds = seedFigures gruRuns
           sweep_folder = Experiments.sweepPath common Experiments.gru
           test_mse_one_step = gruReport.OneStepMse
           vpt_lyapunov_times = {| median = gruReport.Vpt.Median; p10 = gruReport.Vpt.P10; p90 = gruReport.Vpt.P90; n = gruReport.Vpt.N |}
           model_file = Experiments.modelPath common Experiments.gru
           report_file = Experiments.reportPath common Experiments.gru |} |}
