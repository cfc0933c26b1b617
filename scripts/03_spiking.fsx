(**
# Chapter 03 — A balanced network of spiking neurons, as a reservoir for Lorenz

The networks of chapters 01 and 02 pass real numbers between units. Neurons in the brain pass *spikes*: brief,
all-or-none events. The simplest model that keeps this is the leaky integrate-and-fire (LIF) neuron. Its membrane
potential $V$ leaks towards rest and integrates its input,

$$
\tau_m \frac{dV}{dt} = -(V - V_{\mathrm{rest}}) + R I_{\mathrm{syn}}(t) + R I_{\mathrm{ext}}(t),
$$

and when $V$ reaches the threshold $\theta = 20$ mV the neuron emits a spike, is reset to $V_r = 10$ mV and stays
silent for a refractory period of 2 ms. With $\tau_m = 20$ ms the membrane remembers its input for a few tens of ms.

**Balance.** In Brunel's (2000) model each of $N_E$ excitatory and $N_I = N_E/4$ inhibitory neurons receives
$C_E = \epsilon N_E$ excitatory and $C_I = \epsilon N_I$ inhibitory synapses: an excitatory spike raises $V$ by $J = 0.1$ mV,
an inhibitory one lowers it by $gJ$, after a delay $D = 1.5$ ms. For $g > 4$ inhibition outweighs excitation; the large
excitatory and inhibitory inputs then cancel on average, and what drives the neurons to fire is the *fluctuation*
of their input, so they fire irregularly, as cortical neurons do. External Poisson input at $\eta$ times the rate
$\nu_{\mathrm{thr}} = \theta/(J C_E \tau_m)$ that would just reach threshold sets the drive.

**Event-driven communication.** Between spikes each neuron's equation is linear and is integrated exactly over a
0.1 ms step; only spikes cost work, each delivered to its targets through a ring buffer $D$ ms ahead. This is what makes
networks of tens of thousands of neurons cheap enough to run here.

**Reservoir computing.** A network that is hard to train can still be useful: drive it with a signal, let its rich
response hold a nonlinear memory of the input, and train only a *linear readout* of its state (Jaeger 2001;
Maass, Natschläger & Markram 2002, who called the spiking version a liquid state machine). We drive a balanced LIF network
with the Lorenz state and read the next state from its filtered spike trains. Then we train a small spiking network
end to end, passing gradients through its spikes with a surrogate derivative (Zenke & Ganguli 2018), and compare.

Run it with `dotnet fsi scripts/03_spiking.fsx`; `--quick` for a tiny run, `--full` for the full-quality one,
`--neurons N` for the reservoir's size, `--sample-ms T` for the biological duration of one sample (ms), `--trace-ms T` for the
time constant of the spike traces (ms), `--linear-readout` to read the traces without their squares, `--input-noise S` for
the noise on the training inputs (z-scored units, 0 for none), `--g G` and `--eta E` for the reservoir's inhibition and external drive,
`--input-scale S` for its input weights (mV), `--sweep-neurons N` for the size of the regime sweep's reservoirs, `--seed S` for the main seed,
`--seeds N` for how many seeds each network is trained with (3; 5 with `--full`); `--resume` keeps the seeds an interrupted run finished and
continues the one it was training, `-- --help` lists every option.
*)
#load "prelude.fsx"
open System
open System.Diagnostics
open Prelude
open NeuroDyn.Data
open NeuroDyn.Analysis
open NeuroDyn.Analysis.Spiking
open NeuroDyn.Evaluation
open NeuroDyn.Models.Spiking
open NeuroDyn.Models.Reservoir
open NeuroDyn.Training
open Plotly.NET

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
let neurons = args.Int("neurons", (if quick then 500 else 1000), "LIF neurons of the reservoir, a multiple of 5 (4/5 excitatory)")
let sampleMs = args.Float("sample-ms", (if full then 20.0 else 5.0), "milliseconds of reservoir time per Lorenz sample")
let traceMs = args.Float("trace-ms", (if full then 40.0 else 20.0), "time constant of the spike traces the readout reads, in ms")
let linearReadout = args.Flag("linear-readout", "read out [u, r] only, without the squared traces r²")
let inputNoise = args.Float("input-noise", 0.0, "noise on the training inputs, in z-scored units (0 for none)")
let inhibition = args.Float("g", 5.0, "relative inhibition g of the reservoir (g > 4: inhibition dominates)")
let drive = args.Float("eta", 2.0, "external Poisson drive η = ν_ext/ν_thr of the reservoir")
let inputScale = args.Float("input-scale", 30.0, "standard deviation of the reservoir's input weights W_in (mV per z-scored unit)")
let sweepNeurons = args.Int("sweep-neurons", (if full then 1000 else 500), "LIF neurons of each reservoir of the regime sweep, a multiple of 5")
args.Check()
for name, value in [ "neurons", neurons; "sweep-neurons", sweepNeurons ] do
    if value < 50 || value % 5 <> 0 then failwithf "--%s %d: give a multiple of 5, at least 50 (4/5 of them excitatory)" name value
let page = Page.Page("Chapter 03 — Spiking networks", __SOURCE_DIRECTORY__ + "/03_spiking.fsx")
let timings = Collections.Generic.Dictionary<string, float>()
let timed name f =
    let clock = Stopwatch.StartNew()
    let result = f ()
    timings.[name] <- clock.Elapsed.TotalSeconds
    printfn "%s: %.1f s" name clock.Elapsed.TotalSeconds
    result

let data = Models.lorenzData dataPath common.DataDuration

(**
## Brunel's four regimes

Brunel (2000, Fig. 8) mapped the states of this network in the plane of inhibition $g$ and drive $\eta$. We run his four
examples with his sizes, $N_E = 10\,000$, $N_I = 2\,500$, $\epsilon = 0.1$ (a quick run keeps the in-degrees $C_E = 1000$,
$C_I = 250$ on a five times smaller network with $\epsilon = 0.5$, so the mean input and its fluctuations stay the same):

* **SR** (g = 3, η = 2): excitation dominates; neurons fire regularly, near saturation, in synchrony.
* **AI** (g = 5, η = 2): inhibition dominates; firing is asynchronous and irregular, the population rate flat.
* **SI fast** (g = 6, η = 4): strong inhibition and drive; the population oscillates at about 180 Hz while each neuron
  fires irregularly, skipping most cycles.
* **SI slow** (g = 4.5, η = 0.9): weak drive; a slow, irregular population rhythm with low single-neuron rates.

Each raster shows 50 neurons; below it is the population rate $A(t)$ of all neurons in 0.5 ms bins. The table gives the
mean rate, the mean coefficient of variation of the inter-spike intervals (1 for Poisson firing, 0 for a clock) and the
synchrony $\chi$ (Golomb 2007: near 1 when neurons fire together, $\approx 1/\sqrt{n}$ when independent), over the first
1000 neurons.
*)
let regimeSize = if quick then (2000, 500, 0.5) else (10000, 2500, 0.1)
let warmUp, recordLength = if quick then 30.0, 120.0 elif full then 200.0, 500.0 else 100.0, 300.0
let regimeRuns =
    timed "regimes" (fun () ->
        [ for name, g, eta, brunel in
              [ "SR", 3.0, 2.0, "synchronous regular"
                "AI", 5.0, 2.0, "asynchronous irregular"
                "SI fast", 6.0, 4.0, "synchronous irregular, fast"
                "SI slow", 4.5, 0.9, "synchronous irregular, slow" ] ->
            let ne, ni, eps = regimeSize
            let p = BrunelParameters(ExcitatoryCount = ne, InhibitoryCount = ni, Epsilon = eps, G = g, Eta = eta)
            use net = new LifNetwork(p, int64 seed + 11L, 2)
            net.Run(warmUp) |> ignore
            let raster = net.Run(recordLength, [| 0 .. 999 |])
            let stats =
                {| g = g; eta = eta; n_neurons = p.NeuronCount
                   rate_hz = SpikeStatistics.MeanRate raster
                   cv_isi = SpikeStatistics.IsiCv(raster, minSpikes = 4).Mean
                   synchrony = SpikeStatistics.Synchrony(raster, 1.0) |}
            printfn "%s: %.1f Hz, CV %.2f, chi %.2f" name stats.rate_hz stats.cv_isi stats.synchrony
            name, brunel, raster, stats ])

