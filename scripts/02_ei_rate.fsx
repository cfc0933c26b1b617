(**
# Chapter 02 — A balanced excitatory–inhibitory rate network with Dale's law

The CT-RNN of chapter 01 lets every unit excite some targets and inhibit others. Real neurons do not:
by **Dale's law** a neuron releases the same transmitter at all its synapses, so a cortical cell is either
excitatory (about 80% of them, pyramidal cells) or inhibitory (about 20%, interneurons), and every weight
*leaving* it has one sign. Here we build that constraint into a rate network with two populations,

$$
\tau_E \dot r_E = -r_E + \phi\big(W_{EE} r_E - W_{EI} r_I + W^{in} x + b\big), \qquad
\tau_I \dot r_I = -r_I + \phi\big(W_{IE} r_E - W_{II} r_I\big),
$$

with all four blocks $W_{ab} \ge 0$, a non-negative rate function $\phi$ (firing rates cannot be negative; here
$\phi(u) = \max(0, \tanh u)$, which saturates like a real f–I curve), a faster inhibition ($\tau_I = \tau_E/2$), and the
prediction read out from the excitatory cells only, $y = x_{last} + W^{out} r_E + b^{out}$ — cortical projection neurons are
excitatory — as a step from the latest input $x_{last}$ (see *Training* below). The external input $W^{in} x + b$ enters the
**excitatory population only**, as cortical afferents target the excitatory cells: the inhibitory units see the Lorenz state only
through the excitatory ones (`--input all` feeds it to both populations instead, and the comparison below measures both). The time constants are short, $\tau_E = 0.2$
and $\tau_I = 0.1$ model time units against $\Delta = 0.1$ per sample, for the reason chapter 01 gives: the units then follow
the input within a couple of samples instead of blurring the last ten. In the full run with the input into both populations, $\tau_E = 0.2$ forecast a median of
2.7 Lyapunov times where $\tau_E = 1$ forecast 2.3 (10 + 10 epochs each), and 3.2 with one network trained 20 + 30 epochs (the full run now trains five seeds of 8 + 12).

**Dale's law by construction.** Following Song, Yang & Wang (2016), the optimiser never sees the weights themselves:
it trains an unconstrained matrix $A$ and the network uses $W = |A|\,D$ with $D = \mathrm{diag}(+1, \dots, +1, -1, \dots, -1)$,
one sign per presynaptic column. Whatever a gradient step does to $A$, every excitatory column stays $\ge 0$ and every
inhibitory column $\le 0$ — nothing is clipped after the fact, and the count of violations below is zero at every step.

**Balance.** If each unit receives $K$ inputs of strength $J/\sqrt K$, its excitatory and its inhibitory input are each of
order $\sqrt K$ — large — yet van Vreeswijk & Sompolinsky (1996) showed that the network settles where they cancel to leading
order, leaving a net input of order one whose fluctuations drive irregular, chaotic activity. We start the network in
that regime: weights $\sim 1/\sqrt{n_E}$, each row's inhibition scaled to match its excitation exactly (Rajan & Abbott 2006),
the whole matrix scaled to spectral radius 1. Then we train it on the Lorenz data and watch what happens to the balance.

Run it with `dotnet fsi scripts/02_ei_rate.fsx`; `--quick` for a tiny run, `--full` for the long one, `--hidden 128 --epochs 20 --rollout-epochs 20 --rollout-steps 30 --readout state --tau-e 0.5 --tau-i 0.25 --input all --balance-penalty 3 --seed 3` to explore,
`--seeds 5` to train the network over five seeds instead of three, `--resume` to continue an interrupted run, `-- --help` for the list of options.
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
open NeuroDyn.Artifacts
open Plotly.NET
open TorchSharp

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
let hidden = args.Int("hidden", (if quick then 16 else 64), "units, 80% excitatory")
let readout = args.Text("readout", "increment", "what the readout predicts: increment (x_last + W_out r_E + b_out) or state")
// --full trains five seeds of 8 + 12 epochs, two fifths of the 20 + 30 one network trained before, at about that network's cost
let oneStepEpochs = args.Int("epochs", (if quick then 2 elif full then 8 else 6), "epochs of one-step training (per seed)")
let rolloutEpochs = args.Int("rollout-epochs", (if quick then 2 elif full then 12 else 8), "epochs of closed-loop rollout training (per seed)")
let rolloutSteps = args.Int("rollout-steps", (if quick then 5 elif full then 30 else 15), "rollout length K reached by the curriculum")
let learningRate = args.Float("lr", 5e-3, "Adam's learning rate in one-step training")
let rolloutLearningRate = args.Float("rollout-lr", 1e-3, "Adam's learning rate in rollout training")
let tauE = args.Float("tau-e", 0.2, "time constant of the excitatory units, in model time (Δ = 0.1 per sample)")
let tauI = args.Float("tau-i", tauE / 2.0, "time constant of the inhibitory units (default: half of --tau-e)")
let inputText = args.Text("input", "excitatory", "which units receive the input W_in x + b: excitatory (the E population only) or all")
let balancePenalty = args.Float("balance-penalty", 1.0, "strength λ of the balance penalty λ (ρ − ρ₀)² of the balance-keeping variant (ρ the I/E input ratio, ρ₀ its initial value)")
let variantBatches = args.Int("variant-batches", (if quick then 4 elif full then 0 else 30), "batches per epoch of the two comparison variants (0 = all windows)")
let searchOut = args.Text("search", "", "run the recipe search for a chaotic free run and write its table to this JSON file (e.g. scripts/results/02_ei_recipe_search.json)")
let inputMode =
    match inputText with
    | "excitatory" -> Some EiInput.Excitatory
    | "all" -> Some EiInput.All
    | other ->
        args.Refuse $"--input expects excitatory (W_in x + b into the E units only) or all (into every unit) but got '{other}'"
        None
if not (balancePenalty > 0.0) then args.Refuse $"--balance-penalty must be a number > 0 (the strength of the penalty), got {balancePenalty}"
if variantBatches < 0 then args.Refuse $"--variant-batches must be 0 (all windows) or a positive number of batches, got {variantBatches}"
args.Check()
let input = inputMode.Value
let otherInput = if input = EiInput.Excitatory then EiInput.All else EiInput.Excitatory
/// The name of an input mode as on the command line.
let inputName (mode: EiInput) = if mode = EiInput.Excitatory then "excitatory" else "all"
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
/// A network of this chapter's time scales and readout: `size` units, the input into `mode`'s units, the balance penalty λ (ρ − ρ₀)² of strength `penalty` and target `target`.
let networkOptionsFor (size: int) (mode: EiInput) (penalty: float) (target: float) =
    EiRateNetworkOptions(Hidden = size, TauE = tauE, TauI = tauI, Input = mode, BalancePenalty = penalty, BalanceTarget = target,
                         Readout = (if incrementReadout then ReadoutTarget.Increment else ReadoutTarget.State))
let networkOptions = networkOptionsFor hidden input 0.0 1.0
/// The main seed's network before training: the sweep's run of that seed starts from these very weights.
let untrained = new EiRateNetwork(networkOptions, int64 seed)
printfn "E/I network: %d excitatory + %d inhibitory units, %d parameters" untrained.ExcitatoryCount untrained.InhibitoryCount untrained.ParameterCount
let initialWeights = toMatrix untrained.RecurrentWeight
page.Chart(Plots.signedHeatmap "Recurrent weights at initialisation (red excitatory, blue inhibitory)" "presynaptic unit j" "postsynaptic unit i" initialWeights)
page.Text($"**{untrained.ExcitatoryCount}** excitatory and **{untrained.InhibitoryCount}** inhibitory units, **{untrained.ParameterCount}** trainable parameters; Dale violations at initialisation: **{untrained.DaleViolations()}**. The input $W^{{in}} x + b$ reaches **{untrained.InputUnits}** units (`--input {inputText}`).")

(**
## Balance, measured

We drive the network with the first 1000 samples of the test trajectory (after a warm-up of 50) and record, for every unit and every sample, its excitatory input
$E_i = \sum_{j \in E} W_{ij} r_j$, its inhibitory input $I_i = \sum_{j \in I} |W_{ij}| r_j$ and its external input
$X_i = (W^{in} x + b)_i$. Balance means $E$ and $I$ are each large, their means nearly equal, the net input
$E - I + X$ small in comparison, and $I$ tracking $E$ in time (a positive correlation, as measured in cortex by Okun & Lampl 2008).
*)
let warmup = seqLength
let balanceSeries = Series.Rows(data.Test, 0, min (Array2D.length1 data.Test) (warmup + 1000))
let balanceBefore = untrained.MeasureBalance(balanceSeries, warmup)
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
## Training: one step, then closed-loop rollouts, over seeds

The network is trained like the CT-RNN of chapter 01, by the same two-phase recipe (`Models.phases`, shared by the
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

**Over seeds.** One training run of a forecaster of a chaotic system is one draw: the same recipe from another seed (another
initialisation, another batch order) forecasts a few tenths of a Lyapunov time longer or shorter. So the network is trained once per
seed — 3 seeds in the default run, 5 with `--full`, 2 with `--quick`, `--seeds N` to choose, starting at `--seed` — by the sweep
(`Experiments.trainOverSeeds`, on `NeuroDyn.Sweeps`) in `sweeps/ei_rate/` of the output folder: each seed is a worker process with one
torch thread (the matrices are small, 64 units, so one thread per network beats two: torch's threads only wait for each other),
trained by the recipe's two phases in turn; `--resume` keeps the finished seeds and continues an interrupted one from its checkpoint.
While the seeds train, this process trains the two comparison variants of the section *Input to E only or to all units* below (one
seed each), so that both cores stay busy. Every figure of "the network" below is the **main seed**'s (`--seed`): its model file and
report are copied to `models/ei_rate.safetensors` (weights, every option, one checksum over both) and `reports/ei_rate.json`, which
chapters 04 and 05 load; the seed table under *Forecasts* shows every seed.
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
let seeds = Experiments.seeds common
let seedsText = seeds |> Seq.map string |> String.concat ", "
/// The largest Lyapunov exponent of a trained network's closed-loop field, per Lorenz time unit, from the state after the first test window.
let lambdaMaxOf (network: EiRateNetwork) (steps: int) =
    let lyapunov =
        LyapunovSpectrum.Compute(network.AsVectorField(), network.ClosedLoopState(Series.Rows(data.Test, 0, seqLength)),
            LyapunovOptions(Dt = 0.01, Count = 1, Steps = steps, TransientSteps = (if quick then 500 else 5000)))
    lyapunov.Exponents.[0] * network.Options.SampleInterval / data.Dt
/// The seeds' training by the sweep on worker processes, started here and awaited once this process has trained the comparison variants.
let seedTraining =
    Async.StartAsTask(async { return Experiments.trainOverSeeds common Experiments.eiRate "ei_rate" networkOptions (Experiments.Phases(Models.phases data recipe)) })
let variantRecipe = { recipe with BatchesPerEpoch = (if variantBatches = 0 then None else Some variantBatches) }
/// A trained network of the comparison: its name and settings, its report by the protocol, balance before and after, largest exponent.
type Variant =
    { Name: string; Input: EiInput; Penalty: float; Target: float; Hidden: int; RolloutSteps: int; Recipe: Models.RolloutRecipe
      Report: ForecastReport; BalanceBefore: BalanceDiagnostics; BalanceAfter: BalanceDiagnostics; LambdaMax: float; Seconds: float }
/// The I/E input ratio ρ₀ of an untrained network on 256 training windows, as the balance penalty measures it.
let initialRatio (network: EiRateNetwork) =
    use windows = WindowBatches.OneStep(data.Train, seqLength)
    let count = min 256 windows.Count
    use batch = windows.Batch(Array.init count (fun k -> k * (windows.Count / count)))
    use noGrad = torch.no_grad()
    network.InputRatio(batch.Windows).item<float>()
/// Trains a network of `size` units with the input into `mode`'s units and balance penalty `penalty` (0 = none) by `variantRecipe`
/// (rollouts of `steps`), checkpointing as `checkpointName` if given, and measures it.
let trainVariant (name: string) (mode: EiInput) (penalty: float) (size: int) (variantRecipe: Models.RolloutRecipe) (steps: int) (lyapunovSteps: int) (checkpointName: string option) =
    let target = initialRatio (new EiRateNetwork(networkOptionsFor size mode 0.0 1.0, int64 seed))
    let network = new EiRateNetwork(networkOptionsFor size mode penalty (if penalty > 0.0 then target else 1.0), int64 seed)
    let before = network.MeasureBalance(balanceSeries, warmup)
    let variantRecipe = { variantRecipe with RolloutSteps = steps }
    let checkpoints = checkpointName |> Option.map (fun n -> Models.PhaseCheckpoints(Path.Combine(outDir, "models"), n, [ "onestep"; "rollout" ], common.Resume))
    printfn "%s: training" name
    let run = Models.trainWithRollouts network data variantRecipe seed (fun phase -> checkpoints |> Option.map (fun c -> c.For phase)) ignore
    let seconds = run.OneStepSeconds + run.RolloutSeconds
    let measured = Evaluate.Run(network, data, protocol, ModelRun(name, common.Mode, int64 seed, seconds))
    { Name = name; Input = mode; Penalty = penalty; Target = target; Hidden = size; RolloutSteps = steps; Recipe = variantRecipe; Report = measured
      BalanceBefore = before; BalanceAfter = network.MeasureBalance(balanceSeries, warmup); LambdaMax = lambdaMaxOf network lyapunovSteps; Seconds = seconds }
let lyapunovSteps = if quick then 2000 elif full then 200_000 else 50_000
let otherVariant = trainVariant $"input {inputName otherInput}" otherInput 0.0 hidden variantRecipe recipe.RolloutSteps lyapunovSteps (Some "ei_rate-input_other")
let balancedVariant = trainVariant $"input {inputName input}, balance penalty λ = {balancePenalty:G3}" input balancePenalty hidden variantRecipe recipe.RolloutSteps lyapunovSteps (Some "ei_rate-balanced")
let seedRuns = seedTraining.GetAwaiter().GetResult()
/// The main seed's trained network, as the sweep saved it.
let model = ModelArtifact.Load<EiRateNetwork>(Experiments.modelPath common Experiments.eiRate)
let oneStepPhase, rolloutPhase = seedRuns.MainRun.Phases[0], seedRuns.MainRun.Phases[1]
let oneStepHistory, rolloutHistory = Array.ofSeq oneStepPhase.Epochs, Array.ofSeq rolloutPhase.Epochs
let trainSeconds = oneStepPhase.Seconds + rolloutPhase.Seconds
let epochsRun = oneStepHistory.Length + rolloutHistory.Length
/// The main seed's network at the end of one-step training, measured by the protocol's one-step MSE and VPT.
let oneStepMse, oneStepVpt =
    use oneStepModel = ModelArtifact.Load<EiRateNetwork>(seedRuns.MainRun.PhaseModelPath oneStepPhase.Name)
    let mse = Evaluate.OneStepMse(oneStepModel, data.Test, protocol.WarmUp)
    let vpt = Evaluate.ValidPredictionTime(oneStepModel, data.Test, protocol.WarmUp, protocol.Starts, protocol.Horizon, data.Dt, protocol.LyapunovExponent, protocol.Threshold, protocol.StartSeed)
    printfn "after one-step training: test MSE %.3g, VPT median %.2f" mse vpt.Median
    mse, vpt
let phaseCurves (phase: string) (history: EpochRecord[]) (offset: int) =
    [ $"{phase}: train", history |> Array.map (fun e -> float (e.Epoch + offset)), history |> Array.map (fun e -> e.TrainLoss)
      $"{phase}: validation", history |> Array.map (fun e -> float (e.Epoch + offset)), history |> Array.map (fun e -> e.ValidationLoss) ]
page.Chart(
    Plots.logY $"Loss per epoch of the main seed ({seed}): one-step training, then closed-loop rollouts (their loss is over the whole rollout)" "epoch" "MSE (z-scored)"
        (phaseCurves "one-step" oneStepHistory 0 @ phaseCurves "rollouts" rolloutHistory oneStepHistory.Length))
let daleViolations = model.DaleViolations()
page.Text($"Training the main seed took **{trainSeconds:F1} s** ({oneStepPhase.Seconds:F1} s for {oneStepHistory.Length} one-step epochs, {rolloutPhase.Seconds:F1} s for {rolloutHistory.Length} rollout epochs of up to {recipe.RolloutSteps} steps) on its worker process, beside the other seeds; the {seeds.Length} seeds ({seedsText}) took **{seedRuns.Seconds:F0} s** of wall time. Dale violations after training: **{daleViolations}**.")

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
/// The main seed's report: its network measured by the protocol on its worker process.
let report = seedRuns.Main
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
      [ "one-step only"; $"{oneStepMse:E2}"; $"{oneStepVpt.Median:F2}"; $"{oneStepVpt.P10:F2}"; $"{oneStepVpt.P90:F2}" ]
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
let lambdaMax = lambdaMaxOf model lyapunovSteps
page.Text($"Largest Lyapunov exponent of the trained network: **{lambdaMax:F3}** per Lorenz time unit (Lorenz-63: 0.906).")

(**
## Over seeds

The figures above are one seed's. Here is every seed's network, trained by the same recipe and measured by the same protocol, with
its balance after training (on the same test data as above) and its free run's largest exponent: the spread between them is the
yardstick for every comparison on this page — a difference between two networks smaller than it says nothing about them.
*)
/// One seed's trained network, measured: its report, its I/E balance on the test data before and after training, and its largest Lyapunov exponent.
type SeedRow = { Seed: int; Report: ForecastReport; BalanceBefore: BalanceDiagnostics; BalanceAfter: BalanceDiagnostics; LambdaMax: float }
/// The model file of each seed's run in the network's sweep, by seed.
let seedModelPaths =
    let folder = Experiments.sweepPath common Experiments.eiRate
    [ for run in (NeuroDyn.Sweeps.SweepFolder.ReadPlan folder).Runs ->
        run.Seed, (NeuroDyn.Sweeps.SweepRunFiles.Of(NeuroDyn.Sweeps.SweepFolder.RunFolder(folder, run.Id))).ModelPath ] |> Map.ofList
let seedRows =
    [ for seedReport in seedRuns.Reports ->
        let runSeed = int seedReport.Seed
        if runSeed = seed then { Seed = seed; Report = report; BalanceBefore = balanceBefore; BalanceAfter = balanceAfter; LambdaMax = lambdaMax }
        else
            use initial = new EiRateNetwork(networkOptions, int64 runSeed)
            use network = ModelArtifact.Load<EiRateNetwork>(seedModelPaths[runSeed])
            { Seed = runSeed; Report = seedReport; BalanceBefore = initial.MeasureBalance(balanceSeries, warmup)
              BalanceAfter = network.MeasureBalance(balanceSeries, warmup); LambdaMax = lambdaMaxOf network lyapunovSteps } ]
/// The seed table's columns: the forecast report's, then the balance after training and the free run's largest exponent.
let seedColumns: SeedTable.Column<SeedRow> list =
    [ for c in SeedTable.forecastColumns -> { SeedTable.Title = c.Title; Format = c.Format; Measure = fun (r: SeedRow) -> c.Measure r.Report } ]
    @ [ { SeedTable.Title = "I/E after"; Format = "F2"; Measure = fun (r: SeedRow) -> r.BalanceAfter.Ratio }
        { SeedTable.Title = "λ_max"; Format = "F3"; Measure = fun (r: SeedRow) -> r.LambdaMax } ]
page.Table(SeedTable.rows "E/I network" (fun r -> int64 r.Seed) seed seedColumns seedRows)
/// A measure over the seeds: median, range and count.
let spreadOf (measure: SeedRow -> float) = SeedTable.spreadOf seedRows measure
let spreads =
    Map.ofList
        [ "vpt_median", spreadOf (fun r -> r.Report.Vpt.Median); "test_mse_one_step", spreadOf (fun r -> r.Report.OneStepMse)
          "d_stsp", spreadOf (fun r -> r.Report.DStsp); "d_h", spreadOf (fun r -> r.Report.DH)
          "ratio_after", spreadOf (fun r -> r.BalanceAfter.Ratio); "lambda_max", spreadOf (fun r -> r.LambdaMax) ]
let vptSpread, mseSpread, dStspSpread, ratioSpread, lambdaSpread =
    spreads["vpt_median"], spreads["test_mse_one_step"], spreads["d_stsp"], spreads["ratio_after"], spreads["lambda_max"]
/// The position of a value against the seeds' range of a measure: within it, or beyond it (above or below).
let againstSeeds (spread: SeedSpread) (value: float) =
    if value > spread.Max then "above the seeds' range" elif value < spread.Min then "below the seeds' range" else "within the seeds' range"
page.Text(
    $"Over the **{seedRows.Length} seeds** (seeds {seedsText}; {recipe.OneStepEpochs} one-step and {recipe.RolloutEpochs} rollout epochs each) the median VPT spans **{vptSpread.Min:F2}–{vptSpread.Max:F2}** Lyapunov times "
    + $"(median {vptSpread.Median:F2}; the main seed's {vpt.Median:F2}), a spread of {vptSpread.Max - vptSpread.Min:F2}; D_stsp spans {dStspSpread.Min:F3}–{dStspSpread.Max:F3}, "
    + $"the ratio I/E after training {ratioSpread.Min:F2}–{ratioSpread.Max:F2} (from {balanceBefore.Ratio:F2} for the main seed before training), "
    + $"and λ_max {lambdaSpread.Min:F3} to {lambdaSpread.Max:F3}. A network below is better or worse than this one only where it lies beyond that range.")

(**
## Input to E only or to all units, and keeping the balance

Two variations on the network above, trained by the same recipe and measured by the same protocol, **one seed each** (the main
seed, trained while the network's seeds trained on the worker processes): the **other input mode**
(`--input all` feeds $W^{in} x + b$ to the inhibitory units as well; with the default they receive it only through the excitatory
ones), and a **balance-keeping** network, whose training loss carries a penalty $\lambda\,(\rho - \rho_0)^2$ on the ratio $\rho$ of
inhibitory to excitatory input (summed over units, at the rates after each training window) departing from its value $\rho_0$ at
initialisation (`--balance-penalty` sets $\lambda$; `EiRateNetworkOptions.BalancePenalty`, which the trainer adds to the loss).
Balance is measured as above, on the test data, before and after training. With one seed per variant, a variant's VPT says something
about its input mode or its penalty only where it lies beyond the range of the network's seeds above, not merely away from the main
seed's value.
*)
let mainVariant =
    { Name = $"input {inputName input} (the network above)"; Input = input; Penalty = 0.0; Target = initialRatio (new EiRateNetwork(networkOptions, int64 seed)); Hidden = hidden
      RolloutSteps = recipe.RolloutSteps; Recipe = recipe; Report = report; BalanceBefore = balanceBefore; BalanceAfter = balanceAfter; LambdaMax = lambdaMax; Seconds = trainSeconds }
let variants = [ mainVariant; otherVariant; balancedVariant ]
/// Batches per epoch of a recipe as text.
let batchesText (r: Models.RolloutRecipe) = match r.BatchesPerEpoch with Some b -> string b | None -> "all"
page.Table(
    [ "network"; "batches / epoch"; "test MSE (one step)"; "VPT median"; "VPT p10–p90"; "D_stsp"; "λ_max"; "I/E before"; "I/E after"; "|net|/E after" ]
    :: [ for v in variants ->
            [ v.Name; batchesText v.Recipe; $"{v.Report.OneStepMse:E2}"; $"{v.Report.Vpt.Median:F2}"; $"{v.Report.Vpt.P10:F2}–{v.Report.Vpt.P90:F2}"
              $"{v.Report.DStsp:F3}"; $"{v.LambdaMax:F3}"; $"{v.BalanceBefore.Ratio:F3}"; $"{v.BalanceAfter.Ratio:F3}"; $"{v.BalanceAfter.NetRelativeToExcitatory:F3}" ] ])
let budgetNote =
    if variantRecipe.BatchesPerEpoch = recipe.BatchesPerEpoch then "All three trained with the same budget."
    else $"The two variants trained on {batchesText variantRecipe} batches per epoch instead of {batchesText recipe} (to keep the chapter's run short; `--variant-batches` changes it, and `--full` gives all three the same budget), so they had less training than the network above: compare them with each other first."
/// A variant's median VPT (one seed) against the seeds of the network above (`SeedSpread.Compare`: better or worse only beyond their range).
let vptVerdict (v: Variant) =
    let range = $"{vptSpread.Min:F2}–{vptSpread.Max:F2}"
    match SeedSpread.Compare(SeedSpread.Of [ v.Report.Vpt.Median ], vptSpread, true) with
    | SpreadComparison.Better -> $"longer than every seed of the network ({range}): beyond the seed spread"
    | SpreadComparison.Worse -> $"shorter than every seed of the network ({range}): beyond the seed spread"
    | _ -> $"within the network's seed range {range}, so no difference this run can show"
page.Text(
    $"{budgetNote} Feeding the input to {inputName otherInput} units instead of {inputName input} ones gives a median VPT of **{otherVariant.Report.Vpt.Median:F2}** Lyapunov times, {vptVerdict otherVariant} "
    + $"(one-step MSE {otherVariant.Report.OneStepMse:G3}; the network's seeds {mseSpread.Min:G3}–{mseSpread.Max:G3}), and leaves the ratio I/E at **{otherVariant.BalanceAfter.Ratio:F2}** (from {otherVariant.BalanceBefore.Ratio:F2}; the network's seeds end at {ratioSpread.Min:F2}–{ratioSpread.Max:F2}). "
    + $"The balance penalty (λ = {balancePenalty:G3}, ρ₀ = {balancedVariant.Target:F3}) keeps the ratio at **{balancedVariant.BalanceAfter.Ratio:F2}** on the test data, where the same network without it ends at **{ratioSpread.Min:F2}–{ratioSpread.Max:F2}** over its seeds ({againstSeeds ratioSpread balancedVariant.BalanceAfter.Ratio}); "
    + $"its median VPT is **{balancedVariant.Report.Vpt.Median:F2}**, {vptVerdict balancedVariant}, and its free run's largest exponent {balancedVariant.LambdaMax:F3} (the network's seeds: {lambdaSpread.Min:F3} to {lambdaSpread.Max:F3}).")

(**
## Looking for a chaotic E/I network

Forecasting a few Lyapunov times is not the same as having learned the attractor: Lorenz-63's largest exponent is 0.906, and a
network that has learned the dynamics should be chaotic too. We call a trained E/I network *chaotic like Lorenz* when its free
run's largest exponent lies within 20% of 0.906 and its state-space divergence $D_{stsp}$ is no worse than the CT-RNN's of chapter 01.
A small search varies what could matter under Dale's law — the rollout length $K$, the input mode, the balance penalty and the
size — each recipe trained once (one seed, the main seed) with a reduced budget and measured like the networks above. `--search FILE` runs it (minutes on
two cores) and writes its table; the page shows the committed table `scripts/results/02_ei_recipe_search.json`, together with the
networks trained above (every seed of the network, and the two variants).
*)
/// One recipe of the search: a label, the input mode, the balance penalty's strength (0 = none), the size and the rollout length.
type SearchRecipe = { Label: string; Input: EiInput; Penalty: float; Hidden: int; RolloutSteps: int }
let searchRecipes =
    let size n = if quick then n / 4 else n
    [ { Label = "the chapter's settings"; Input = EiInput.Excitatory; Penalty = 0.0; Hidden = size 64; RolloutSteps = 15 }
      { Label = "input to all units"; Input = EiInput.All; Penalty = 0.0; Hidden = size 64; RolloutSteps = 15 }
      { Label = "longer rollouts"; Input = EiInput.Excitatory; Penalty = 0.0; Hidden = size 64; RolloutSteps = 30 }
      { Label = "balance penalty"; Input = EiInput.Excitatory; Penalty = 1.0; Hidden = size 64; RolloutSteps = 15 }
      { Label = "longer rollouts, balance penalty"; Input = EiInput.Excitatory; Penalty = 1.0; Hidden = size 64; RolloutSteps = 30 }
      { Label = "twice the units"; Input = EiInput.Excitatory; Penalty = 0.0; Hidden = size 128; RolloutSteps = 15 } ]
let searchBudget = if quick then recipe else { recipe with OneStepEpochs = 3; RolloutEpochs = 3; CurriculumEpochs = 2; BatchesPerEpoch = Some 30 }
let ctRnnDStsp =
    let path = Experiments.reportPath common Experiments.ctRnn
    if File.Exists path then Some (ForecastReportFile.Read path).DStsp else None
/// One measured row of the search table.
type SearchRow =
    { label: string; input: string; balance_penalty: float; hidden: int; rollout_steps: int; one_step_epochs: int; rollout_epochs: int
      batches_per_epoch: Nullable<int>; vpt_median: float; test_mse_one_step: float; d_stsp: float; lambda_max: float
      ratio_before: float; ratio_after: float; train_seconds: float }
let searchRowOf (label: string) (v: Variant) =
    { label = label; input = inputName v.Input; balance_penalty = v.Penalty; hidden = v.Hidden; rollout_steps = v.RolloutSteps
      one_step_epochs = v.Recipe.OneStepEpochs; rollout_epochs = v.Recipe.RolloutEpochs; batches_per_epoch = Option.toNullable v.Recipe.BatchesPerEpoch
      vpt_median = v.Report.Vpt.Median; test_mse_one_step = v.Report.OneStepMse; d_stsp = v.Report.DStsp; lambda_max = v.LambdaMax
      ratio_before = v.BalanceBefore.Ratio; ratio_after = v.BalanceAfter.Ratio; train_seconds = v.Seconds }
let searchPath = if searchOut = "" then "" else Output.fromRoot searchOut
if searchPath <> "" then
    let rows =
        [ for r in searchRecipes ->
            searchRowOf r.Label (trainVariant $"search: {r.Label}" r.Input r.Penalty r.Hidden searchBudget r.RolloutSteps lyapunovSteps None) ]
    Directory.CreateDirectory(Path.GetDirectoryName searchPath) |> ignore
    Output.writeJson searchPath
        {| generated_by = "dotnet fsi scripts/02_ei_rate.fsx " + String.Join(" ", fsi.CommandLineArgs |> Array.skip 1)
           mode = common.Mode; seed = seed; tau_e = tauE; tau_i = tauI; readout = readout
           ctrnn_d_stsp = Option.toNullable ctRnnDStsp; rows = rows |}
let searchFile = if searchPath <> "" then searchPath else Path.Combine(__SOURCE_DIRECTORY__, "results", "02_ei_recipe_search.json")
let searched =
    if File.Exists searchFile then
        let root = (Output.readJson searchFile).RootElement
        let options = Text.Json.JsonSerializerOptions(NumberHandling = Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals)
        let rows = [ for r in root.GetProperty("rows").EnumerateArray() -> Text.Json.JsonSerializer.Deserialize<SearchRow>(r.GetRawText(), options) ]
        let recordedCt = match root.GetProperty("ctrnn_d_stsp").ValueKind with Text.Json.JsonValueKind.Number -> Some(root.GetProperty("ctrnn_d_stsp").GetDouble()) | _ -> None
        Some(rows, root.GetProperty("mode").GetString(), recordedCt)
    else None
let chapterRows =
    [ for v in variants -> searchRowOf $"{v.Name} (this run)" v ]
    @ [ for r in seedRows do
            if r.Seed <> seed then
                { searchRowOf $"the network above, seed {r.Seed} (this run)" mainVariant with
                    vpt_median = r.Report.Vpt.Median; test_mse_one_step = r.Report.OneStepMse; d_stsp = r.Report.DStsp; lambda_max = r.LambdaMax
                    ratio_before = r.BalanceBefore.Ratio; ratio_after = r.BalanceAfter.Ratio; train_seconds = r.Report.TrainingSeconds } ]
let allRows = chapterRows @ (match searched with Some(rows, _, _) -> rows | None -> [])
let referenceDStsp = match ctRnnDStsp, searched with Some d, _ -> Some d | None, Some(_, _, recorded) -> recorded | _ -> None
let lorenzLambda = 0.906
let chaoticLike (r: SearchRow) =
    abs (r.lambda_max - lorenzLambda) <= 0.2 * lorenzLambda && (match referenceDStsp with Some d -> r.d_stsp <= d | None -> false)
page.Table(
    [ "recipe"; "input"; "λ (penalty)"; "units"; "K"; "epochs"; "VPT median"; "test MSE"; "D_stsp"; "λ_max"; "I/E before → after"; "chaotic like Lorenz" ]
    :: [ for r in allRows ->
            [ r.label; r.input; $"{r.balance_penalty:G3}"; string r.hidden; string r.rollout_steps
              $"""{r.one_step_epochs} + {r.rollout_epochs} × {(if r.batches_per_epoch.HasValue then string r.batches_per_epoch.Value else "all")}"""
              $"{r.vpt_median:F2}"; $"{r.test_mse_one_step:E2}"; $"{r.d_stsp:F3}"; $"{r.lambda_max:F3}"; $"{r.ratio_before:F2} → {r.ratio_after:F2}"
              (if chaoticLike r then "yes" else "no") ] ])
/// A row of the committed search table by its label.
let searchRow (label: string) = match searched with Some(rows, _, _) -> rows |> List.tryFind (fun r -> r.label = label) | None -> None
/// Whether a difference of median VPT exceeds the seed-to-seed spread (maximum − minimum) of the network above.
let spreadWord (difference: float) = if abs difference > vptSpread.Max - vptSpread.Min then "beyond that spread" else "within it"
match searchRow "the chapter's settings", searchRow "input to all units", searchRow "balance penalty" with
| Some chapter, Some toAll, Some penalized ->
    page.Text(
        $"The search's rows share one budget, so they compare the options fairly: input to all units forecasts a median of **{toAll.vpt_median:F2}** Lyapunov times "
        + $"against **{chapter.vpt_median:F2}** with the input to E only (D_stsp {toAll.d_stsp:F2} against {chapter.d_stsp:F2}); the balance penalty gives **{penalized.vpt_median:F2}** "
        + $"against {chapter.vpt_median:F2}, and holds I/E at {penalized.ratio_after:F2} where the same recipe without it ends at {chapter.ratio_after:F2}. "
        + $"But each row is one seed, and the seeds of the network above differ by up to **{vptSpread.Max - vptSpread.Min:F2}** Lyapunov times in median VPT: "
        + $"the input mode's difference of {abs (toAll.vpt_median - chapter.vpt_median):F2} is {spreadWord (toAll.vpt_median - chapter.vpt_median)} and the penalty's "
        + $"{abs (penalized.vpt_median - chapter.vpt_median):F2} {spreadWord (penalized.vpt_median - chapter.vpt_median)} (the search's smaller budget may well spread its seeds differently).")
| _ -> ()
let searchVerdict =
    let found = allRows |> List.filter chaoticLike
    let source =
        match searched with
        | Some(rows, mode, _) -> $"the {rows.Length} recipes of the search (a {mode} run, {searchFile |> Path.GetFileName}) and the {chapterRows.Length} networks of this run"
        | None -> $"the {chapterRows.Length} networks of this run (no search table at {searchFile}: run with --search FILE to make one)"
    let reference = match referenceDStsp with Some d -> $"the CT-RNN's D_stsp {d:F3}" | None -> "no CT-RNN report to compare D_stsp with: run chapter 01 first"
    let lambdas = allRows |> List.map (fun r -> r.lambda_max)
    let settled = allRows |> List.filter (fun r -> r.lambda_max <= 0.05) |> List.length
    let verb count = if count = 1 then "is" else "are"
    let hasOne, hasMany = "has", "have"
    let inBand = allRows |> List.filter (fun r -> abs (r.lambda_max - lorenzLambda) <= 0.2 * lorenzLambda) |> List.length
    match found with
    | first :: _ ->
        $"Of {source}, {found.Length} {verb found.Length} chaotic like Lorenz ({reference}); the first, **{first.label}**, has λ_max = {first.lambda_max:F3} and D_stsp = {first.d_stsp:F3}."
    | [] ->
        $"None of {source} is chaotic like Lorenz ({reference}). Their largest exponents span **{List.min lambdas:F3}** to **{List.max lambdas:F3}**: "
        + $"{settled} of {allRows.Length} free runs settle on a fixed point or a limit cycle (λ_max ≤ 0.05), {inBand} {(if inBand = 1 then hasOne else hasMany)} an exponent within 20%% of 0.906"
        + (if inBand > 0 then ", but not the attractor's occupancy of state space (D_stsp above the CT-RNN's). " else ". ")
        + "A likely reason, which the table is consistent with but does not prove: rollout training rewards forecasts a few Lyapunov times long, "
        + "and a network that settles on a cycle close to the attractor's typical loop already forecasts that far, while nothing in the loss asks "
        + "for the divergence of nearby trajectories that chaos needs; the budgets here are also far below the full run's."
page.Text searchVerdict

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
        {| test_mse_one_step = oneStepMse
           vpt_lyapunov_times = {| median = oneStepVpt.Median; p10 = oneStepVpt.P10; p90 = oneStepVpt.P90; n = oneStepVpt.N |} |}
       train_seconds = trainSeconds
       epochs_run = epochsRun
       lambda_max = lambdaMax
       input = inputName input
       comparison =
        [ for v in variants ->
            {| name = v.Name; input = inputName v.Input; balance_penalty = v.Penalty; balance_target = v.Target
               batches_per_epoch = Option.toNullable v.Recipe.BatchesPerEpoch; one_step_epochs = v.Recipe.OneStepEpochs; rollout_epochs = v.Recipe.RolloutEpochs
               vpt_median = v.Report.Vpt.Median; vpt_p10 = v.Report.Vpt.P10; vpt_p90 = v.Report.Vpt.P90; test_mse_one_step = v.Report.OneStepMse
               d_stsp = v.Report.DStsp; lambda_max = v.LambdaMax; train_seconds = v.Seconds
               vpt_against_seeds = string (SeedSpread.Compare(SeedSpread.Of [ v.Report.Vpt.Median ], vptSpread, true))
               balance_before = {| ratio = v.BalanceBefore.Ratio; net_relative = v.BalanceBefore.NetRelativeToExcitatory; ei_correlation = v.BalanceBefore.EiCorrelation |}
               balance_after = {| ratio = v.BalanceAfter.Ratio; net_relative = v.BalanceAfter.NetRelativeToExcitatory; ei_correlation = v.BalanceAfter.EiCorrelation |} |} ]
       seeds =
        [ for r in seedRows ->
            {| seed = r.Seed; main = (r.Seed = seed); vpt_median = r.Report.Vpt.Median; vpt_p10 = r.Report.Vpt.P10; vpt_p90 = r.Report.Vpt.P90
               test_mse_one_step = r.Report.OneStepMse; d_stsp = r.Report.DStsp; d_h = r.Report.DH; ratio_after = r.BalanceAfter.Ratio
               ratio_before = r.BalanceBefore.Ratio; lambda_max = r.LambdaMax; train_seconds = r.Report.TrainingSeconds |} ]
       seed_spread =
        {| count = seedRows.Length
           sweep_seconds = seedRuns.Seconds
           measures = spreads |> Map.map (fun _ s -> {| median = s.Median; min = s.Min; max = s.Max |}) |}
       recipe_search =
        {| file = searchFile
           rows = (match searched with Some(rows, _, _) -> rows.Length | None -> 0)
           ctrnn_d_stsp = Option.toNullable referenceDStsp
           chaotic_like_lorenz = (allRows |> List.filter chaoticLike |> List.map (fun r -> r.label)) |}
       options =
        {| hidden = hidden; seed = seed; one_step_epochs = recipe.OneStepEpochs; rollout_epochs = recipe.RolloutEpochs
           rollout_steps = recipe.RolloutSteps; learning_rate = recipe.LearningRate; rollout_learning_rate = recipe.RolloutLearningRate
           batches_per_epoch = Option.toNullable recipe.BatchesPerEpoch; readout = readout; tau_e = networkOptions.TauE; tau_i = networkOptions.TauI
           activation = string networkOptions.Activation; mode = common.Mode; input = inputName input; balance_penalty = balancePenalty
           variant_batches_per_epoch = Option.toNullable variantRecipe.BatchesPerEpoch |}
       model_file = Experiments.modelPath common Experiments.eiRate
       report_file = Experiments.reportPath common Experiments.eiRate |}
