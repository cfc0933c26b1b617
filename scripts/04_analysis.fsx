(**
# Chapter 04 — What a network's dynamics tell: fixed points, Lyapunov exponents, dimensions

A trained recurrent network is a dynamical system, so we can ask it the questions dynamical-systems theory asks of
any vector field $\dot x = f(x)$:

* **Fixed points** $f(x^\star) = 0$ and their **stability**: the eigenvalues of the Jacobian $J = \partial f/\partial x$ at
  $x^\star$ say in how many directions nearby states are pushed away ($\mathrm{Re}\,\lambda > 0$) or drawn in, and whether they
  spiral (complex $\lambda$). The fixed points are the skeleton around which an attractor is organised.
* **Lyapunov exponents** $\lambda_1 \ge \lambda_2 \ge \dots$: the average exponential rates at which infinitesimal
  perturbations grow or shrink along a typical orbit. One positive exponent means chaos; their sum is the average rate at
  which volumes contract.
* **Dimensions** of the attractor: the Kaplan–Yorke dimension from the exponents, and the correlation dimension from the
  geometry of the orbit alone.

We apply them first to Lorenz-63, where the answers are known, and then to the CT-RNN of chapter 01. If the network has
learned the *dynamics* and not only the next step, its numbers should match Lorenz's.

Run it with `dotnet fsi scripts/04_analysis.fsx`; `--quick` for a tiny run, `--full` for long averages, `-- --help` for the options.
*)
#load "prelude.fsx"
open System
open System.IO
open System.Numerics
open Prelude
open NeuroDyn.Systems
open NeuroDyn.Analysis
open NeuroDyn.Evaluation
open NeuroDyn.Data
open Plotly.NET

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
args.Check()

/// Length of the Lyapunov averages in data time units (Lorenz, CT-RNN), of the sampled orbits in samples, and the number of fixed-point starts.
let lyapunovTime = if quick then 100.0 elif full then 10_000.0 else 1000.0
let ctRnnLyapunovTime = if quick then 50.0 elif full then 2000.0 else 200.0
let orbitSamples = if quick then 3000 elif full then 30_000 else 10_000
let fixedPointStarts = if quick then 32 else 256
let page = Page.Page("Chapter 04 — Fixed points, Lyapunov exponents, dimensions", __SOURCE_DIRECTORY__ + "/04_analysis.fsx")
let data = Models.lorenzData dataPath (if quick then 20.0 else 200.0)
/// Chapter 01's network and its report, from `models/ctrnn.safetensors` and `reports/ctrnn.json` (run chapter 01 first).
let report, loaded = Experiments.load common Experiments.ctRnn
let model = loaded :?> NeuroDyn.Models.CtRnn
let clock = Diagnostics.Stopwatch.StartNew()
/// Seconds since the last call (for the timings reported in the JSON).
let lap () =
    let s = clock.Elapsed.TotalSeconds
    clock.Restart()
    s

(**
## Lorenz-63: the Lyapunov spectrum

The QR method (Benettin et al. 1980) follows an orbit together with three tangent vectors, $\dot Q = J(x)\,Q$,
re-orthonormalising them at every step; the logarithms of the stretch factors, averaged over time, converge to the
exponents. Published values for σ = 10, ρ = 28, β = 8/3 are $\lambda \approx (0.906,\ 0,\ -14.572)$ (Sprott 2003).
The running estimates below settle slowly — the error of a time average falls like $1/\sqrt{T}$ — which is why long
runs are needed for a second digit.

The sum is a check we get for free: it equals the time-averaged divergence of the field, and for Lorenz the divergence
is constant, $\nabla\cdot f = -\sigma - 1 - \beta = -13.667$.
*)
let sigma, rho, beta = 10.0, 28.0, 8.0 / 3.0
let lorenz = Lorenz63(sigma, rho, beta)
let lorenzDt = 0.01
let lorenzSpectrum =
    LyapunovSpectrum.Compute(lorenz, [| 1.0; 1.0; 1.0 |],
        LyapunovOptions(Dt = lorenzDt, Steps = int (lyapunovTime / lorenzDt), TransientSteps = 2000))