for name, brunel, raster, stats in regimeRuns do
    let window = min 100.0 recordLength
    let shown = SpikeStatistics.Raster(raster, raster.EndTime - window, raster.EndTime)
    let keep = Array.init shown.Times.Length id |> Array.filter (fun k -> shown.Neurons.[k] < 50)
    let rate = SpikeStatistics.PopulationRate(raster, 0.5)
    let inWindow = Array.init rate.BinStarts.Length id |> Array.filter (fun b -> rate.BinStarts.[b] >= raster.EndTime - window)
    page.Chart(
        Plots.raster $"{name} (g = {stats.g}, η = {stats.eta}): {brunel}"
            (keep |> Array.map (fun k -> shown.Times.[k])) (keep |> Array.map (fun k -> shown.Neurons.[k]))
            (inWindow |> Array.map (fun b -> rate.BinStarts.[b])) (inWindow |> Array.map (fun b -> rate.Rates.[b])))

page.Table(
    [ "regime"; "g"; "η"; "N"; "rate (Hz)"; "CV ISI"; "χ" ]
    :: [ for name, _, _, s in regimeRuns ->
           [ name; $"{s.g}"; $"{s.eta}"; $"{s.n_neurons}"; $"{s.rate_hz:F1}"; $"{s.cv_isi:F2}"; $"{s.synchrony:F2}" ] ])

