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
`--neurons N` for the reservoir's size, `--sample-ms T` for the biological duration of one sample, `--seed S`.
*)
#load "prelude.fsx"
open System
open System.Diagnostics
open System.Text.Json
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
let quick = args.Flag "quick"
let full = args.Flag "full"
let outDir = Output.fromRoot (args.Text("out", "out"))
let dataPath = Output.fromRoot (args.Text("data", "data/processed/lorenz_data.npz"))
let neurons = args.Int("neurons", (if quick then 250 elif full then 2000 else 1000))
let seed = args.Int("seed", 0)
let sampleMs = args.Float("sample-ms", 1.0)
args.Check()
if quick && full then failwith "--quick and --full exclude each other; give one of them"
if neurons < 10 || neurons % 5 <> 0 then failwithf "--neurons %d: give a multiple of 5, at least 10 (4/5 of them excitatory)" neurons
let page = Page.Page("Chapter 03 — Spiking networks", __SOURCE_DIRECTORY__ + "/03_spiking.fsx")
let timings = Collections.Generic.Dictionary<string, float>()
let timed name f =
    let clock = Stopwatch.StartNew()
    let result = f ()
    timings.[name] <- clock.Elapsed.TotalSeconds
    printfn "%s: %.1f s" name clock.Elapsed.TotalSeconds
    result

let data =
    if IO.File.Exists dataPath then LorenzData.Load dataPath
    else
        let generated = (LorenzDataset.Generate(LorenzDataOptions(Duration = (if quick then 20.0 else 200.0)))).Data
        generated.Save dataPath
        generated

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

**Time scale.** The network lives in milliseconds, the Lorenz system in its own time units. We let one Lorenz time unit
be 100 ms, so one sample (dt = 0.01) lasts 1 ms, ten simulator steps of 0.1 ms. The Lorenz trajectory circles a wing in
about 0.7 time units, here 70 ms: a few membrane time constants (20 ms), slow enough for membranes and spike traces to follow,
fast enough that a few seconds of biological time hold hundreds of oscillations. (At 1 unit = 10 ms the neurons would have to
track a 7 ms period, well below $\tau_m$.)

**Input.** Neuron $i$ receives $R I_i(t) = \mu_i + \sum_d W^{\mathrm{in}}_{id} u_d(t)$, with $u(t)$ the z-scored Lorenz state
held over its millisecond, random Gaussian input weights $W^{\mathrm{in}}$ and constant drives $\mu_i$ spread around
threshold (24–36 mV, so that neurons fire at about 60 Hz); no Poisson background, so the only variability is the network's
own. The reservoir is an inhibition-dominated network ($g = 5$) of a thousand neurons by default, with weak synapses
(J = 0.1 mV). Stronger coupling makes the network's own irregular activity swamp the input's signature: while choosing these
values on 6000 training samples, J = 0.5 mV doubled the one-step error (1.1e-3 against 4e-4 at J = 0.1 mV) and halved the
valid prediction time.

**Readout.** The state we read is the filtered spike train of every neuron, $r_i(t) = \sum_{\mathrm{spikes}} e^{-(t - t_i)/\tau_f}$
with $\tau_f = 10$ ms. After a washout of 200 samples the readout learns the increment of the state,

$$
\hat x_{t+1} = u_t + W^\top [u_t; r(t)] + b,
$$

by ridge regression, $(X^\top X + \lambda I) W = X^\top Y$ on centred data, with $\lambda$ chosen on the validation split from a
log grid. Including $u_t$ is standard (Jaeger's readout sees the input); everything nonlinear must come from the spikes.
*)
let reservoirOptions =
    SpikingReservoirOptions(
        Network = BrunelParameters(ExcitatoryCount = neurons * 4 / 5, InhibitoryCount = neurons / 5, Epsilon = 0.1, J = 0.1, G = 5.0, Eta = 0.0),
        InputScale = 12.0, BiasMean = 30.0, BiasSpread = 6.0, TraceTimeConstant = 10.0, SampleDuration = sampleMs, Threads = 1)
let washout = if quick then 100 else 200
let trainSeries = data.Train
let reservoirSeed = int64 seed + 1L
let training =
    timed "reservoir_train" (fun () ->
        ReservoirForecaster.Train(reservoirOptions, reservoirSeed, trainSeries, data.Val, ReservoirTrainingOptions(Washout = washout, Lambdas = RidgeRegression.LogGrid(1e-8, 1e4, 25))))
let forecaster = training.Forecaster
let oneStep = timed "reservoir_one_step" (fun () -> forecaster.PredictOneStep(data.Test, washout))
printfn "reservoir: λ = %g, one-step test MSE %.3g (persistence %.3g)" forecaster.Readout.Lambda oneStep.Mse oneStep.PersistenceMse

