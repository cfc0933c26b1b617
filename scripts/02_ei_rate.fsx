(**
# Chapter 02 — A balanced excitatory–inhibitory rate network with Dale's law

The CT-RNN of chapter 01 lets every unit excite some targets and inhibit others. Real neurons do not:
by **Dale's law** a neuron releases the same transmitter at all its synapses, so a cortical cell is either
excitatory (about 80% of them, pyramidal cells) or inhibitory (about 20%, interneurons), and every weight
*leaving* it has one sign. Here we build that constraint into a rate network with two populations,

$$
\tau_E \dot r_E = -r_E + \phi\big(W_{EE} r_E - W_{EI} r_I + W^{in}_E x + b_E\big), \qquad
\tau_I \dot r_I = -r_I + \phi\big(W_{IE} r_E - W_{II} r_I + W^{in}_I x + b_I\big),
$$

with all four blocks $W_{ab} \ge 0$, a non-negative rate function $\phi$ (firing rates cannot be negative; here
$\phi(u) = \max(0, \tanh u)$, which saturates like a real f–I curve), a faster inhibition ($\tau_I = \tau_E/2$), and the
prediction read out from the excitatory cells only, $y = x_{last} + W^{out} r_E + b^{out}$ — cortical projection neurons are
excitatory — as a step from the latest input $x_{last}$ (see *Training* below). The time constants are short, $\tau_E = 0.2$
and $\tau_I = 0.1$ model time units against $\Delta = 0.1$ per sample, for the reason chapter 01 gives: the units then follow
the input within a couple of samples instead of blurring the last ten. In the full run, $\tau_E = 0.2$ forecast a median of
2.7 Lyapunov times where $\tau_E = 1$ forecast 2.3 (10 + 10 epochs each), and 3.2 with the longer training the full run now does.

**Dale's law by construction.** Following Song, Yang & Wang (2016), the optimiser never sees the weights themselves:
it trains an unconstrained matrix $A$ and the network uses $W = |A|\,D$ with $D = \mathrm{diag}(+1, \dots, +1, -1, \dots, -1)$,
one sign per presynaptic column. Whatever a gradient step does to $A$, every excitatory column stays $\ge 0$ and every
inhibitory column $\le 0$ — nothing is clipped after the fact, and the count of violations below is zero at every step.

**Balance.** If each unit receives $K$ inputs of strength $J/\sqrt K$, its excitatory and its inhibitory input are each of
order $\sqrt K$ — large — yet van Vreeswijk & Sompolinsky (1996) showed that the network settles where they cancel to leading
order, leaving a net input of order one whose fluctuations drive irregular, chaotic activity. We start the network in
that regime: weights $\sim 1/\sqrt{n_E}$, each row's inhibition scaled to match its excitation exactly (Rajan & Abbott 2006),
the whole matrix scaled to spectral radius 1. Then we train it on the Lorenz data and watch what happens to the balance.

Run it with `dotnet fsi scripts/02_ei_rate.fsx`; `--quick` for a tiny run, `--full` for the long one, `--hidden 128 --epochs 20 --rollout-epochs 20 --rollout-steps 30 --readout state --tau-e 0.5 --tau-i 0.25 --seed 3` to explore,
`--resume` to continue an interrupted run, `-- --help` for the list of options.
*)
#load "prelude.fsx"
open System
open System.IO
open Prelude
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Training
open NeuroDyn.Evaluation
open NeuroDyn.Analysis
open Plotly.NET
open TorchSharp

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
let hidden = args.Int("hidden", (if quick then 16 else 64), "units, 80% excitatory")
let readout = args.Text("readout", "increment", "what the readout predicts: increment (x_last + W_out r_E + b_out) or state")
let oneStepEpochs = args.Int("epochs", (if quick then 2 elif full then 20 else 6), "epochs of one-step training")
let rolloutEpochs = args.Int("rollout-epochs", (if quick then 2 elif full then 30 else 8), "epochs of closed-loop rollout training")
let rolloutSteps = args.Int("rollout-steps", (if quick then 5 elif full then 30 else 15), "rollout length K reached by the curriculum")
let learningRate = args.Float("lr", 5e-3, "Adam's learning rate in one-step training")
let rolloutLearningRate = args.Float("rollout-lr", 1e-3, "Adam's learning rate in rollout training")
let tauE = args.Float("tau-e", 0.2, "time constant of the excitatory units, in model time (Δ = 0.1 per sample)")
let tauI = args.Float("tau-i", tauE / 2.0, "time constant of the inhibitory units (default: half of --tau-e)")
args.Check()
let incrementReadout =
    match readout with
    | "increment" -> true
    | "state" -> false
    | other -> failwithf "--readout %s is not known; use increment (y = x_last + W_out r_E + b_out) or state (y = W_out r_E + b_out)" other