(**
## The reservoir

**Time scale.** The network lives in milliseconds, the Lorenz system in its own time units. One sample of the data
($\Delta t = 0.01$ time units) is held for a fixed biological duration: 5 ms by default, so that one Lorenz time unit lasts
500 ms, and 20 ms in the full run (one time unit = 2 s). The trajectory then circles a wing in 0.35–1.4 s, the pace of a slow
behavioural rhythm (breathing, a slow stride) rather than of a fast cortical oscillation. The slow mapping is what makes
the spiking reservoir usable as a generator. A neuron reports its input through spike *counts*, and the readout reads them
through traces that average over $\tau_f = 20$ ms: at 1 ms per sample that window spans 0.2 time units, during which the
state sweeps a good part of a wing, and each sample sees only a fraction of a spike per neuron. Every doubling of the
duration halves how far the state moves within a trace window and doubles the spikes per sample, at twice the simulation cost.

**Input and drive.** The reservoir is Brunel's network in its balanced, fluctuation-driven state: every neuron receives
external Poisson spikes at $\eta = 2$ times $\nu_{\mathrm{thr}}$, inhibition dominates ($g = 5$), and there is no constant drive.
A thousand neurons cannot have Brunel's $C_E = 1000$ inputs; we keep the product that sets the recurrent feedback instead,
$C_E J = 100$ mV (here $C_E = 200$, $C_I = 50$, $J = 0.5$ mV), so the mean-field theory predicts the same regimes. The mean input
then stays below threshold and the neurons fire irregularly, driven by the fluctuations of their input. On top of this background
neuron $i$ receives the Lorenz input, $R I_i(t) = \sum_d W^{\mathrm{in}}_{id} u_d(t)$, with $u(t)$ the z-scored state held over its sample
and Gaussian input weights of standard deviation 30 mV: the input shifts each neuron's mean input up or down and with it its
probability of firing. With three z-scored components the input to one neuron has a standard deviation of about 50 mV, more than
the background's own fluctuations (σ ≈ 19 mV in the mean-field theory): the readout needs each neuron to answer the input clearly.
While choosing it we measured (1000 neurons, reservoir seed 2, 3000 training samples, 20 starts of 300 samples on the test split)
median VPTs of 0.37 with input weights of 5 mV, 0.44 with 10 mV, 0.50 with 20 mV and 0.74 with 30 mV (one-step MSE 6.5e-4, 2.1e-4,
1.2e-4, 8.5e-5), and 0.62 with 30 mV read through 40 ms traces; the mean-driven reservoir of before reached 0.36 (MSE 2.5e-4) in the same test.
The background itself stays balanced: with zero input the mean input sits below threshold (below). (Until this version the reservoir ran with $\eta = 0$ and strong constant drives, 80 ± 40 mV, under which
most neurons fired regularly; the regime sweep below measures both kinds of state.) A reservoir must answer the same input in the same way, whatever its initial
state (the *echo-state property*, Jaeger 2001); otherwise part of its traces is its own variability, which the readout takes
for noise. We check it: the same network, driven by the same stretch of data from two different random initial potentials,
and the normalised difference of the traces after the washout, $\sum (r^1 - r^2)^2 / (\sum (r^1 - \bar r^1)^2 + \sum (r^2 - \bar r^2)^2)$
(0 for identical traces, 1 for independent ones). Both runs receive the same external Poisson spikes (the same seed), so
the check asks whether the network's own variability dies out; a balanced network of delta synapses is chaotic in its spike
timing (van Vreeswijk & Sompolinsky 1996; London et al. 2010), so we expect it to forget less than a network that the input drives hard.

**Readout.** The state we read is the filtered spike train of every neuron, $r_i(t) = \sum_{\mathrm{spikes}} e^{-(t - t_i)/\tau_f}$
with $\tau_f = 20$ ms (40 ms in the full run, again two samples). After a washout of 200 samples the readout learns the increment of the state,

$$
\hat x_{t+1} = u_t + W^\top [u_t;\ r(t);\ r(t)^2] + b,
$$

with the squares taken element-wise, by ridge regression, $(X^\top X + \lambda I) W = X^\top Y$ on centred features scaled
to unit variance (so that $\lambda$ penalises traces and squared traces alike), with $\lambda$ chosen on the validation split
from a log grid. Including $u_t$ is standard (Jaeger's readout sees the input). The squared traces are the nonlinear readout of
Pathak et al. (2018): the Lorenz flow is quadratic ($\dot y \ni xz$, $\dot z \ni xy$), and while each neuron's rate is close to
a rectified linear function of the input, squares of such functions combine into any quadratic form. The readout stays
linear in its features.
*)
/// Brunel's network of `size` neurons (4/5 excitatory) with C_E = min(200, N_E/2) excitatory inputs of J = 100 mV / C_E each (C_E J = 100 mV
/// as in Brunel's network, which the mean-field theory's regimes depend on), inhibition g and external drive η; no constant drive.
let balancedNetwork size g eta =
    let excitatory = size * 4 / 5
    let inDegree = min 200 (excitatory / 2)
    BrunelParameters(ExcitatoryCount = excitatory, InhibitoryCount = size / 5, Epsilon = float inDegree / float excitatory, J = 100.0 / float inDegree, G = g, Eta = eta)
/// The reservoir of `size` neurons at (g, η), with this run's input weights and time scale.
let reservoirAt size g eta =
    SpikingReservoirOptions(Network = balancedNetwork size g eta, InputScale = inputScale, TraceTimeConstant = traceMs, SampleDuration = sampleMs)
let reservoirOptions = reservoirAt neurons inhibition drive
let washout = if quick then 100 else 200
/// The main seed's reservoir: its wiring and input weights are drawn from the seed, as the sweep below draws every seed's.
let reservoirSeed = int64 seed
let consistencyInput = Series.Rows(data.Train, 0, washout + (if quick then 100 else 300))
let consistency = timed "reservoir_consistency" (fun () -> ReservoirConsistency.TraceDifference(reservoirOptions, reservoirSeed, consistencyInput, washout))
printfn "trace difference from two initial states: %.3f" consistency
/// The reservoir's background state: its network with zero input, 200 ms of warm-up and 1 s recorded, against the mean-field theory.
let background = timed "reservoir_background" (fun () -> ReservoirBackgroundState.Measure(reservoirOptions, reservoirSeed, 200.0, 1000.0))
printfn "background (u = 0): %.1f Hz (mean field %.1f Hz), CV %.2f, chi %.2f" background.RateHz background.MeanFieldRateHz background.IsiCv background.Synchrony
let p0 = reservoirOptions.Network
page.Text($"With zero input the reservoir (g = {p0.G}, η = {p0.Eta}, C_E = {p0.ExcitatoryInDegree}, J = {p0.J:G3} mV) fires at **{background.RateHz:F1} Hz** "
          + $"(mean-field theory: {background.MeanFieldRateHz:F1} Hz, mean input μ = {background.MeanInput:F1} mV "
          + (if background.FluctuationDriven then "below" else "above") + $" threshold) with a CV of the inter-spike intervals of **{background.IsiCv:F2}** "
          + $"and synchrony χ = {background.Synchrony:F2}. Echo-state check over {Array2D.length1 consistencyInput - washout} samples after the washout: "
          + $"the traces of two runs from different initial states differ by **{consistency:F3}**.")
let features = if linearReadout then ReadoutFeatures.InputAndTraces else ReadoutFeatures.InputTracesAndSquares

(**
**Seeds.** One reservoir is one draw of wiring, input weights and initial potentials, and one trained network one draw of initial
weights and batch order; how far a forecast stays valid depends on the draw. So both networks of this chapter, the reservoir and the
surrogate-gradient network of the last section, are trained from several seeds, `--seed` and the next ones (three in the default run, five
with `--full`, `--seeds N`), each seed on its own worker process as a sweep (NeuroDyn.Sweeps; `sweeps/reservoir/` and `sweeps/surrogate_lif/`
in the output folder), the two networks side by side so that both cores stay busy. Every seed is measured by the same protocol and keeps its
model file and report; with `--resume` the seeds an interrupted run finished are kept. The figures of this page are the main seed's
(`--seed`), loaded from its model file; each section ends with a table of every seed.
*)
/// How every seed's reservoir is trained: driven by the training split, the washout dropped, a ridge readout of [u, r, r²] fitted with λ
/// chosen on the validation split; the input noise (if any) is drawn from the run's seed.
let reservoirTraining =
    ReservoirTrainingOptions(Washout = washout, Lambdas = RidgeRegression.LogGrid(1e-8, 1e4, 25), Features = features, Standardize = true, InputNoise = inputNoise)
/// The surrogate-gradient network of the last section and its one phase of training (Adam on one-step MSE over windows, early stopping).
let surrogateOptions = SurrogateLifOptions(Hidden = (if quick then 32 elif full then 200 else 128))
let surrogateTraining =
    TrainingOptions(
        Epochs = (if quick then 2 elif full then 10 else 8), BatchSize = 64, SeqLength = data.SeqLength, LearningRate = 2e-3,
        MaxBatchesPerEpoch = Nullable(if quick then 4 elif full then 60 else 30), EarlyStoppingPatience = Nullable 8)
let seeds = Experiments.seeds common
printfn "training the reservoir and the surrogate network over %d seeds (%s)" seeds.Length (String.Join(", ", seeds))
/// Both networks over the seeds; the main seed's model files and reports become models/ID.safetensors and reports/ID.json.
let reservoirRuns, surrogateRuns =
    let trained =
        timed "seeds" (fun () ->
            Experiments.trainAllOverSeeds common
                [ { Entry = Experiments.reservoir; Kind = "reservoir"; Options = reservoirOptions; Training = Experiments.Ridge reservoirTraining }
                  { Entry = Experiments.surrogate; Kind = "surrogate_lif"; Options = surrogateOptions; Training = Experiments.Phases [ TrainingPhase("train", surrogateTraining) ] } ])
    match trained with
    | [ reservoir; surrogate ] -> reservoir, surrogate
    | other -> failwithf "two networks were trained, but %d results came back" other.Length
/// The main seed's reservoir, loaded from its model file, and its report.
let report, forecaster =
    let saved, model = Experiments.load common Experiments.reservoir
    saved, model :?> ReservoirForecaster
/// Its ridge fit, as its run recorded it: the λ grid and the validation MSE of each.
let ridge = reservoirRuns.MainRun.Ridge
/// The tutorial's measuring protocol; the one-step predictions read the test split after its warm-up, as the report's MSE does.
let protocol = Experiments.protocol common
let oneStep = timed "reservoir_one_step" (fun () -> forecaster.PredictOneStep(data.Test, protocol.WarmUp))
printfn "reservoir: λ = %g, one-step test MSE %.3g (persistence %.3g)" forecaster.Readout.Lambda oneStep.Mse oneStep.PersistenceMse

page.Chart(
    Plots.logLog $"Choosing the ridge strength on the validation split (seed {seed})" "λ" "validation MSE"
        [ ("validation MSE", Array.ofSeq ridge.Lambdas, Array.ofSeq ridge.ValidationMse, true) ])
/// Mean firing rate (Hz) of the reservoir's neurons on the test split: a trace averages rate × τ_f.
let reservoirRate = (Seq.cast<float> oneStep.Traces |> Seq.average) / (traceMs / 1000.0)
let silentFraction =
    let n = forecaster.Options.NeuronCount
    let rows = Array2D.length1 oneStep.Traces
    float (Seq.length (seq { for i in 0 .. n - 1 do if Seq.forall (fun r -> oneStep.Traces.[r, i] < 1e-3) (seq { 0 .. rows - 1 }) then yield i })) / float n
let seedList, seedSeconds = String.Join(", ", seeds), timings.["seeds"]
page.Text($"This **{common.Mode}** run trained the reservoir and the surrogate network from **{seeds.Length} seeds** ({seedList}) "
          + $"in {seedSeconds:F0} s on worker processes. The main seed's reservoir (seed {seed}, {forecaster.Options.NeuronCount} neurons) was driven over "
          + $"the {Array2D.length1 data.Train} training and {Array2D.length1 data.Val} validation samples and its readout fitted in {report.TrainingSeconds:F0} s. "
          + $"On the test split the reservoir's neurons fire at {reservoirRate:F0} Hz on average; {100.0 * silentFraction:F0} %% of them stay silent throughout. "
          + $"The readout of {forecaster.Options.NeuronCount} neurons ({forecaster.Readout.FeatureCount} features) uses λ = {forecaster.Readout.Lambda:G3}. "
          + $"One-step test MSE: **{oneStep.Mse:G3}**, against {oneStep.PersistenceMse:G3} for persistence ($\\hat x_{{t+1}} = x_t$).")

let shownSamples = min 400 (Array2D.length1 oneStep.Predictions)
let sampleTimes = Array.init shownSamples (fun k -> float k * data.Dt)
page.Chart(
    Plots.timeSeries "Reservoir: one-step predictions on the test split" sampleTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(oneStep.Targets, 0, shownSamples); "one-step", Series.Rows(oneStep.Predictions, 0, shownSamples) ])