let lorenzLyapunovSeconds = lap ()
let divergence = -(sigma + 1.0 + beta)
let published = [| 0.906; 0.0; -14.572 |]
printfn "Lorenz: λ = %A, sum %.4f (divergence %.4f), %.2f s" lorenzSpectrum.Exponents lorenzSpectrum.Sum divergence lorenzLyapunovSeconds

let constantRows (values: float[]) rows = Array2D.init rows values.Length (fun _ j -> values.[j])
page.Chart(
    Plots.timeSeries $"Lorenz-63: running estimates of the Lyapunov exponents over {lyapunovTime:F0} time units"
        lorenzSpectrum.Times [ "λ₁"; "λ₂"; "λ₃" ]
        [ ("estimate", lorenzSpectrum.RunningEstimate); ("published", constantRows published lorenzSpectrum.Times.Length) ])
page.Text(
    $"Estimated spectrum: **λ = ({lorenzSpectrum.Exponents.[0]:F3}, {lorenzSpectrum.Exponents.[1]:F3}, {lorenzSpectrum.Exponents.[2]:F3})** "
    + $"per time unit; sum **{lorenzSpectrum.Sum:F4}** against −(σ+1+β) = {divergence:F4}.")

(**
## Lorenz-63: two dimensions

The **Kaplan–Yorke dimension** (Kaplan & Yorke 1979) interpolates where the partial sums of the exponents turn negative:
$D_{KY} = j + \sum_{i \le j} \lambda_i / |\lambda_{j+1}|$. For Lorenz $j = 2$ and $D_{KY} = 2 + \lambda_1/|\lambda_3| \approx 2.06$.

The **correlation dimension** (Grassberger & Procaccia 1983) needs no dynamics at all, only points on the attractor:
the fraction $C(r)$ of pairs closer than $r$ scales like $r^{D_2}$ for small $r$. We count pairs among 3000 states of a
long orbit (skipping pairs close in time, whose nearness says nothing about the geometry) and fit the slope of
$\log C$ against $\log r$ over the straightest decade. Below that range too few pairs are counted; above it $C(r)$
saturates at the attractor's size. The published value is $D_2 \approx 2.05$.
*)
let lorenzKaplanYorke = Dimensions.KaplanYorke lorenzSpectrum.Exponents
let lorenzOrbit = Trajectories.SampleRk4(lorenz, lorenzSpectrum.FinalState, lorenzDt, orbitSamples)
let correlationOptions = CorrelationDimensionOptions(MaxPoints = 3000)
let lorenzCorrelation = Dimensions.Correlation(lorenzOrbit, correlationOptions)
let lorenzDimensionSeconds = lap ()
printfn "Lorenz: D_KY %.3f, D_2 %.3f over r ∈ [%.3g, %.3g]" lorenzKaplanYorke lorenzCorrelation.Dimension lorenzCorrelation.FitRadiusMin lorenzCorrelation.FitRadiusMax

/// The correlation sum of one attractor: all radii, the fitted ones marked, and the fitted line r^D over the scaling region.
let correlationCurves (name: string) (c: CorrelationDimensionResult) =
    let fitted = [| c.FitStart .. c.FitEnd |]
    let logR, logC = fitted |> Array.map (fun i -> log c.Radii.[i]), fitted |> Array.map (fun i -> log c.CorrelationSum.[i])
    let struct (intercept, slope) = MathNet.Numerics.Fit.Line(logR, logC)
    let positive = [| 0 .. c.Radii.Length - 1 |] |> Array.filter (fun i -> c.CorrelationSum.[i] > 0.0)
    [ $"{name}: C(r)", positive |> Array.map (fun i -> c.Radii.[i]), positive |> Array.map (fun i -> c.CorrelationSum.[i]), false
      $"{name}: scaling region", fitted |> Array.map (fun i -> c.Radii.[i]), fitted |> Array.map (fun i -> c.CorrelationSum.[i]), true
      $"{name}: fit, slope {slope:F3}", fitted |> Array.map (fun i -> c.Radii.[i]), logR |> Array.map (fun l -> exp (intercept + slope * l)), false ]