let page = Page.Page("Chapter 02 — Balanced E/I rate network", __SOURCE_DIRECTORY__ + "/02_ei_rate.fsx")

let data = Models.lorenzData dataPath (if quick then 20.0 else 200.0)
let seqLength = data.SeqLength

/// Row-major copy of a 2-D tensor as a matrix.
let toMatrix (t: torch.Tensor) =
    let c = t.detach().to_type(torch.ScalarType.Float64).contiguous()
    let values = c.data<double>().ToArray()
    Array2D.init (int c.shape.[0]) (int c.shape.[1]) (fun i j -> values.[i * int c.shape.[1] + j])

(**
## Two populations and their sign structure

The recurrent matrix, row $i$ receiving from column $j$: red columns are the excitatory units, blue the inhibitory ones.
The inhibitory columns are fewer but about four times stronger, so that each row's inhibition matches its excitation.
*)
let networkOptions = EiRateNetworkOptions(Hidden = hidden, TauE = tauE, TauI = tauI, Readout = (if incrementReadout then ReadoutTarget.Increment else ReadoutTarget.State))
let model = new EiRateNetwork(networkOptions, int64 seed)
printfn "E/I network: %d excitatory + %d inhibitory units, %d parameters" model.ExcitatoryCount model.InhibitoryCount model.ParameterCount
let initialWeights = toMatrix model.RecurrentWeight
page.Chart(Plots.signedHeatmap "Recurrent weights at initialisation (red excitatory, blue inhibitory)" "presynaptic unit j" "postsynaptic unit i" initialWeights)
page.Text($"**{model.ExcitatoryCount}** excitatory and **{model.InhibitoryCount}** inhibitory units, **{model.ParameterCount}** trainable parameters; Dale violations at initialisation: **{model.DaleViolations()}**.")

(**
## Balance, measured

We drive the network with the first 1000 samples of the test trajectory (after a warm-up of 50) and record, for every unit and every sample, its excitatory input
$E_i = \sum_{j \in E} W_{ij} r_j$, its inhibitory input $I_i = \sum_{j \in I} |W_{ij}| r_j$ and its external input
$X_i = (W^{in} x + b)_i$. Balance means $E$ and $I$ are each large, their means nearly equal, the net input
$E - I + X$ small in comparison, and $I$ tracking $E$ in time (a positive correlation, as measured in cortex by Okun & Lampl 2008).
*)
let warmup = seqLength
let balanceSeries = Series.Rows(data.Test, 0, min (Array2D.length1 data.Test) (warmup + 1000))
let balanceBefore = model.MeasureBalance(balanceSeries, warmup)
let currentTimes (b: BalanceDiagnostics) = Array.init (Array2D.length1 b.Excitatory) (fun k -> float (k + warmup) * data.Dt)
let shown = min 500 (Array2D.length1 balanceBefore.Excitatory)
let currentsChart (title: string) (b: BalanceDiagnostics) =
    let times = (currentTimes b).[.. shown - 1]
    let unit (m: float[,]) = Array.init shown (fun k -> m.[k, 0])
    let net = Array.init shown (fun k -> b.Excitatory.[k, 0] - b.Inhibitory.[k, 0] + b.External.[k, 0])
    [ Chart.Line(x = times, y = unit b.Excitatory, Name = "excitatory input E")
      Chart.Line(x = times, y = unit b.Inhibitory, Name = "inhibitory input I")
      Chart.Line(x = times, y = net, Name = "net input E − I + X") ]
    |> Chart.combine
    |> Chart.withXAxisStyle "time (Lorenz time units)"
    |> Chart.withYAxisStyle "input current"
    |> Chart.withTitle title