(**
What the readout reads: the traces of a few neurons as the Lorenz state sweeps by (time in ms now), and the readout
weights of every neuron's trace for the three components of the increment.
*)
page.Chart(
    Plots.lines "Filtered spike trains r_i(t) of five reservoir neurons" "time (ms)" "r_i"
        [ for i in [ 0; 1; 2; 3; 4 ] -> $"neuron {i}", sampleTimes |> Array.map (fun t -> t / data.Dt * sampleMs), Array.init shownSamples (fun k -> oneStep.Traces.[k, i]) ])
let d = forecaster.Options.InputSize
page.Chart(
    Plots.lines "Readout weights of the neurons' traces (increment of x, y, z)" "neuron" "weight"
        [ for j, axis in List.indexed [ "x"; "y"; "z" ] ->
            $"Δ{axis}", Array.init forecaster.Options.NeuronCount float, Array.init forecaster.Options.NeuronCount (fun i -> forecaster.Readout.Weights.[d + i, j]) ])

(**
## The spiking network as a generator

In closed loop the readout's prediction becomes the next input: the spiking network now generates the trajectory itself.
It is measured by the tutorial's protocol, like every other model (`Evaluate.Run`): each forecast starts a fresh reservoir (same
wiring), warms it up on the protocol's 50 true states (250 ms at 5 ms per sample, more than ten membrane time constants), then
runs on its own output.
The valid prediction time (VPT) is the time, in Lyapunov times $1/\lambda_1$ with $\lambda_1 = 0.906$, until the normalised
error first exceeds 0.4. For the long-term behaviour we let it run freely and compare its attractor with the data: the
state-space divergence $D_{\mathrm{stsp}}$ (KL divergence of occupation histograms) and the power-spectrum distance $D_H$
(Hess et al. 2023). Its largest Lyapunov exponent is estimated from the generated series by Rosenstein's method: the spiking
system's flow is not smooth, so there is no Jacobian to follow.
*)
/// The traces the readout read on the test split, with the inputs, beside the model file (interop/reservoir_readout_numpy.py reads them).
ReservoirTraceFile.Write(ReservoirTraceFile.PathBeside(Experiments.modelPath common Experiments.reservoir), data.Test, protocol.WarmUp, oneStep)
let vpt, freeRun, dStsp, dH, lambdaMax = report.Vpt, report.FreeRun, report.DStsp, report.DH, report.LargestLyapunov
let attempt f = try f () with e -> printfn "not computed: %s" e.Message; nan
let rosenstein = if Double.IsFinite lambdaMax then Some(LargestLyapunov.Rosenstein(freeRun, RosensteinOptions(Dt = data.Dt))) else None
/// The same estimator on as many true states as the free run has (from the training split, the longest).
let lambdaTrue =
    attempt (fun () -> LargestLyapunov.Rosenstein(Series.Rows(data.Train, 0, min (Array2D.length1 data.Train) (Array2D.length1 freeRun)), RosensteinOptions(Dt = data.Dt)).Exponent)
printfn "reservoir VPT: median %.2f, p10 %.2f, p90 %.2f Lyapunov times (n = %d); free run: λ_max %.3f (same estimator on the data: %.3f)"
    vpt.Median vpt.P10 vpt.P90 vpt.N lambdaMax lambdaTrue

/// The start whose VPT is closest to the median, for the example plots, and the reservoir's forecast from it.
let best = vpt.PerStart |> Array.mapi (fun n v -> n, abs (v - vpt.Median)) |> Array.minBy snd |> fst
let bestForecast = forecaster.Forecast(Series.Rows(data.Test, vpt.Starts.[best], protocol.WarmUp), protocol.Horizon)
let forecastTimes = vpt.Times
page.Chart(
    Plots.timeSeries "Reservoir in closed loop: a forecast with the median VPT (time in Lyapunov times)" forecastTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(data.Test, vpt.Starts.[best] + protocol.WarmUp, protocol.Horizon); "closed loop", bestForecast ])
page.Chart(
    Plots.lines $"Normalised forecast error over the {vpt.N} starts" "Lyapunov times" "error"
        [ "median", forecastTimes, vpt.ErrorMedian; "10th percentile", forecastTimes, vpt.ErrorP10; "90th percentile", forecastTimes, vpt.ErrorP90 ])

page.Chart(Plots.attractor3d "Free run of the spiking reservoir against the Lorenz attractor" [ "data", data.Test; "spiking reservoir", freeRun ])
match rosenstein with
| Some r ->
    page.Chart(
        Plots.lines "Rosenstein divergence curve of the generated series" "time" "⟨ln d(t)⟩"
            [ "generated", r.Times, r.MeanLogDivergence
              $"fit, slope {r.Exponent:F3}", r.Times.[r.FitStart .. r.FitEnd], r.Times.[r.FitStart .. r.FitEnd] |> Array.map (fun t -> r.Intercept + r.Exponent * t) ])
| None -> ()
page.Text($"Closed loop: median VPT **{vpt.Median:F2}** Lyapunov times (10th–90th percentile {vpt.P10:F2}–{vpt.P90:F2}, {vpt.N} starts). "
          + $"Free run: D_stsp = {dStsp:F3}, D_H = {dH:F3}, largest Lyapunov exponent {lambdaMax:F3} per time unit "
          + $"(the same estimator gives {lambdaTrue:F3} on the data; the true value is 0.906).")