page.Chart(Plots.logLog "Lorenz-63: correlation sum C(r) with the fitted scaling region" "radius r" "C(r)" (correlationCurves "Lorenz-63" lorenzCorrelation))
page.Text(
    $"Kaplan–Yorke dimension **{lorenzKaplanYorke:F3}**; correlation dimension **{lorenzCorrelation.Dimension:F3}**, fitted over "
    + $"r ∈ [{lorenzCorrelation.FitRadiusMin:G3}, {lorenzCorrelation.FitRadiusMax:G3}] ({lorenzCorrelation.Points} states, {lorenzCorrelation.Pairs} pairs).")

(**
## Lorenz-63: fixed points and their stability

Fixed points are found the way Sussillo & Barak (2013) find them in trained networks: minimise the speed
$q(x) = \tfrac12 |f(x)|^2$ from many starts on the attractor, keep the minima where $q \approx 0$, merge duplicates, and
linearise there. Lorenz has three, known in closed form: the origin, and
$C_\pm = (\pm\sqrt{\beta(\rho-1)}, \pm\sqrt{\beta(\rho-1)}, \rho - 1)$ at the centres of the two wings.

* The origin is a **saddle** with one unstable direction: trajectories leaving it along that direction go to one wing or the other.
* $C_\pm$ are **saddle-foci**: one strongly stable real eigenvalue, and a complex pair with a small *positive* real part
  (for ρ above 24.74). Orbits spiral outwards around them — the growing oscillations on each wing — until they are flung
  to the other wing. No fixed point is stable, so the motion never settles: the attractor is the tangle of orbits
  between these three unstable points.
*)
let lorenzFixed = FixedPoints.Find(lorenz, lorenzOrbit, FixedPointOptions(StartCount = fixedPointStarts), seed)
let lorenzFixedSeconds = lap ()
for p in lorenzFixed.FixedPoints do
    printfn "Lorenz fixed point %A: %A, eigenvalues %A" p.Location p.Kind p.Eigenvalues

/// A fixed point's stability in words: stable, saddle (with the number of unstable directions) or unstable.
let stabilityGroup (p: FixedPoint) =
    if p.UnstableDirections = 0 then "stable"
    elif p.UnstableDirections = p.Eigenvalues.Length then "unstable"
    else $"saddle, {p.UnstableDirections} unstable"

/// Markers of a given size for fixed points at the given (3-D) positions, one trace per stability group.
let fixedPointMarkers (label: string) (size: int) (points: (FixedPoint * float[]) list) =
    points
    |> List.groupBy (fst >> stabilityGroup)
    |> List.map (fun (group, members) -> Plots.markers3d $"{label} ({group})" size (members |> List.map snd))

let formatComplex (z: Complex) = if abs z.Imaginary < 1e-12 then $"{z.Real:F3}" else $"{z.Real:F3} ± {abs z.Imaginary:F3}i"
let describeEigenvalues (eigenvalues: Complex[]) =
    eigenvalues |> Array.filter (fun z -> z.Imaginary >= 0.0) |> Array.map formatComplex |> fun s -> String.Join(", ", s)

page.Chart(
    Plots.trajectory3d "Lorenz-63 orbit" (Series.Rows(lorenzOrbit, 0, min 3000 orbitSamples)) :: fixedPointMarkers "fixed point" 8 [ for p in lorenzFixed.FixedPoints -> p, p.Location ]
    |> Chart.combine
    |> Chart.withTitle "Lorenz-63: the attractor and its fixed points, by stability")
page.Chart(Plots.complexPlane "Lorenz-63: Jacobian eigenvalues at the fixed points" [ for p in lorenzFixed.FixedPoints -> $"{p.Kind} at ({p.Location.[0]:F2}, {p.Location.[1]:F2}, {p.Location.[2]:F2})", p.Eigenvalues ])
page.Table(
    [ "location"; "kind"; "unstable directions"; "eigenvalues"; "starts that found it" ]
    :: [ for p in lorenzFixed.FixedPoints ->
            [ $"({p.Location.[0]:F3}, {p.Location.[1]:F3}, {p.Location.[2]:F3})"; string p.Kind; string p.UnstableDirections
              describeEigenvalues p.Eigenvalues; string p.Hits ] ])