page.Chart(
    Plots.logLog "Choosing the ridge strength on the validation split" "λ" "validation MSE"
        [ ("validation MSE", training.Selection.Lambdas, training.Selection.ValidationMse, true) ])
page.Text($"The readout of {forecaster.Options.NeuronCount} neurons uses λ = {forecaster.Readout.Lambda:G3}. "
          + $"One-step test MSE: **{oneStep.Mse:G3}**, against {oneStep.PersistenceMse:G3} for persistence ($\\hat x_{{t+1}} = x_t$).")

let shownSamples = min 400 (Array2D.length1 oneStep.Predictions)
let sampleTimes = Array.init shownSamples (fun k -> float k * data.Dt)
page.Chart(
    Plots.timeSeries "Reservoir: one-step predictions on the test split" sampleTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(oneStep.Targets, 0, shownSamples); "one-step", Series.Rows(oneStep.Predictions, 0, shownSamples) ])

(**
What the readout reads: the traces of a few neurons as the Lorenz state sweeps by (time in ms now, 1 ms per sample),
and the readout weights of every neuron for the three components of the increment.
*)
page.Chart(
    Plots.lines "Filtered spike trains r_i(t) of five reservoir neurons" "time (ms)" "r_i"
        [ for i in [ 0; 1; 2; 3; 4 ] -> $"neuron {i}", sampleTimes |> Array.map (fun t -> t * 100.0), Array.init shownSamples (fun k -> oneStep.Traces.[k, i]) ])
let d = forecaster.Options.InputSize
page.Chart(
    Plots.lines "Readout weights of the neurons (increment of x, y, z)" "neuron" "weight"
        [ for j, axis in List.indexed [ "x"; "y"; "z" ] ->
            $"Δ{axis}", Array.init forecaster.Options.NeuronCount float, Array.init forecaster.Options.NeuronCount (fun i -> forecaster.Readout.Weights.[d + i, j]) ])

(**
## The spiking network as a generator

In closed loop the readout's prediction becomes the next input: the spiking network now generates the trajectory itself.
Each forecast starts a fresh reservoir (same seed), warms it up on true states for the washout, then runs on its own output.
The valid prediction time (VPT) is the time, in Lyapunov times $1/\lambda_1$ with $\lambda_1 = 0.906$, until the normalised
error first exceeds 0.4. For the long-term behaviour we let it run freely and compare its attractor with the data: the
state-space divergence $D_{\mathrm{stsp}}$ (KL divergence of occupation histograms) and the power-spectrum distance $D_H$
(Hess et al. 2023). Its largest Lyapunov exponent is estimated from the generated series by Rosenstein's method: the spiking
system's flow is not smooth, so there is no Jacobian to follow.
*)
let testRows = Array2D.length1 data.Test
let horizon = if quick then min 150 (testRows - washout - 30) elif full then 1000 else 500
let startCount = if quick then 20 elif full then 50 else 30
let starts = Evaluate.ForecastStarts(testRows, washout, horizon, startCount, seed)
let forecasts = timed "reservoir_closed_loop" (fun () -> forecaster.Forecasts(data.Test, starts, washout, horizon, parallelism = 2))
let vpt = Evaluate.ValidPredictionTime(data.Test, washout, starts, forecasts, data.Dt)
printfn "reservoir VPT: median %.2f, p10 %.2f, p90 %.2f Lyapunov times (n = %d)" vpt.Median vpt.P10 vpt.P90 vpt.N

/// The start whose VPT is closest to the median, for the example plots.
let best = vpt.PerStart |> Array.mapi (fun n v -> n, abs (v - vpt.Median)) |> Array.minBy snd |> fst
let forecastTimes = vpt.Times
page.Chart(
    Plots.timeSeries "Reservoir in closed loop: a forecast with the median VPT (time in Lyapunov times)" forecastTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(data.Test, starts.[best] + washout, horizon); "closed loop", forecasts.[best] ])
page.Chart(
    Plots.lines "Normalised forecast error of every start" "Lyapunov times" "error"
        [ for n in 0 .. vpt.N - 1 -> $"start {starts.[n]}", forecastTimes, vpt.ErrorCurves.[n] ])