(**
What limits the closed loop? The readout must learn the increment $x_{t+1} - x_t = \int F\,dt$, a quadratic function of the
*current* state, from traces that reflect the input of the last few tens of ms through membranes and spikes: lagged, and
quantised into spikes. Its residual error is fed back at every sample and then grows like $e^{\lambda_1 t}$; an error that is a
tenth of the increment already ends a forecast within about one Lyapunov time. While choosing the time scale and the readout
we measured each step on its own, with the mean-driven reservoir this chapter used before (η = 0, constant drives, regular firing) (seed 1, 1000 neurons, all 14 000 training samples, 20 starts of 400 samples on the test split):

| change | one-step validation MSE | median VPT (Λ) |
|---|---|---|
| 1 ms per sample, drive 30 ± 6 mV, input weights 12 mV, $\tau_f$ = 10 ms, readout $[u, r]$ | 3.2e-4 | 0.52 |
| + squared traces, standardised ridge | 1.2e-4 | 0.58 |
| + 2 ms per sample | 7.0e-5 | 1.02 |
| + 5 ms per sample | 5.8e-5 | 1.09 |
| + drive 50 ± 20 mV, input weights 20 mV, $\tau_f$ = 20 ms | 1.5e-5 | 1.42 |
| + drive 80 ± 40 mV, input weights 40 mV | 8.9e-6 | 1.62 |
| + 10 ms per sample | 7.8e-6 | 2.16 |
| + 20 ms per sample, $\tau_f$ = 40 ms | 3.2e-6 | 2.16 |

Twenty starts are few: over the 50 starts of 1000 samples of the full run, the 10 ms setting reached a median of 1.76 and the
20 ms one 2.03, which is why the full run takes 20 ms per sample. (The full run itself reports 2.25 for the same setting: its
readout differs from the one measured here only by rounding, but a rounding difference moves a spike by a step, and the closed
loop amplifies it like any other error; the median over 50 starts moves by about 0.2 with it.)

In that mean-driven reservoir the time scale and the drive mattered most. With the weak drive near threshold the traces depend more on the network's initial
state (the echo-state check above; at 1 ms per sample the two runs differed by 0.12) and each neuron fires less than one spike
per 10 ms trace window; the strong drive makes the response consistent and graded, and the slow mapping gives each sample more
spikes and less lag. Several things did not help: doubling the network to
2000 neurons (1.39 against 1.42 at 5 ms per sample), so the error is not independent noise of single neurons; traces at two time
constants (10 and 40 ms: a lower one-step error, 3.5e-6, but a median VPT of 1.32), since one-step error and closed-loop stability
are not the same thing; weaker synapses ($J$ = 0.02 mV, 1.66 at 10 ms); other trace time constants at 10 ms per sample (10 ms: 1.62,
40 ms: 1.73); choosing $\lambda$ by the closed-loop VPT instead of the one-step error (the VPT hardly changes between
$\lambda = 10^{-10}$ and $10^{-2}$); and noise on the training inputs (`--input-noise`: σ = 0.003 gave 2.09 at 5 ms per sample
but 1.77 at 10 ms, σ = 0.0015 or 0.005 no gain). With 20 starts a median VPT is uncertain by a few tenths, so only the
large steps in the table are beyond doubt: slowing the mapping from 1 to 20 ms per sample and driving the neurons hard.
*)
let incrementRms = sqrt oneStep.PersistenceMse
page.Text($"Here the one-step error is {sqrt oneStep.Mse:G2} (root mean square per component) against increments of {incrementRms:G2}, "
          + $"{100.0 * sqrt (oneStep.Mse / oneStep.PersistenceMse):F0} %% of them. "
          + (if dStsp > 1.0 || Double.IsNaN dStsp then
                 $"The free run does not reproduce the attractor's geometry (D_stsp = {dStsp:F2}; a faithful model stays well below 1)"
             else $"The free run stays close to the attractor's geometry (D_stsp = {dStsp:F2})")
          + (if lambdaMax < 0.3 * lambdaTrue then $", and with an exponent of {lambdaMax:F3} per time unit it is far less chaotic than the data." else "."))

(**
**Over the seeds.** Every seed's reservoir (its own wiring, input weights and initial potentials; the same recipe), measured by the same
protocol; the figures above are the main seed's. The median and the range (smallest to largest) over the seeds follow.
*)
/// The spread of a network's measures over its seeds, in words.
let spreadText (name: string) (runs: Experiments.SeedRuns) =
    let vpt, mse, dStsp = runs.Spread(fun r -> r.Vpt.Median), runs.Spread(fun r -> r.OneStepMse), runs.Spread(fun r -> r.DStsp)
    let twoPlaces, threeDigits = SeedTable.show "F2", SeedTable.show "G3"
    let vptText =
        if vpt.Min = vpt.Max then $"median VPT is {twoPlaces vpt.Median} Lyapunov times in every seed"
        else $"median VPT runs from {twoPlaces vpt.Min} to {twoPlaces vpt.Max} Lyapunov times (a spread of {twoPlaces (vpt.Max - vpt.Min)} around a median of {twoPlaces vpt.Median})"
    $"Over its {runs.Reports.Length} seeds the {name}'s {vptText}, its one-step MSE from {threeDigits mse.Min} to {threeDigits mse.Max} "
    + $"(a factor {twoPlaces (mse.Max / mse.Min)}), its D_stsp from {twoPlaces dStsp.Min} to {twoPlaces dStsp.Max}. A difference between two networks smaller "
    + "than this spread says nothing about the networks, only about the draws."
page.Table(SeedTable.ofReports "spiking reservoir" seed [] reservoirRuns.Reports)
page.Text(spreadText "reservoir" reservoirRuns)

(**
## Does balance help computation?

The balanced state is how cortex is thought to run, but is it a good state for a reservoir? Irregular, fluctuation-driven
firing is noisy and chaotic in its spike timing, which costs the readout; it also responds fast and in a graded way to small
changes of the mean input (van Vreeswijk & Sompolinsky 1996), which could help it. We measure it: the same reservoir (same
size, input weights, time scale and readout, seed stated below) at $g = 3, 4, \dots, 8$ with $\eta = 2$, which crosses from
Brunel's excitation-dominated, synchronous-regular state into the inhibition-dominated asynchronous-irregular one, and at
Brunel's two synchronous-irregular examples, $(g, \eta) = (6, 4)$ and $(4.5, 0.9)$. Each is trained on a shorter stretch of
data than the reservoir above and measured on fewer closed-loop starts, so that the nine reservoirs fit in the time of one.

The mean-field theory marks two boundaries on the $g$ axis (at $\eta = 2$): at $g\gamma = 1$ ($g = 4$) the mean recurrent input
changes sign, and at $g^*$ the self-consistent mean input $\mu$ falls below threshold, so that beyond it neurons fire only
when their input fluctuates upwards (fluctuation-driven, irregular) while below it they fire like clocks (mean-driven).
The synchronous-irregular states are oscillatory instabilities of the asynchronous state that the stationary theory does not
see (Brunel 2000 finds them by linear stability analysis); there the measured rate need not follow it.
*)
let sweepTrain, sweepValidation, sweepStarts, sweepHorizon =
    if quick then 600, 300, 20, 100 elif full then 6000, 2000, 50, 400 else 1500, 500, 20, 250