(**
## The CT-RNN as a vector field — and whose time?

Chapter 01's network, run in closed loop (its prediction fed back as its input), is an autonomous system. Chapter 01 trains
it with the *increment readout*: the prediction $\hat x_{k+1} = x_k + s\,(W_{out} h + b_{out})$ adds a step to the state
it was fed, so the fed-back state $x$ becomes part of the system, which lives on $(h, x)$ in $n + 3$ dimensions:

$$
\tau \frac{dh}{dt} = -h + \tanh\big(W_{rec} h + W_{in} x + b\big), \qquad \frac{dx}{dt} = \frac{s}{\Delta}\big(W_{out} h + b_{out}\big).
$$

With the plain state readout ($\hat x = W_{out} h + b_{out}$, `--readout state` in chapter 01) it lives on the $n$ hidden units
alone: $\tau\, dh/dt = -h + \tanh(M h + c)$ with $M = W_{rec} + W_{in} W_{out}$ and $c = b + W_{in} b_{out}$. Either way the
Jacobian is analytic, and all the tools above apply unchanged; a fixed point of the $(h, x)$ system is a state $x^*$ that the
network's step leaves where it is, $W_{out} h^* + b_{out} = 0$, and it is drawn at $x^*$.

Two cautions before reading numbers off it.

**Time units.** The network runs on its own clock: each data sample, $dt = 0.01$ time units of Lorenz, is held for
$\Delta = 0.1$ units of *model* time. One unit of data time is therefore $1/dt = 100$ samples, which is $\Delta/dt = 10$
units of model time, and a rate per model time unit becomes a rate per data time unit by multiplying by that factor:

$$
\lambda_{data} = \lambda_{model} \cdot \frac{\Delta}{dt}.
$$

A network that reproduces Lorenz should show $\lambda_1^{model} \approx 0.0906$ per model time unit, i.e. 0.906 per
data time unit. Eigenvalues are rates too and convert the same way. (The z-scoring of the data changes neither: exponents
and eigenvalues do not depend on the coordinates.)

**Idealisation.** The trained network feeds its prediction back once per interval Δ and holds it constant meanwhile
(zero-order hold); the field above feeds the readout back continuously. It is the $\Delta \to 0$ limit of the trained
system, close to it when $\Delta$ is small against the network's time scales, but not the same map. So we also estimate
the largest exponent *independently*, from the discrete network's own free-running output, by Rosenstein's method
(Rosenstein et al. 1993): follow nearest neighbours on the output series and fit the growth of their log-distance.
*)
let field = model.AsVectorField()
let interval = model.Options.SampleInterval
let toDataTime = interval / data.Dt
let ctRnnLoadSeconds = lap ()
let source =
    $"chapter 01's network, loaded from `{Experiments.modelPath common Experiments.ctRnn}` ({model.Options.Hidden} hidden units, τ = {model.Options.Tau}, "
    + $"Δ = {interval}, solver {model.Options.Solver}, {model.Options.Readout} readout)"
page.Text($"The network analysed here is {source}. Its hidden space has **{field.Dimension}** dimensions; Δ/dt = {interval}/{data.Dt} = **{toDataTime:G4}**.")

(**
### Its Lyapunov spectrum

The same QR method on the hidden field (64-dimensional for chapter 01's network), for the leading five exponents only (each extra exponent costs
one more tangent vector, and each step costs about $n^2 k$ multiplications, so we average over fewer time units than for
Lorenz). The orbit starts at rest and runs through a transient onto the network's attractor; RK4 steps of Δ/2 model time
(0.005 data time units) keep the integration error far below the effects we look at. A good model of Lorenz should show one
positive exponent near 0.906, one near zero (the direction along the flow) and then negative ones. The third need not be
−14.57: the network's contracting directions include its own leak towards rest, at rate $1/\tau$ per model time unit,
i.e. $10/\tau$ per data time unit, and what Lorenz squeezes its network may squeeze differently.
*)
let hiddenStep = interval / 2.0
let exponentCount = min 5 field.Dimension
let transientSteps = int (100.0 / hiddenStep)
let ctRnnSpectrum =
    LyapunovSpectrum.Compute(field, Array.zeroCreate field.Dimension,
        LyapunovOptions(Dt = hiddenStep, Steps = int (ctRnnLyapunovTime * toDataTime / hiddenStep), TransientSteps = transientSteps, Count = exponentCount))