let freeRunLength = if testRows - washout >= 1000 then testRows - washout else 1000
let reference = if testRows - washout >= freeRunLength then Series.Rows(data.Test, washout, freeRunLength) else Series.Rows(data.Train, 0, freeRunLength)
let freeRun = timed "reservoir_free_run" (fun () -> forecaster.Forecast(Series.Rows(data.Test, 0, washout), freeRunLength))
let attempt f = try f () with e -> printfn "not computed: %s" e.Message; nan
let dStsp = attempt (fun () -> AttractorAgreement.StateSpaceDivergence(reference, freeRun))
let dH = attempt (fun () -> AttractorAgreement.PowerSpectrumDistance(reference, freeRun))
let rosenstein = try Some(LargestLyapunov.Rosenstein(freeRun, RosensteinOptions(Dt = data.Dt))) with e -> printfn "Rosenstein: %s" e.Message; None
let lambdaMax = rosenstein |> Option.map (fun r -> r.Exponent) |> Option.defaultValue nan
let lambdaTrue = attempt (fun () -> LargestLyapunov.Rosenstein(reference, RosensteinOptions(Dt = data.Dt)).Exponent)
printfn "reservoir free run: D_stsp %.3f, D_H %.3f, lambda_max %.3f (same estimator on the data: %.3f)" dStsp dH lambdaMax lambdaTrue

page.Chart(Plots.attractor3d "Free run of the spiking reservoir against the Lorenz attractor" [ "data", reference; "spiking reservoir", freeRun ])
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
Why so short? The readout must learn the increment $x_{t+1} - x_t = \int F\,dt$, a smooth nonlinear function of the *current*
state, from traces that reflect the input of the last 10–20 ms through membranes and spikes: lagged, and quantised into spikes.
Its residual error is a sizeable fraction of each step's increment, and in closed loop it is fed back every millisecond.
A bigger network hardly helps: on 6000 training samples, quadrupling it from 1000 to 4000 neurons lowered the one-step error
only from 4.2e-4 to 3.5e-4. The limit is the lag and the spike quantisation of a single trace time scale more than the number
of neurons. Slowing the mapping helps more: at 5 ms per sample (`--sample-ms 5`, one Lorenz time unit = 500 ms, five times the
simulation cost) the same 1000 neurons on 6000 training samples halved the one-step error (1.7e-4) and reached a median VPT of
about 0.8 Lyapunov times.
*)
let incrementRms = sqrt oneStep.PersistenceMse
page.Text($"Here the one-step error is {sqrt oneStep.Mse:G2} (root mean square per component) against increments of {incrementRms:G2}, "
          + $"{100.0 * sqrt (oneStep.Mse / oneStep.PersistenceMse):F0} %% of them. "
          + (if dStsp > 1.0 || Double.IsNaN dStsp then
                 $"The free run does not reproduce the attractor's geometry (D_stsp = {dStsp:F2}; a faithful model stays well below 1)"
             else $"The free run stays close to the attractor's geometry (D_stsp = {dStsp:F2})")
          + (if lambdaMax < 0.3 * lambdaTrue then $", and with an exponent of {lambdaMax:F3} per time unit it is far less chaotic than the data." else "."))

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
windows of 50 samples (Adam, one-step MSE).
*)
let surrogateOptions = SurrogateLifOptions(Hidden = (if quick then 32 elif full then 200 else 128))
let surrogate = new SurrogateLifNetwork(surrogateOptions, int64 seed + 2L)
let trainingOptions =
    TrainingOptions(
        Epochs = (if quick then 2 elif full then 25 else 8), BatchSize = 64, SeqLength = data.SeqLength, LearningRate = 2e-3,
        MaxBatchesPerEpoch = Nullable(if quick then 4 elif full then 60 else 30), Seed = seed, EarlyStoppingPatience = Nullable 8, Threads = Nullable 1)
let fitResult = timed "surrogate_train" (fun () -> Trainer.Fit(surrogate, data.Train, data.Val, trainingOptions, ConsoleProgress()))
let surrogateMse = Evaluate.OneStepMse(surrogate, data.Test, data.SeqLength)
let surrogateVpt = timed "surrogate_closed_loop" (fun () -> Evaluate.ValidPredictionTime(surrogate, data.Test, washout, startCount, horizon, data.Dt, seed = seed))
printfn "surrogate network: one-step test MSE %.3g, VPT median %.2f" surrogateMse surrogateVpt.Median

let epochs = fitResult.History |> Seq.map (fun e -> float e.Epoch) |> Seq.toArray
page.Chart(
    Plots.logY "Surrogate-gradient training: loss per epoch" "epoch" "MSE"
        [ "train", epochs, fitResult.History |> Seq.map (fun e -> e.TrainLoss) |> Seq.toArray
          "validation", epochs, fitResult.History |> Seq.map (fun e -> e.ValidationLoss) |> Seq.toArray ])