let sweepSeed = int64 seed + 3L
/// The sweep's points: name, g, η, and whether the point is one of Brunel's synchronous-irregular examples.
let sweepPoints =
    [ for g in [ 3.0; 4.0; 5.0; 6.0; 7.0; 8.0 ] -> $"g = {g}", g, 2.0, false ] @ [ "SI fast", 6.0, 4.0, true; "SI slow", 4.5, 0.9, true ]
/// The mean-field boundary g* between mean-driven and fluctuation-driven states of the sweep's network at η = 2.
let fluctuationBoundary = BrunelMeanField.FluctuationDrivenBoundary(balancedNetwork sweepNeurons 5.0 2.0, 3.0, 8.0)
let sweepStartIndices = Evaluate.ForecastStarts(Array2D.length1 data.Test, protocol.WarmUp, sweepHorizon, sweepStarts, protocol.StartSeed)
/// What the sweep measures at one point (field names as in the JSON).
type SweepPoint =
    { name: string; g: float; eta: float; regime: string; asynchronous_irregular: bool
      rate_hz: float; mean_field_rate_hz: float; rate_ratio: float; mean_input_mv: float; cv_isi: float; synchrony: float
      mse: float; persistence_mse: float; vpt_median: float; vpt_p10: float; vpt_p90: float; vpt_per_start: float[]
      trace_difference: float; ridge: float }
/// One point of the sweep: its background state, a readout trained as above, its one-step MSE, VPT and echo-state check.
let measurePoint (name: string, g: float, eta: float, synchronousIrregular: bool) =
    let options = reservoirAt sweepNeurons g eta
    let state = ReservoirBackgroundState.Measure(options, sweepSeed, 200.0, (if quick then 500.0 else 1000.0))
    let forecaster =
        ReservoirForecaster.Train(options, sweepSeed, Series.Rows(data.Train, 0, sweepTrain), Series.Rows(data.Val, 0, sweepValidation),
            ReservoirTrainingOptions(Washout = washout, Lambdas = RidgeRegression.LogGrid(1e-8, 1e4, 25), Features = features, Standardize = true)).Forecaster
    let oneStep = forecaster.PredictOneStep(Series.Rows(data.Test, 0, min (Array2D.length1 data.Test) (protocol.WarmUp + sweepValidation)), protocol.WarmUp)
    let forecasts = forecaster.Forecasts(data.Test, sweepStartIndices, protocol.WarmUp, sweepHorizon, 1)
    let vpt = Evaluate.ValidPredictionTime(data.Test, protocol.WarmUp, sweepStartIndices, forecasts, data.Dt, protocol.LyapunovExponent, protocol.Threshold)
    let difference = ReservoirConsistency.TraceDifference(options, sweepSeed, consistencyInput, washout)
    let regime =
        if synchronousIrregular then "synchronous irregular (Brunel)"
        elif state.FluctuationDriven then "asynchronous irregular (fluctuation-driven)"
        else "mean-driven (regular)"
    printfn "sweep %s (g %.1f, η %.1f): %.1f Hz (mean field %.1f), CV %.2f, χ %.2f, MSE %.3g, VPT %.2f, trace difference %.3f"
        name g eta state.RateHz state.MeanFieldRateHz state.IsiCv state.Synchrony oneStep.Mse vpt.Median difference
    { name = name; g = g; eta = eta; regime = regime; asynchronous_irregular = state.FluctuationDriven && not synchronousIrregular
      rate_hz = state.RateHz; mean_field_rate_hz = state.MeanFieldRateHz; rate_ratio = state.RateHz / state.MeanFieldRateHz
      mean_input_mv = state.MeanInput; cv_isi = state.IsiCv; synchrony = state.Synchrony
      mse = oneStep.Mse; persistence_mse = oneStep.PersistenceMse; vpt_median = vpt.Median; vpt_p10 = vpt.P10; vpt_p90 = vpt.P90
      vpt_per_start = vpt.PerStart; trace_difference = difference; ridge = forecaster.Readout.Lambda }
/// The points run side by side, one reservoir per core (each reservoir on one thread; results do not depend on the order).
let sweep =
    timed "regime_sweep" (fun () ->
        sweepPoints |> List.toArray |> Array.Parallel.map measurePoint)

let etaTwo = sweep |> Array.filter (fun s -> s.eta = 2.0)
let synchronousIrregular = sweep |> Array.filter (fun s -> s.eta <> 2.0)
let vptTop = sweep |> Array.map (fun s -> s.vpt_p90) |> Array.fold max 0.5
let boundary name (x: float) top = Chart.Line(x = [ x; x ], y = [ 0.0; top ], Name = name, LineDash = StyleParam.DrawingStyle.Dash)
page.Chart(
    [ yield Chart.Line(x = (etaTwo |> Array.map (fun s -> s.g)), y = (etaTwo |> Array.map (fun s -> s.vpt_median)), Name = "η = 2: median VPT", ShowMarkers = true)
      yield Chart.Point(x = (etaTwo |> Array.map (fun s -> s.g)), y = (etaTwo |> Array.map (fun s -> s.vpt_p90)), Name = "η = 2: 90th percentile")
      for s in synchronousIrregular do yield Chart.Point(x = [ s.g ], y = [ s.vpt_median ], Name = $"{s.name} (η = {s.eta}): median VPT")
      yield boundary "mean field: gγ = 1" 4.0 vptTop
      yield boundary $"mean field: fluctuation-driven beyond g* = {fluctuationBoundary:F2}" fluctuationBoundary vptTop ]
    |> Chart.combine |> Chart.withXAxisStyle "relative inhibition g" |> Chart.withYAxisStyle "VPT (Lyapunov times)"
    |> Chart.withTitle $"Closed-loop VPT of the reservoir across Brunel's regimes ({sweepNeurons} neurons, seed {sweepSeed})")
page.Chart(
    Plots.lines "Firing of the sweep's reservoirs with zero input (η = 2): measured against mean-field rate, and CV of the ISIs" "relative inhibition g" "rate (Hz) / CV × 100"
        [ "measured rate (Hz)", etaTwo |> Array.map (fun s -> s.g), etaTwo |> Array.map (fun s -> s.rate_hz)
          "mean-field rate (Hz)", etaTwo |> Array.map (fun s -> s.g), etaTwo |> Array.map (fun s -> s.mean_field_rate_hz)
          "CV of the ISIs × 100", etaTwo |> Array.map (fun s -> s.g), etaTwo |> Array.map (fun s -> 100.0 * s.cv_isi) ])
page.Table(
    [ "point"; "g"; "η"; "regime"; "rate (Hz)"; "mean field (Hz)"; "CV ISI"; "χ"; "one-step MSE"; "VPT median (p10–p90)"; "trace difference" ]
    :: [ for s in sweep ->
           [ s.name; $"{s.g}"; $"{s.eta}"; s.regime; $"{s.rate_hz:F1}"; $"{s.mean_field_rate_hz:F1}"; $"{s.cv_isi:F2}"; $"{s.synchrony:F2}"
             $"{s.mse:G3}"; $"{s.vpt_median:F2} ({s.vpt_p10:F2}–{s.vpt_p90:F2})"; $"{s.trace_difference:F3}" ] ])