let ctRnnLyapunovSeconds = lap ()
let ctRnnExponents = ctRnnSpectrum.Exponents |> Array.map (fun l -> l * toDataTime)
let ctRnnKaplanYorke = Dimensions.KaplanYorke ctRnnExponents
printfn "CT-RNN: λ (data time) = %A, D_KY %.3f, %.2f s" ctRnnExponents ctRnnKaplanYorke ctRnnLyapunovSeconds

let exponentNames = [ for i in 1 .. exponentCount -> $"λ{i}" ]
page.Chart(
    Plots.timeSeries "CT-RNN: running estimates of the leading Lyapunov exponents, in data time units"
        (ctRnnSpectrum.Times |> Array.map (fun t -> t / toDataTime)) exponentNames
        [ ("CT-RNN estimate", Array2D.map (fun l -> l * toDataTime) ctRnnSpectrum.RunningEstimate)
          ("Lorenz-63", constantRows (Array.init exponentCount (fun i -> if i < 3 then lorenzSpectrum.Exponents.[i] else nan)) ctRnnSpectrum.Times.Length) ])
page.Text(
    $"""Leading exponents per data time unit: **{String.Join(", ", ctRnnExponents |> Array.map (fun l -> l.ToString "F3"))}** """
    + $"""(per model time unit: {String.Join(", ", ctRnnSpectrum.Exponents |> Array.map (fun l -> l.ToString "F4"))}); Kaplan–Yorke dimension from them **{ctRnnKaplanYorke:F3}**.""")

(**
### Free-running output: Rosenstein's exponent and the geometry

Now the discrete network itself: the free run of its report (chapter 01's, by the tutorial's protocol: warmed up on 50 test
states, then left to run on its own predictions). Its output series gives the largest exponent by Rosenstein's method and the
correlation dimension; we do the same to a Lorenz orbit of the same length and sampling, so the two estimates share their biases.
The state-space divergence $D_{stsp}$ and the power-spectrum distance $D_H$ (Hess et al. 2023) compare the free run with the
test data; they are the report's, the numbers every chapter shows for this network.
*)
let freeRun = report.FreeRun
let freeRunSteps = Array2D.length1 freeRun
let rosensteinOptions = RosensteinOptions(Dt = data.Dt)
/// Rosenstein's curve of the free run (its slope is the report's exponent), or None when the report says it could not be measured.
let ctRnnRosenstein = if Double.IsFinite report.LargestLyapunov then Some(LargestLyapunov.Rosenstein(freeRun, rosensteinOptions)) else None
let ctRnnLambda = report.LargestLyapunov
let lorenzRosenstein = LargestLyapunov.Rosenstein(Series.Rows(lorenzOrbit, 0, min orbitSamples freeRunSteps), rosensteinOptions)
/// The free run's correlation sum, or None with the reason when it has no scaling region (a network that settled on a
/// fixed point or a small cycle has too few distinct pairs at small radii).
let ctRnnCorrelation, ctRnnCorrelationProblem =
    try Some(Dimensions.Correlation(freeRun, correlationOptions)), None
    with :? ArgumentException as e -> None, Some e.Message
let ctRnnDimension = ctRnnCorrelation |> Option.map (fun c -> c.Dimension) |> Option.defaultValue nan
let dStsp, dH = report.DStsp, report.DH
let freeRunSeconds = lap ()
printfn "CT-RNN free run: Rosenstein λ_max %.3f (Lorenz orbit %.3f), D_2 %.3f, D_stsp %.3f, D_H %.3f" ctRnnLambda lorenzRosenstein.Exponent ctRnnDimension dStsp dH

/// Rosenstein's divergence curve with its fitted line over the fit range.
let divergenceCurves (name: string) (r: RosensteinResult) =
    [ $"{name}: ⟨ln d(t)⟩", r.Times, r.MeanLogDivergence
      $"{name}: fit, slope {r.Exponent:F3}", r.Times.[r.FitStart .. r.FitEnd], r.Times.[r.FitStart .. r.FitEnd] |> Array.map (fun t -> r.Intercept + r.Exponent * t) ]