page.Chart(currentsChart "Inputs to excitatory unit 0 before training" balanceBefore)
page.Text($"Before training: mean excitatory input **{balanceBefore.MeanExcitatoryInput:F3}**, inhibitory **{balanceBefore.MeanInhibitoryInput:F3}** (ratio I/E **{balanceBefore.Ratio:F3}**); the mean net input is **{100.0 * balanceBefore.NetRelativeToExcitatory:F1}%%** of the excitation; E–I correlation in time **{balanceBefore.EiCorrelation:F3}**.")

(**
## Training: one step, then closed-loop rollouts

The network is trained like the CT-RNN of chapter 01, by the same two-phase recipe (`Models.trainWithRollouts`, shared by the
chapters). First **one-step training**: windows of 50 states, the next state as target, Adam with a cosine learning-rate schedule,
the best validation epoch kept. That alone makes a good one-step predictor but a poor forecaster — the network never sees its own
errors, and in closed loop they feed back and carry it off the attractor. So a second phase trains on **closed-loop rollouts**: after
each window the network's own predictions are fed back for $K$ steps and the loss is the error along the whole rollout, with a
curriculum that lengthens $K$ from 1 over the first half of the phase. Gradients then flow through the feedback loop and shape the
closed-loop dynamics themselves.

**Increment readout.** With a readout from the excitatory rates alone, $y = W^{out} r_E + b^{out}$, the rates — non-negative and
saturating — must encode the whole state. By default the network here predicts the *step* instead: $y = x_{last} + W^{out} r_E + b^{out}$,
where $x_{last}$ is the latest input (the window's last sample, or in closed loop the previous prediction). The rates then carry only
the small change from one sample to the next, which they do far more accurately; the trade is that the closed-loop system gains the
fed-back state $x$ as three extra coordinates (`--readout state` gives the plain readout).

The matrices are small (64 units), so one thread is faster than two on a shared machine: torch's threads only wait for each other.
The trained network is saved as `models/ei_rate.safetensors` (weights, every option, one checksum over both) and measured by the
tutorial's protocol into `reports/ei_rate.json`, which chapter 05 loads.
*)
let recipe: Models.RolloutRecipe =
    { OneStepEpochs = oneStepEpochs
      RolloutEpochs = rolloutEpochs
      RolloutSteps = rolloutSteps
      CurriculumEpochs = max 1 (rolloutEpochs / 2)
      LearningRate = learningRate
      RolloutLearningRate = rolloutLearningRate
      BatchesPerEpoch = (if quick then Some 4 elif full then None else Some 100) }
let protocol = Experiments.protocol common
let measureVpt () =
    Evaluate.ValidPredictionTime(model, data.Test, protocol.WarmUp, protocol.Starts, protocol.Horizon, data.Dt, protocol.LyapunovExponent, protocol.Threshold, protocol.StartSeed)
/// Both phases' histories and seconds, and the one-step solution's test figures.
type TrainingRecord =
    { OneStepHistory: EpochRecord[]; RolloutHistory: EpochRecord[]; OneStepSeconds: float; RolloutSeconds: float
      OneStepMse: float; OneStepVpt: VptResult }
let record =
    let mutable oneStepMse, oneStepVpt = nan, None
    let measureOneStep () =
        oneStepMse <- Evaluate.OneStepMse(model, data.Test, protocol.WarmUp)
        let v = measureVpt ()
        oneStepVpt <- Some v
        printfn "after one-step training: test MSE %.3g, VPT median %.2f" oneStepMse v.Median
    let checkpoints = Models.PhaseCheckpoints(Path.Combine(outDir, "models"), "ei_rate", [ "onestep"; "rollout" ], common.Resume)
    let run = Models.trainWithRollouts model data recipe seed (checkpoints.For >> Some) measureOneStep
    { OneStepHistory = Array.ofSeq run.OneStep.History; RolloutHistory = Array.ofSeq run.Rollout.History
      OneStepSeconds = run.OneStepSeconds; RolloutSeconds = run.RolloutSeconds; OneStepMse = oneStepMse; OneStepVpt = oneStepVpt.Value }
let trainSeconds = record.OneStepSeconds + record.RolloutSeconds
let epochsRun = record.OneStepHistory.Length + record.RolloutHistory.Length
let phaseCurves (phase: string) (history: EpochRecord[]) (offset: int) =
    [ $"{phase}: train", history |> Array.map (fun e -> float (e.Epoch + offset)), history |> Array.map (fun e -> e.TrainLoss)
      $"{phase}: validation", history |> Array.map (fun e -> float (e.Epoch + offset)), history |> Array.map (fun e -> e.ValidationLoss) ]
page.Chart(
    Plots.logY "Loss per epoch: one-step training, then closed-loop rollouts (their loss is over the whole rollout)" "epoch" "MSE (z-scored)"
        (phaseCurves "one-step" record.OneStepHistory 0 @ phaseCurves "rollouts" record.RolloutHistory record.OneStepHistory.Length))
let daleViolations = model.DaleViolations()
page.Text($"Training took **{trainSeconds:F1} s** ({record.OneStepSeconds:F1} s for {record.OneStepHistory.Length} one-step epochs, {record.RolloutSeconds:F1} s for {record.RolloutHistory.Length} rollout epochs of up to {recipe.RolloutSteps} steps); Dale violations after training: **{daleViolations}**.")

(**
## What training did to the weights and the balance

The sign structure is untouched — it cannot change — but the magnitudes have moved. Has the network stayed balanced?
*)
page.Chart(Plots.signedHeatmap "Recurrent weights after training" "presynaptic unit j" "postsynaptic unit i" (toMatrix model.RecurrentWeight))
let balanceAfter = model.MeasureBalance(balanceSeries, warmup)
page.Chart(currentsChart "Inputs to excitatory unit 0 after training" balanceAfter)
let ratesOf (b: BalanceDiagnostics) = b.UnitRates.[.. b.ExcitatoryCount - 1], b.UnitRates.[b.ExcitatoryCount ..]
let eBefore, iBefore = ratesOf balanceBefore
let eAfter, iAfter = ratesOf balanceAfter
page.Chart(Plots.histograms "Time-averaged rates of the units, before and after training" "mean rate"
    [ "E before", eBefore; "I before", iBefore; "E after", eAfter; "I after", iAfter ])
let row (name: string) (f: BalanceDiagnostics -> float) = [ name; $"{f balanceBefore:F3}"; $"{f balanceAfter:F3}" ]
page.Table(
    [ [ "measure"; "before training"; "after training" ]
      row "mean excitatory input" (fun b -> b.MeanExcitatoryInput)
      row "mean inhibitory input" (fun b -> b.MeanInhibitoryInput)
      row "ratio I / E" (fun b -> b.Ratio)
      row "mean external input" (fun b -> b.MeanExternalInput)
      row "|net| / E" (fun b -> b.NetRelativeToExcitatory)
      row "|net| / I" (fun b -> b.NetRelativeToInhibitory)
      row "E–I correlation in time" (fun b -> b.EiCorrelation)
      row "mean rate E" (fun b -> b.MeanRateE)
      row "mean rate I" (fun b -> b.MeanRateI) ])
page.Text($"Training changed the mean excitatory input from **{balanceBefore.MeanExcitatoryInput:F2}** to **{balanceAfter.MeanExcitatoryInput:F2}** and the ratio I/E from **{balanceBefore.Ratio:F3}** to **{balanceAfter.Ratio:F3}**; the E–I correlation in time went from **{balanceBefore.EiCorrelation:F2}** to **{balanceAfter.EiCorrelation:F2}**. Nothing in the loss asks for balance: whatever survives of it is what the task tolerates.")
let balanceVerdict =
    if balanceAfter.NetRelativeToExcitatory <= 0.5 then
        $"The trained network is still balanced: its mean net input is {100.0 * balanceAfter.NetRelativeToExcitatory:F0}%% of the excitation (at initialisation {100.0 * balanceBefore.NetRelativeToExcitatory:F0}%%)."
    else
        let side = if balanceAfter.Ratio > 1.0 then "inhibition now dominates" else "excitation now dominates"
        $"The trained network has left the tight balance it started in: {side} (I/E = {balanceAfter.Ratio:F2}), and the mean net input is {100.0 * balanceAfter.NetRelativeToExcitatory:F0}%% of the excitation instead of {100.0 * balanceBefore.NetRelativeToExcitatory:F0}%%. The forecasting task is solved by a network in which excitation and inhibition no longer cancel."
page.Text balanceVerdict

(**
## Forecasts

One-step predictions read 50 true states and predict the next; closed-loop predictions warm up on 50 true states and then
feed each prediction back as the next input. The valid prediction time (VPT) is how long a closed-loop forecast stays within
a normalised error of 0.4, in Lyapunov times ($1/\lambda_{max}$ of Lorenz-63 ≈ 1.1 time units), over many start points.
*)
/// The trained network measured by the protocol and saved with its model file.
let report = Experiments.evaluateAndSave common data Experiments.eiRate model trainSeconds
let testMse, vpt = report.OneStepMse, report.Vpt
let forecastSteps = min protocol.Horizon (Array2D.length1 data.Test - seqLength)
let oneStep =
    use windows = WindowBatches.OneStep(data.Test, seqLength)
    use noGrad = torch.no_grad()
    use batch = windows.Batch(Array.init (min forecastSteps windows.Count) id)
    toMatrix (model.PredictNext batch.Windows)
let closedLoop = Evaluate.FreeRun(model, Series.Rows(data.Test, 0, seqLength), Array2D.length1 oneStep)
let truth = Series.Rows(data.Test, seqLength, Array2D.length1 oneStep)
let forecastTimes = Array.init (Array2D.length1 oneStep) (fun k -> float (k + seqLength) * data.Dt)
page.Chart(Plots.timeSeries "Test data: truth, one-step and closed-loop predictions (z-scored)" forecastTimes [ "x"; "y"; "z" ]
    [ "truth", truth; "one-step", oneStep; "closed loop", closedLoop ])
page.Table(
    [ [ "training"; "test MSE (one step)"; "VPT median"; "VPT p10"; "VPT p90" ]
      [ "one-step only"; $"{record.OneStepMse:E2}"; $"{record.OneStepVpt.Median:F2}"; $"{record.OneStepVpt.P10:F2}"; $"{record.OneStepVpt.P90:F2}" ]
      [ "+ closed-loop rollouts"; $"{testMse:E2}"; $"{vpt.Median:F2}"; $"{vpt.P10:F2}"; $"{vpt.P90:F2}" ] ])
page.Text($"One-step test MSE **{testMse:G3}** (z-scored units). Closed-loop VPT over {vpt.N} starts: median **{vpt.Median:F2}** Lyapunov times (10th–90th percentile {vpt.P10:F2}–{vpt.P90:F2}; {vpt.Censored} forecasts never crossed the threshold within the horizon).")
let ctRnnReport = Experiments.reportPath common Experiments.ctRnn
if File.Exists ctRnnReport then
    let ct = ForecastReportFile.Read ctRnnReport
    page.Text($"For comparison, chapter 01's CT-RNN ({ct.ParameterCount} parameters, here {model.ParameterCount}; trained with chapter 01's own settings and budget, measured by the same protocol) reached a median VPT of **{ct.Vpt.Median:F2}** Lyapunov times: the E/I network forecasts **{vpt.Median / ct.Vpt.Median:F2}×** as long.")

(**
## The free-running attractor

Left to itself, does the network trace the butterfly? The protocol's free run (warmed up on the first test states) is compared
with the test data by the state-space divergence $D_{stsp}$ (Kullback–Leibler divergence of the occupancy histograms) and the power-spectrum
distance $D_H$ (Hellinger distance of the spectra), as in Hess et al. (2023) — both 0 for a perfect match.
*)
page.Chart(Plots.attractor3d "Free-running E/I network against the true attractor (z-scored)" [ "Lorenz-63 (test)", data.Test; "E/I network", report.FreeRun ])
let dStsp, dH = report.DStsp, report.DH
page.Text($"D_stsp = **{dStsp:F3}**, D_H = **{dH:F3}**.")

(**
## The trained network as a dynamical system

Run in closed loop, the network is an autonomous vector field. With the plain readout it lives on the $n$ rates,
$\dot r = \Gamma\,(-r + \phi(W r + W^{in}(W^{out} r_E + b^{out}) + b))$ with $\Gamma = \mathrm{diag}(1/\tau)$; with the increment
readout the fed-back state $x$ is part of it, and each sample interval adds the step $W^{out} r_E + b^{out}$ to $x$, whose
continuous-time idealisation is
$$\dot r = \Gamma\,(-r + \phi(W r + W^{in} x + b)), \qquad \dot x = (W^{out} r_E + b^{out})/\Delta .$$
Both Jacobians are known in closed form; chapter 04's tools apply to them directly. Its largest Lyapunov exponent says whether the learned
dynamics are chaotic like Lorenz-63 ($\lambda_{max} \approx 0.906$). The network runs on its own clock, one sample interval
$\Delta = 0.1$ per data step $dt = 0.01$, so its exponent is multiplied by $\Delta/dt$ to compare.
*)
let field = model.AsVectorField()
let startState = model.ClosedLoopState(Series.Rows(data.Test, 0, seqLength))
let lyapunov =
    LyapunovSpectrum.Compute(field, startState,
        LyapunovOptions(Dt = 0.01, Count = 1, Steps = (if quick then 2000 elif full then 200_000 else 50_000), TransientSteps = (if quick then 500 else 5000)))
let lambdaMax = lyapunov.Exponents.[0] * networkOptions.SampleInterval / data.Dt
page.Text($"Largest Lyapunov exponent of the trained network: **{lambdaMax:F3}** per Lorenz time unit (Lorenz-63: 0.906).")

page.Save(Path.Combine(outDir, "02_ei_rate.html"))
Output.writeJson (Path.Combine(outDir, "02_ei_rate.json"))
    {| mode = common.Mode
       n_e = model.ExcitatoryCount
       n_i = model.InhibitoryCount
       parameters = model.ParameterCount
       dale_violations = daleViolations
       balance =
        {| mean_e_input = balanceAfter.MeanExcitatoryInput
           mean_i_input = balanceAfter.MeanInhibitoryInput
           ratio = balanceAfter.Ratio
           ei_correlation = balanceAfter.EiCorrelation
           net_relative = balanceAfter.NetRelativeToExcitatory
           mean_rate_e = balanceAfter.MeanRateE
           mean_rate_i = balanceAfter.MeanRateI |}
       balance_before =
        {| mean_e_input = balanceBefore.MeanExcitatoryInput
           mean_i_input = balanceBefore.MeanInhibitoryInput
           ratio = balanceBefore.Ratio
           ei_correlation = balanceBefore.EiCorrelation
           net_relative = balanceBefore.NetRelativeToExcitatory |}
       one_step_only =
        {| test_mse_one_step = record.OneStepMse
           vpt_lyapunov_times = {| median = record.OneStepVpt.Median; p10 = record.OneStepVpt.P10; p90 = record.OneStepVpt.P90; n = record.OneStepVpt.N |} |}
       train_seconds = trainSeconds
       epochs_run = epochsRun
       lambda_max = lambdaMax
       options =
        {| hidden = hidden; seed = seed; one_step_epochs = recipe.OneStepEpochs; rollout_epochs = recipe.RolloutEpochs
           rollout_steps = recipe.RolloutSteps; learning_rate = recipe.LearningRate; rollout_learning_rate = recipe.RolloutLearningRate
           batches_per_epoch = Option.toNullable recipe.BatchesPerEpoch; readout = readout; tau_e = networkOptions.TauE; tau_i = networkOptions.TauI
           activation = string networkOptions.Activation; mode = common.Mode |}
       model_file = Experiments.modelPath common Experiments.eiRate
       report_file = Experiments.reportPath common Experiments.eiRate |}