/// The largest relative departure of the measured rates from the mean-field rates in the asynchronous-irregular states.
let asynchronous = sweep |> Array.filter (fun s -> s.asynchronous_irregular)
let worstRateError = asynchronous |> Array.map (fun s -> abs (s.rate_ratio - 1.0)) |> Array.fold max 0.0
/// Mean of some values (NaN for none).
let meanOf (values: float[]) = if Array.isEmpty values then nan else Array.average values
/// Sample standard deviation.
let standardDeviation (values: float[]) =
    let mean = Array.average values
    sqrt (Array.sumBy (fun v -> (v - mean) * (v - mean)) values / float (values.Length - 1))
/// Median VPT of a group of points, and its uncertainty: the standard error of a median over the starts, 1.25 σ/√n, of each point.
let groupVpt (points: SweepPoint[]) =
    let medians = points |> Array.map (fun s -> s.vpt_median)
    let errors = points |> Array.map (fun s -> 1.25 * standardDeviation s.vpt_per_start / sqrt (float s.vpt_per_start.Length))
    meanOf medians, sqrt (Array.sumBy (fun e -> e * e) errors) / float errors.Length
let balanced = etaTwo |> Array.filter (fun s -> s.asynchronous_irregular)
let meanDriven = etaTwo |> Array.filter (fun s -> not s.asynchronous_irregular)
let balancedVpt, balancedError = groupVpt balanced
let meanDrivenVpt, meanDrivenError = groupVpt meanDriven
let vptDifference = balancedVpt - meanDrivenVpt
let vptUncertainty = 2.0 * sqrt (balancedError * balancedError + meanDrivenError * meanDrivenError)
let balancedMse = balanced |> Array.map (fun s -> s.mse) |> meanOf
let meanDrivenMse = meanDriven |> Array.map (fun s -> s.mse) |> meanOf
let balanceAnswer =
    let verdict =
        if Array.isEmpty balanced || Array.isEmpty meanDriven then "cannot be answered by this sweep (one of the two groups is empty)"
        elif vptDifference > vptUncertainty then "helps"
        elif vptDifference < -vptUncertainty then "hurts"
        else "makes no difference beyond the uncertainty"
    let values (points: SweepPoint[]) = String.Join(", ", points |> Array.map (fun s -> s.g))
    $"Does balance help computation? In this sweep it {verdict}: the fluctuation-driven (balanced) reservoirs at η = 2 "
    + $"(g = {values balanced}) reach a mean median VPT of {balancedVpt:F2} and a mean one-step MSE of {balancedMse:G3}, "
    + $"the mean-driven ones (g = {values meanDriven}) {meanDrivenVpt:F2} and {meanDrivenMse:G3}; "
    + $"the difference in VPT, {vptDifference:F2} Lyapunov times, is to be compared with twice its standard error, {vptUncertainty:F2}."
printfn "%s" balanceAnswer
page.Text(
    $"In the {asynchronous.Length} asynchronous-irregular states the measured rates are within {100.0 * worstRateError:F0} %% of the mean-field rates "
    + $"(the theory ignores the finite jumps J and the delay; within 25 %% is the agreement we require). **{balanceAnswer}** "
    + $"The echo-state check goes with the regime: the trace difference is {meanOf (balanced |> Array.map (fun s -> s.trace_difference)):F3} on average in the balanced states "
    + $"against {meanOf (meanDriven |> Array.map (fun s -> s.trace_difference)):F3} in the mean-driven ones.")

(**
## A spiking network trained with surrogate gradients

Instead of fixing the network and fitting only a readout, we can train everything, if we can differentiate through spikes.
The spike is a step function, $s = H(v - \theta)$, whose derivative is zero almost everywhere. SuperSpike (Zenke & Ganguli 2018)
keeps the step in the forward pass and replaces its derivative in the backward pass by that of a fast sigmoid,

$$
\frac{\partial s}{\partial v} \approx \frac{1}{(\alpha |v - \theta| + 1)^2},
$$

a custom autograd function. The network is a discrete-time recurrent LIF network (1 ms steps, $\tau_m = 20$ ms, threshold 1,
reset by the detached spike), read out from 10 ms spike traces like the reservoir, and trained by the shared trainer on
windows of 50 samples (Adam, one-step MSE); every seed was trained so with the reservoir's seeds above.
*)
/// The main seed's surrogate network (trained with the reservoir above), loaded from its model file, and its report; its run's one phase.
let surrogateReport, surrogate =
    let saved, model = Experiments.load common Experiments.surrogate
    saved, model :?> SurrogateLifNetwork
let surrogateMse, surrogateVpt = surrogateReport.OneStepMse, surrogateReport.Vpt
let surrogatePhase = surrogateRuns.MainRun.Phases |> Seq.exactlyOne
page.Text($"Each seed trained for at most {surrogateTraining.Epochs} epochs of {surrogateTraining.MaxBatchesPerEpoch.Value} batches of 64 windows "
          + $"({surrogateOptions.Hidden} neurons, learning rate {surrogateTraining.LearningRate:G2}). The main seed, {seed}, trained for "
          + $"{surrogatePhase.Epochs.Count} epochs in **{surrogatePhase.Seconds:F0} s** (best validation MSE {surrogatePhase.BestValidationLoss:G3}, epoch {surrogatePhase.BestEpoch}).")

let epochs = surrogatePhase.Epochs |> Seq.map (fun e -> float e.Epoch) |> Seq.toArray
page.Chart(
    Plots.logY $"Surrogate-gradient training of seed {seed}: loss per epoch" "epoch" "MSE"
        [ "train", epochs, surrogatePhase.Epochs |> Seq.map (fun e -> e.TrainLoss) |> Seq.toArray
          "validation", epochs, surrogatePhase.Epochs |> Seq.map (fun e -> e.ValidationLoss) |> Seq.toArray ])
/// Spikes of the trained network while it reads one warm-up window: [steps, neurons] as 0/1.
let surrogateSpikes =
    let window = TorchSharp.torch.tensor(Series.Rows(data.Test, vpt.Starts.[best], protocol.WarmUp), dtype = TorchSharp.torch.ScalarType.Float64).unsqueeze(0L)
    surrogate.Spikes(window).squeeze(0L).data<float>().ToArray()
let stepMs = surrogateOptions.SampleDuration / float surrogateOptions.StepsPerSample
let spikePoints =
    [| for k in 0 .. surrogateSpikes.Length - 1 do
         if surrogateSpikes.[k] > 0.5 then yield float (k / surrogateOptions.Hidden) * stepMs, k % surrogateOptions.Hidden |]
let spikeCounts = Array.init (surrogateSpikes.Length / surrogateOptions.Hidden) (fun t -> Array.sum surrogateSpikes.[t * surrogateOptions.Hidden .. (t + 1) * surrogateOptions.Hidden - 1])
page.Chart(
    Plots.raster "The trained network's spikes while it reads a warm-up window" (Array.map fst spikePoints) (Array.map snd spikePoints)
        (Array.init spikeCounts.Length (fun t -> float t * stepMs)) (spikeCounts |> Array.map (fun c -> c / float surrogateOptions.Hidden / stepMs * 1000.0)))