page.Chart(
    Plots.lines "Rosenstein's method: mean log-distance of neighbouring states on the output series" "time (data units)" "⟨ln d⟩"
        ((ctRnnRosenstein |> Option.map (divergenceCurves "CT-RNN free run") |> Option.defaultValue []) @ divergenceCurves "Lorenz-63 orbit" lorenzRosenstein))
page.Chart(
    Plots.logLog "Correlation sums: the CT-RNN's free run against Lorenz-63 (each in its own units)" "radius r" "C(r)"
        ((ctRnnCorrelation |> Option.map (correlationCurves "CT-RNN") |> Option.defaultValue []) @ correlationCurves "Lorenz-63" lorenzCorrelation))
page.Text(
    $"Rosenstein's largest exponent: **{ctRnnLambda:F3}** for the CT-RNN's free run, {lorenzRosenstein.Exponent:F3} for a Lorenz orbit "
    + $"of the same {min orbitSamples freeRunSteps} samples (the field's QR estimate: {ctRnnExponents.[0]:F3}). Correlation dimension of the free run "
    + $"**{ctRnnDimension:F3}** (Lorenz {lorenzCorrelation.Dimension:F3}). Against the test data: **D_stsp = {dStsp:F3}**, **D_H = {dH:F3}**."
    + (ctRnnCorrelationProblem |> Option.map (fun m -> $" The free run's correlation dimension could not be estimated: {m}") |> Option.defaultValue "")
    + String.Join("", report.Notes |> Array.map (fun n -> " " + n)))

(**
### Its fixed points

Sussillo & Barak's search again, now in the network's state space, from states sampled along the field's own orbit (plus
a little noise). Each start costs a few Levenberg–Marquardt iterations, each one solve of a linear system of the state's
size, so the whole search takes seconds. To see what the network built, place each fixed point in the (z-scored) Lorenz
space — its $x$ part with the increment readout, its readout $y = W_{out} h + b_{out}$ with the state readout — and draw it
over the true attractor together with Lorenz's own fixed points; and compare the leading eigenvalues, in data time units,
with Lorenz's. A network that has learned the vector field should have three fixed points near Lorenz's, a saddle with one
unstable direction between the wings and two saddle-foci with two — plus further eigenvalues of strongly stable directions
that the data never probed.

What to expect of a real network: the spiral around Lorenz's wing centres grows very slowly (Re λ = 0.094 per time
unit against a rotation of 10.19), so a small error in the learned field can flip its sign and make a centre a *stable*
focus. Lorenz itself is like that for ρ below 24.74: the centres are stable, each surrounded by an unstable cycle, and
coexist with the chaotic attractor. Orbits on the attractor then look the same, but a state started close enough to such a
centre spirals into it and stays there — a difference that no one-step error and no single forecast reveals.
*)
let hiddenOrbit = Trajectories.SampleRk4(field, ctRnnSpectrum.FinalState, interval, orbitSamples)
let ctRnnFixed = FixedPoints.Find(field, hiddenOrbit, FixedPointOptions(StartCount = fixedPointStarts), seed)
let ctRnnFixedSeconds = lap ()
printfn "CT-RNN: %d fixed points and %d slow points from %d starts (%d discarded) in %.2f s"
    ctRnnFixed.FixedPoints.Count ctRnnFixed.SlowPoints.Count ctRnnFixed.Starts ctRnnFixed.Discarded ctRnnFixedSeconds

let readout (h: float[]) =
    let y: float[] = Array.zeroCreate 3
    field.Readout(ReadOnlySpan h, Span y)
    y
let readoutSeries (hidden: float[,]) = Array2D.init (Array2D.length1 hidden) 3 (fun i j -> (readout (Series.Row(hidden, i))).[j])
let zScore = data.Normalisation
let lorenzFixedZ = [ for p in lorenzFixed.FixedPoints -> p, Series.Row(zScore.Apply(array2D [ p.Location ]), 0) ]
let ctRnnFixedOutputs = [ for p in ctRnnFixed.FixedPoints -> p, readout p.Location ]
let toDataTimeEigenvalues (p: FixedPoint) = p.Eigenvalues |> Array.map (fun z -> z * toDataTime)
for p, y in ctRnnFixedOutputs do
    printfn "CT-RNN fixed point at output %A: %A, %d unstable, leading eigenvalues (data time) %A" y p.Kind p.UnstableDirections (toDataTimeEigenvalues p |> Array.truncate 4)