/// Spikes of the trained network while it reads one warm-up window: [steps, neurons] as 0/1.
let surrogateSpikes =
    let window = TorchSharp.torch.tensor(Series.Rows(data.Test, starts.[best], washout), dtype = TorchSharp.torch.ScalarType.Float64).unsqueeze(0L)
    surrogate.Spikes(window).squeeze(0L).data<float>().ToArray()
let stepMs = surrogateOptions.SampleDuration / float surrogateOptions.StepsPerSample
let spikePoints =
    [| for k in 0 .. surrogateSpikes.Length - 1 do
         if surrogateSpikes.[k] > 0.5 then yield float (k / surrogateOptions.Hidden) * stepMs, k % surrogateOptions.Hidden |]
let spikeCounts = Array.init (surrogateSpikes.Length / surrogateOptions.Hidden) (fun t -> Array.sum surrogateSpikes.[t * surrogateOptions.Hidden .. (t + 1) * surrogateOptions.Hidden - 1])
page.Chart(
    Plots.raster "The trained network's spikes while it reads a warm-up window" (Array.map fst spikePoints) (Array.map snd spikePoints)
        (Array.init spikeCounts.Length (fun t -> float t * stepMs)) (spikeCounts |> Array.map (fun c -> c / float surrogateOptions.Hidden / stepMs * 1000.0)))
let surrogateFree = Evaluate.FreeRun(surrogate, Series.Rows(data.Test, starts.[best], washout), horizon)
page.Chart(
    Plots.timeSeries "Surrogate network in closed loop from the same start" forecastTimes [ "x"; "y"; "z" ]
        [ "truth", Series.Rows(data.Test, starts.[best] + washout, horizon); "surrogate network", surrogateFree; "reservoir", forecasts.[best] ])

page.Table(
    [ "model"; "neurons"; "trained parameters"; "one-step test MSE"; "VPT median (Λ)"; "VPT p10–p90" ]
    :: [ [ "spiking reservoir + ridge readout"; $"{forecaster.Options.NeuronCount}"; $"{forecaster.Readout.Weights.Length + d}"
           $"{oneStep.Mse:G3}"; $"{vpt.Median:F2}"; $"{vpt.P10:F2}–{vpt.P90:F2}" ]
         [ "surrogate-gradient LIF network"; $"{surrogateOptions.Hidden}"; $"{surrogate.ParameterCount}"
           $"{surrogateMse:G3}"; $"{surrogateVpt.Median:F2}"; $"{surrogateVpt.P10:F2}–{surrogateVpt.P90:F2}" ]
         [ "persistence"; "–"; "0"; $"{oneStep.PersistenceMse:G3}"; "–"; "–" ] ])

(**
The reservoir needs no gradient and trains in one linear solve, but only its readout adapts; the trained network shapes its
own recurrent dynamics with far fewer neurons. Chapter 05 reloads both from `out/models/`.
*)
let modelDir = IO.Path.Combine(outDir, "models")
IO.Directory.CreateDirectory modelDir |> ignore
let reservoirFile = IO.Path.Combine(modelDir, "03_reservoir.json")
forecaster.Save reservoirFile
let surrogateFile = IO.Path.Combine(modelDir, "03_surrogate.safetensors")
ModelFiles.SaveSafeTensors(surrogate, surrogateFile, readOnlyDict [ "options", JsonSerializer.Serialize surrogateOptions; "seed", string (int64 seed + 2L) ])
printfn "saved %s and %s" reservoirFile surrogateFile

page.Save(IO.Path.Combine(outDir, "03_spiking.html"))
Output.writeJson (IO.Path.Combine(outDir, "03_spiking.json"))
    {| n_neurons = forecaster.Options.NeuronCount
       regimes = [ for _, _, _, s in regimeRuns -> s ]
       reservoir =
        {| test_mse_one_step = oneStep.Mse
           persistence_mse = oneStep.PersistenceMse
           vpt_lyapunov_times = {| median = vpt.Median; p10 = vpt.P10; p90 = vpt.P90; n = vpt.N |}
           ridge = forecaster.Readout.Lambda
           d_stsp = dStsp
           d_h = dH
           lambda_max = lambdaMax
           lambda_max_data = lambdaTrue
           washout = washout
           seed = reservoirSeed
           trace_time_constant_ms = reservoirOptions.TraceTimeConstant
           model_file = reservoirFile |}
       surrogate =
        {| test_mse_one_step = surrogateMse
           vpt_lyapunov_times = {| median = surrogateVpt.Median; p10 = surrogateVpt.P10; p90 = surrogateVpt.P90; n = surrogateVpt.N |}
           hidden = surrogateOptions.Hidden
           parameters = surrogate.ParameterCount
           epochs = fitResult.EpochsRun
           model_file = surrogateFile |}
       timings_s = timings |}