let surrogateFree = Evaluate.FreeRun(surrogate, Series.Rows(data.Test, vpt.Starts.[best], protocol.WarmUp), protocol.Horizon)
page.Chart(
    Plots.timeSeries "Surrogate network in closed loop from the same start" forecastTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(data.Test, vpt.Starts.[best] + protocol.WarmUp, protocol.Horizon); "surrogate network", surrogateFree; "reservoir", bestForecast ])

page.Table(SeedTable.ofReports "surrogate-gradient LIF network" seed [] surrogateRuns.Reports)
page.Text(spreadText "surrogate network" surrogateRuns)

/// How the reservoir's measure compares with the surrogate network's over their seeds, in words: "better" only where every seed of one
/// beats every seed of the other.
let overSeeds (measure: ForecastReport -> float) (higherIsBetter: bool) (what: string) =
    match SeedSpread.Compare(reservoirRuns.Spread measure, surrogateRuns.Spread measure, higherIsBetter) with
    | SpreadComparison.Better -> $"every seed of the reservoir has a better {what} than every seed of the surrogate network"
    | SpreadComparison.Worse -> $"every seed of the surrogate network has a better {what} than every seed of the reservoir"
    | SpreadComparison.WithinSpread -> $"the two networks' {what} overlap over the seeds, so neither is better"
    | _ -> $"the {what} cannot be compared (a measure missing)"
let vptOverSeeds (runs: Experiments.SeedRuns) = SeedTable.spreadText "F2" (runs.Spread(fun r -> r.Vpt.Median))
page.Table(
    [ "model"; "neurons"; "trained parameters"; $"one-step test MSE (seed {seed})"; $"VPT median (Λ, seed {seed})"; "VPT p10–p90"; $"VPT median over {seeds.Length} seeds (range)" ]
    :: [ [ "spiking reservoir + ridge readout"; $"{forecaster.Options.NeuronCount}"; $"{report.ParameterCount}"
           $"{report.OneStepMse:G3}"; $"{vpt.Median:F2}"; $"{vpt.P10:F2}–{vpt.P90:F2}"; vptOverSeeds reservoirRuns ]
         [ "surrogate-gradient LIF network"; $"{surrogateOptions.Hidden}"; $"{surrogate.ParameterCount}"
           $"{surrogateMse:G3}"; $"{surrogateVpt.Median:F2}"; $"{surrogateVpt.P10:F2}–{surrogateVpt.P90:F2}"; vptOverSeeds surrogateRuns ]
         [ "persistence"; "–"; "0"; $"{oneStep.PersistenceMse:G3}"; "–"; "–"; "–" ] ])
let comparison =
    "Over the seeds, " + overSeeds (fun r -> r.Vpt.Median) true "median VPT" + "; " + overSeeds (fun r -> r.OneStepMse) false "one-step MSE" + "."
page.Text(comparison)

(**
The reservoir needs no gradient and trains in one linear solve, but only its readout adapts; the trained network shapes its
own recurrent dynamics with far fewer neurons. Every seed of both keeps its model file (the reservoir with its connectivity, input
weights and readout) and report in its run's folder under `sweeps/`; the main seed's are copied to `models/` and `reports/`, which
chapter 04 analyses, and chapter 05 compares the networks over all their seeds.
*)

/// A network's seeds for the JSON: every seed's measures, and their median and range over the seeds.
let seedsJson (runs: Experiments.SeedRuns) =
    let spread measure = let s = runs.Spread measure in {| median = s.Median; min = s.Min; max = s.Max; count = s.Count |}
    {| main_seed = seed
       sweep_folder = Experiments.sweepPath common runs.Entry
       sweep_seconds = runs.Seconds
       seeds = [ for r in runs.Reports -> {| seed = r.Seed; vpt_median = r.Vpt.Median; one_step_mse = r.OneStepMse; d_stsp = r.DStsp; d_h = r.DH; training_seconds = r.TrainingSeconds |} ]
       vpt_median = spread (fun r -> r.Vpt.Median)
       one_step_mse = spread (fun r -> r.OneStepMse)
       d_stsp = spread (fun r -> r.DStsp)
       d_h = spread (fun r -> r.DH) |}

page.Save(IO.Path.Combine(outDir, "03_spiking.html"))
Output.writeJson (IO.Path.Combine(outDir, "03_spiking.json"))
    {| mode = common.Mode
       n_neurons = forecaster.Options.NeuronCount
       regimes = [ for _, _, _, s in regimeRuns -> s ]
       reservoir =
        {| train_seconds = report.TrainingSeconds
           persistence_mse = oneStep.PersistenceMse
           ridge = forecaster.Readout.Lambda
           lambda_max_data = lambdaTrue
           washout = washout
           seed = reservoirSeed
           trace_time_constant_ms = reservoirOptions.TraceTimeConstant
           sample_ms = reservoirOptions.SampleDuration
           readout_features = string forecaster.Features
           input_noise = inputNoise
           mean_rate_hz = reservoirRate
           silent_fraction = silentFraction
           trace_difference = consistency
           g = reservoirOptions.Network.G
           eta = reservoirOptions.Network.Eta
           excitatory_in_degree = reservoirOptions.Network.ExcitatoryInDegree
           j_mv = reservoirOptions.Network.J
           input_scale_mv = reservoirOptions.InputScale
           background_rate_hz = background.RateHz
           background_mean_field_rate_hz = background.MeanFieldRateHz
           background_cv_isi = background.IsiCv
           background_synchrony = background.Synchrony
           fluctuation_driven = background.FluctuationDriven
           model_file = Experiments.modelPath common Experiments.reservoir
           report_file = Experiments.reportPath common Experiments.reservoir
           over_seeds = seedsJson reservoirRuns |}
       regime_sweep =
        {| n_neurons = sweepNeurons
           seed = sweepSeed
           train_samples = sweepTrain
           validation_samples = sweepValidation
           starts = sweepStarts
           horizon = sweepHorizon
           fluctuation_boundary_g = fluctuationBoundary
           max_rate_error_asynchronous = worstRateError
           balanced_vpt = balancedVpt
           mean_driven_vpt = meanDrivenVpt
           vpt_difference = vptDifference
           vpt_uncertainty = vptUncertainty
           answer = balanceAnswer
           points = sweep |}
       default_regime =
        {| g = reservoirOptions.Network.G; eta = reservoirOptions.Network.Eta; rate_hz = background.RateHz
           mean_field_rate_hz = background.MeanFieldRateHz; cv_isi = background.IsiCv; fluctuation_driven = background.FluctuationDriven
           vpt_median = vpt.Median; one_step_mse = report.OneStepMse |}
       surrogate =
        {| hidden = surrogateOptions.Hidden
           train_seconds = surrogateReport.TrainingSeconds
           epochs = surrogatePhase.Epochs.Count
           model_file = Experiments.modelPath common Experiments.surrogate
           report_file = Experiments.reportPath common Experiments.surrogate
           over_seeds = seedsJson surrogateRuns |}
       comparison_over_seeds = comparison
       timings_s = timings |}