page.Chart(
    Plots.trajectory3d "Lorenz-63 (test data, z-scored)" data.Test
    :: Plots.trajectory3d "the field's orbit, read out" (readoutSeries (Series.Rows(hiddenOrbit, 0, min 2000 orbitSamples)))
    :: fixedPointMarkers "Lorenz" 11 lorenzFixedZ @ fixedPointMarkers "CT-RNN" 6 ctRnnFixedOutputs
    |> Chart.combine
    |> Chart.withTitle "Fixed points of the CT-RNN, read out into Lorenz space, over the true attractor")
page.Chart(
    Plots.complexPlane $"Jacobian eigenvalues at the fixed points, data time units (CT-RNN: all {field.Dimension} per point)"
        ([ for p in ctRnnFixed.FixedPoints -> $"CT-RNN {p.Kind}, {p.UnstableDirections} unstable", toDataTimeEigenvalues p ]
         @ [ ("Lorenz-63 (all points)", lorenzFixed.FixedPoints |> Seq.collect (fun p -> p.Eigenvalues) |> Array.ofSeq) ]))
page.Table(
    [ "output (z-scored)"; "kind"; "unstable directions"; "leading eigenvalues (data time)"; "starts that found it" ]
    :: [ for p, y in ctRnnFixedOutputs ->
            [ $"({y.[0]:F3}, {y.[1]:F3}, {y.[2]:F3})"; string p.Kind; string p.UnstableDirections
              describeEigenvalues (toDataTimeEigenvalues p |> Array.truncate 4); string p.Hits ] ])
let unstableCounts (points: seq<FixedPoint>) = points |> Seq.map (fun p -> p.UnstableDirections) |> Seq.sort |> List.ofSeq
let listed (counts: int list) = String.Join(", ", counts)
page.Text(
    if unstableCounts ctRnnFixed.FixedPoints = unstableCounts lorenzFixed.FixedPoints then
        $"The network's fixed points have as many unstable directions as Lorenz's ({listed (unstableCounts lorenzFixed.FixedPoints)}): its skeleton is Lorenz's."
    else
        $"The network's skeleton differs from Lorenz's: its fixed points have {listed (unstableCounts ctRnnFixed.FixedPoints)} unstable directions, "
        + $"Lorenz's {listed (unstableCounts lorenzFixed.FixedPoints)}.")
page.Text(
    $"The search from {ctRnnFixed.Starts} starts took **{ctRnnFixedSeconds:F2} s** and found **{ctRnnFixed.FixedPoints.Count}** fixed points "
    + $"and {ctRnnFixed.SlowPoints.Count} slow points ({ctRnnFixed.Discarded} starts ended elsewhere).")

(**
## Learned against true, side by side

The table gathers the numbers. Read it with the error bars in mind: the QR exponents of Lorenz are good to about a
hundredth over 1000 time units; Rosenstein's estimates from series of this length fall short of the true exponent by
0.1–0.2 (compare the Lorenz column with 0.906), which is why the network is compared with a Lorenz orbit of the same length
rather than with the published value; correlation dimensions from 3000 points are good to about ±0.1.
*)
let kinds (points: seq<FixedPoint>) =
    points |> Seq.map (fun p -> $"{p.Kind} ({p.UnstableDirections})") |> Seq.sort |> fun s -> String.Join(", ", s)
let ctRnnAt i = if i < ctRnnExponents.Length then $"{ctRnnExponents.[i]:F3}" else "—"
page.Table(
    [ [ "quantity"; "Lorenz-63"; "CT-RNN" ]
      [ "λ₁ (QR, per data time unit)"; $"{lorenzSpectrum.Exponents.[0]:F3}"; ctRnnAt 0 ]
      [ "λ₂"; $"{lorenzSpectrum.Exponents.[1]:F3}"; ctRnnAt 1 ]
      [ "λ₃"; $"{lorenzSpectrum.Exponents.[2]:F3}"; ctRnnAt 2 ]
      [ "λ_max, Rosenstein on the output series"; $"{lorenzRosenstein.Exponent:F3}"; $"{ctRnnLambda:F3}" ]
      [ "Kaplan–Yorke dimension"; $"{lorenzKaplanYorke:F3}"; $"{ctRnnKaplanYorke:F3}" ]
      [ "correlation dimension"; $"{lorenzCorrelation.Dimension:F3}"; $"{ctRnnDimension:F3}" ]
      [ "fixed points (kind, unstable directions)"; kinds lorenzFixed.FixedPoints; kinds ctRnnFixed.FixedPoints ]
      [ "D_stsp / D_H against the test data"; "—"; $"{dStsp:F3} / {dH:F3}" ] ])
page.Chart(
    Plots.groupedBars "Learned against true" [ "λ₁"; "λ₁ (Rosenstein)"; "λ₂"; "D_KY"; "D₂" ]
        [ "Lorenz-63", [ lorenzSpectrum.Exponents.[0]; lorenzRosenstein.Exponent; lorenzSpectrum.Exponents.[1]; lorenzKaplanYorke; lorenzCorrelation.Dimension ]
          "CT-RNN", [ ctRnnExponents.[0]; ctRnnLambda; (if exponentCount > 1 then ctRnnExponents.[1] else nan); ctRnnKaplanYorke; ctRnnDimension ] ])
page.Chart(Plots.attractor3d "Free-running CT-RNN and the test data (z-scored)" [ ("truth (test)", data.Test); ("CT-RNN free run", Series.Rows(freeRun, 0, min 3000 freeRunSteps)) ])

page.Save(Path.Combine(outDir, "04_analysis.html"))

/// A fixed point for the JSON: location, eigenvalues as {re, im} (scaled to data time by `rate`), kind and unstable directions.
let fixedPointJson (rate: float) (p: FixedPoint) =
    {| location = p.Location
       eigenvalues = p.Eigenvalues |> Array.map (fun z -> {| re = z.Real * rate; im = z.Imaginary * rate |})
       kind = string p.Kind
       unstable_directions = p.UnstableDirections
       hits = p.Hits
       q = p.Q |}

Output.writeJson (Path.Combine(outDir, "04_analysis.json"))
    {| mode = common.Mode
       lorenz =
        {| lyapunov = lorenzSpectrum.Exponents
           lyapunov_sum = lorenzSpectrum.Sum
           divergence = divergence
           lyapunov_time = lyapunovTime
           kaplan_yorke = lorenzKaplanYorke
           correlation_dimension = lorenzCorrelation.Dimension
           correlation_fit_radii = [| lorenzCorrelation.FitRadiusMin; lorenzCorrelation.FitRadiusMax |]
           lambda_max_rosenstein = lorenzRosenstein.Exponent
           fixed_points = [| for p in lorenzFixed.FixedPoints -> fixedPointJson 1.0 p |]
           seconds = {| lyapunov = lorenzLyapunovSeconds; dimensions = lorenzDimensionSeconds; fixed_points = lorenzFixedSeconds |} |}
       ctrnn =
        {| source = source
           model_file = Experiments.modelPath common Experiments.ctRnn
           report_file = Experiments.reportPath common Experiments.ctRnn
           hidden = field.Dimension
           sample_interval = interval
           data_dt = data.Dt
           model_to_data_time = toDataTime
           lyapunov = ctRnnExponents
           lyapunov_model_time = ctRnnSpectrum.Exponents
           kaplan_yorke = ctRnnKaplanYorke
           correlation_dimension = ctRnnDimension
           lambda_max_rosenstein = ctRnnLambda
           d_stsp = dStsp
           d_h = dH
           free_run_steps = freeRunSteps
           fixed_points =
            [| for p, y in ctRnnFixedOutputs ->
                {| fixedPointJson toDataTime p with output = y |} |]
           slow_points = ctRnnFixed.SlowPoints.Count
           fixed_point_starts = ctRnnFixed.Starts
           seconds =
            {| load_or_train = ctRnnLoadSeconds; lyapunov = ctRnnLyapunovSeconds; free_run_and_measures = freeRunSeconds
               fixed_points = ctRnnFixedSeconds |} |} |}
