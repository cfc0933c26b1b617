(**
# Chapter 04 — What a network's dynamics tell: fixed points, Lyapunov exponents, periodic orbits, return maps

A trained recurrent network is a dynamical system, so we can ask it the questions dynamical-systems theory asks of
any vector field $\dot x = f(x)$ or map $x_{k+1} = G(x_k)$:

* **Fixed points** $f(x^\star) = 0$ (or $G(x^\star) = x^\star$) and their **stability**: the eigenvalues of the Jacobian at
  $x^\star$ say in how many directions nearby states are pushed away ($\mathrm{Re}\,\lambda > 0$, or a multiplier $|\mu| > 1$) or
  drawn in, and whether they spiral (complex $\lambda$). The fixed points are the skeleton around which an attractor is organised.
* **Lyapunov exponents** $\lambda_1 \ge \lambda_2 \ge \dots$: the average exponential rates at which infinitesimal
  perturbations grow or shrink along a typical orbit. One positive exponent means chaos; their sum is the average rate at
  which volumes contract.
* **Dimensions** of the attractor: the Kaplan–Yorke dimension from the exponents, and the correlation dimension from the
  geometry of the orbit alone.
* **Periodic orbits** and **return maps**: a chaotic attractor is threaded by unstable periodic orbits, and Lorenz's own
  picture of it — each maximum of $z$ against the one before — is a single curve with a cusp.

We apply them first to Lorenz-63, where the answers are known, and then to **every network** of chapters 01–03, loaded from
its model file: the CT-RNN, the E/I network, the spiking reservoir and the surrogate-gradient network. The rate networks are
smooth: they are analysed as the sample-to-sample map they were trained to be, and on its $\Delta \to 0$ field. The spiking
networks have no Jacobian (a spike is a jump), so they are measured on their free-running output alone. If a network has
learned the *dynamics* and not only the next step, its numbers should match Lorenz's. Each model's results are saved beside
its report (`reports/ID.analysis.json`), where chapter 05 reads them.

Run it with `dotnet fsi scripts/04_analysis.fsx`; `--quick` for a tiny run, `--full` for long averages, `-- --help` for the options.
*)
#load "prelude.fsx"
open System
open System.IO
open System.Numerics
open Prelude
open NeuroDyn.Systems
open NeuroDyn.Analysis
open NeuroDyn.Analysis.Maps
open NeuroDyn.Evaluation
open NeuroDyn.Data
open NeuroDyn.Models
open Plotly.NET

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
let autogradMaps =
    args.Flag("autograd-maps", "also analyse the maps differentiated by autograd (the GRU's): one batched backward pass per Jacobian, but some 70 000 Jacobians in the default run, about three minutes for the GRU")
args.Check()

/// Length of the Lyapunov averages in data time units (Lorenz, the networks' fields and maps), of the sampled orbits in samples, and the number of fixed-point starts.
let lyapunovTime = if quick then 100.0 elif full then 10_000.0 else 1000.0
let networkLyapunovTime = if quick then 50.0 elif full then 2000.0 else 200.0
let orbitSamples = if quick then 3000 elif full then 30_000 else 10_000
let fixedPointStarts = if quick then 32 else 256
/// Periodic orbits: the near-return search's trajectory (data time units) and its seeds, for Lorenz and for each network's field.
let nearReturnTime = if quick then 100.0 else 200.0
let lorenzOrbitSeeds = if quick then 20 else 60
let networkOrbitSeeds = if quick then 2 elif full then 12 else 2
/// Lorenz's return map (maxima) and its orbit diagram over ρ (values, maxima per value).
let cuspMaxima = if quick then 500 else 2000
let rhoValues = if quick then 40 elif full then 400 else 150
let rhoMaxima = if quick then 40 else 100
/// The networks' diagrams over the recurrent gain: gains, and the map's free run per gain (transient, then recorded samples).
let gainValues = if quick then 21 elif full then 121 else 61
let gainTransient, gainSamples = (if quick then 500 else 1000), (if quick then 1500 elif full then 10_000 else 4000)
let page = Page.Page("Chapter 04 — Fixed points, Lyapunov exponents, periodic orbits, return maps", __SOURCE_DIRECTORY__ + "/04_analysis.fsx")
let data = Models.lorenzData dataPath (if quick then 20.0 else 200.0)
let protocol = Experiments.protocol common
let zScore = data.Normalisation
/// Every model of the tutorial with its report, from `models/ID.safetensors` and `reports/ID.json` (run chapters 01–03 first).
let models = [ for entry in Experiments.all -> entry, Experiments.load common entry ]
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
## Lorenz-63: its shortest periodic orbits

A chaotic attractor is threaded by infinitely many **unstable periodic orbits**, and a typical orbit shadows one after another:
they are its skeleton in the way the fixed points are for the flow near rest (Auerbach et al. 1987). They are found by
**Newton–shooting**: from a *near-return* of a long trajectory, $|x(t + T) - x(t)|$ small, Newton's method solves
$\varphi_T(x) = x$ for the point $x$ and the period $T$ together, with a phase condition that pins $x$ along the orbit; the
monodromy matrix $\partial\varphi_T/\partial x$, integrated alongside, gives its **Floquet multipliers** — one equal to 1 (along
the flow), one larger than 1 (it is unstable), one tiny. Viswanath (2003) names Lorenz's orbits by their symbol words: at each
downward pass through $z = \rho - 1$ an orbit is on the $x > 0$ wing (A) or the other (B). The shortest are AB (T = 1.558652),
AAB (2.305907), AAAB (3.023584) and AABB (3.084277).
*)
let lorenzOrbitSearch =
    PeriodicOrbits.Find(lorenz, [| 1.0; 1.0; 1.0 |], NearReturnOptions(Duration = nearReturnTime, MaxSeeds = lorenzOrbitSeeds))
let lorenzOrbitSeconds = lap ()

/// The orbit's symbol word: at each downward crossing of z = ρ − 1 over one period, A on the x > 0 wing, B on the other.
let symbolWord (orbit: PeriodicOrbit) =
    let plane = Hyperplane.Coordinate(3, 2, rho - 1.0, CrossingDirection.Decreasing)
    let c = PoincareSection.Crossings(lorenz, orbit.State, plane, SectionOptions(MaxTime = orbit.Period, MaxEvents = 100))
    String(Array.init c.Count (fun k -> if c.States.[k, 0] > 0.0 then 'A' else 'B'))

/// One name for an orbit and its mirror image under (x, y, z) → (−x, −y, z): the least rotation of the word or of its A ↔ B swap.
let canonicalWord (w: string) =
    let swap = String(w.ToCharArray() |> Array.map (fun c -> if c = 'A' then 'B' else 'A'))
    [ for v in [ w; swap ] do for k in 0 .. v.Length - 1 -> v.Substring k + v.Substring(0, k) ] |> List.min

let viswanath = Map [ "AB", 1.558652; "AAB", 2.305907; "AAAB", 3.023584; "AABB", 3.084277 ]
let lorenzOrbits = [ for o in lorenzOrbitSearch.Orbits -> o, canonicalWord (symbolWord o) ]
let largestMultiplier (o: PeriodicOrbit) = o.FloquetMultipliers |> Array.map (fun m -> m.Magnitude) |> Array.max
for o, w in lorenzOrbits do printfn "Lorenz periodic orbit %s: T = %.7f, |μ|max %.3g, %d Newton steps" w o.Period (largestMultiplier o) o.Iterations

/// The orbits by word: an orbit and its mirror image share a word and a period, so they make one row.
let orbitsByWord = lorenzOrbits |> List.groupBy snd |> List.map (fun (w, members) -> w, fst members.Head, members.Length)
page.Table(
    [ "word"; "orbits (mirror pair: 2)"; "period T"; "Viswanath (2003)"; "relative difference"; "unstable multipliers"; "largest |μ|"; "Newton steps"; "closing error" ]
    :: [ for w, o, count in orbitsByWord ->
            let published = viswanath.TryFind w
            [ w; string count; $"{o.Period:F6}"; (published |> Option.map (fun p -> $"{p:F6}") |> Option.defaultValue "—")
              (published |> Option.map (fun p -> $"{abs (o.Period - p) / p:E1}") |> Option.defaultValue "—")
              string o.UnstableMultipliers; $"{largestMultiplier o:G3}"; string o.Iterations; $"{o.ClosingError:E1}" ] ])
/// One period of an orbit, sampled every 0.005 time units.
let orbitSamplesOf (field: IVectorField) (o: PeriodicOrbit) step = Trajectories.SampleRk4(field, o.State, step, int (o.Period / step) + 1)
page.Chart(
    Plots.trajectory3d "Lorenz-63 orbit" (Series.Rows(lorenzOrbit, 0, min 3000 orbitSamples))
    :: [ for w, o, _ in orbitsByWord |> List.truncate 4 -> Plots.trajectory3d $"{w}, T = {o.Period:F4}" (orbitSamplesOf lorenz o 0.005) ]
    |> Chart.combine
    |> Chart.withTitle "Lorenz-63: its shortest unstable periodic orbits inside the attractor")
page.Text(
    $"From {lorenzOrbitSearch.Seeds.Count} near-returns Newton converged to **{lorenzOrbits.Length}** distinct orbits with {orbitsByWord.Length} words "
    + $"""({lorenzOrbitSearch.Failures.Count} seeds failed); of the published shortest ones it found {String.Join(", ", orbitsByWord |> List.filter (fun (w, _, _) -> viswanath.ContainsKey w) |> List.map (fun (w, _, _) -> w))}.""")

(**
## Lorenz-63: the return map and the orbit diagram

Lorenz (1963) plotted each maximum of $z$ against the previous one and found a single thin curve with a cusp: the
attractor is, to a very good approximation, a one-dimensional map $z_{max}(n+1) = F(z_{max}(n))$ whose slope exceeds 1 in
magnitude everywhere — which is why it is chaotic. The maxima are located on the solver's dense output (not on the samples).
The chart of this map for the truth and for each network's free run comes below, once the networks are loaded; it is the
single most telling picture of whether a network learned the attractor, since no one-step error can fake its shape.

The **orbit diagram** sweeps ρ: for each value the orbit from the same start runs through a transient of 50 time units, then
its successive $z$ maxima are drawn. Chaos fills a band; the **periodic windows** (e.g. near ρ ≈ 100, 150 and above ≈ 214,
where the attractor is a single stable periodic orbit) show as a few points.
*)
let lorenzMaxima = PoincareSection.Maxima(lorenz, [| 1.0; 1.0; 1.0 |], 2, SectionOptions(Transient = 20.0, MaxEvents = cuspMaxima))
/// A value of Lorenz's z in the data's z-scored units (the networks' units).
let zScored (z: float) = (z - zScore.Mean.[2]) / zScore.Std.[2]
let rhoGrid = Array.init rhoValues (fun k -> 25.0 + 225.0 * float k / float (rhoValues - 1))
let rhoDiagram =
    OrbitDiagram.OfMaxima(lorenz, "rho", rhoGrid, [| 1.0; 1.0; 1.0 |], 2,
        OrbitDiagramOptions(Section = SectionOptions(Transient = 50.0, MaxEvents = rhoMaxima, MaxTime = 2000.0, Rtol = 1e-9, Atol = 1e-9, RefineTolerance = 1e-10)))
let lorenzDiagramSeconds = lap ()

/// How an attractor looks in its successive maxima: "settled" (fewer than two maxima: a fixed point), "periodic" (at most 8 distinct
/// values to 1e-3 of their range), "irregular" (more than half of them distinct), otherwise "long period".
let attractorType (maxima: float[]) =
    if maxima.Length < 2 then "settled"
    else
        let range = max (Array.max maxima - Array.min maxima) 1e-12
        let distinct = maxima |> Array.map (fun v -> Math.Round((v - Array.min maxima) / range * 1000.0)) |> Array.distinct |> Array.length
        if distinct <= 8 then "periodic" elif 2 * distinct > maxima.Length then "irregular" else "long period"

/// Contiguous runs of parameter values whose attractor type is `kind`, as "a–b" ranges.
let rangesOf (kind: string) (columns: (float * string) list) =
    columns
    |> List.fold (fun runs (p, k) ->
        match runs with
        | (a, _, true) :: rest when k = kind -> (a, p, true) :: rest
        | _ -> (p, p, k = kind) :: runs) []
    |> List.filter (fun (_, _, isKind) -> isKind)
    |> List.rev
    |> List.map (fun (a, b, _) -> if a = b then $"{a:G4}" else $"{a:G4}–{b:G4}")

let rhoTypes = [ for c in rhoDiagram.Columns -> c.Parameter, attractorType c.Values ]
printfn "Lorenz orbit diagram: %d values of ρ in %.2f s; periodic at ρ %s" rhoValues lorenzDiagramSeconds (String.Join(", ", rangesOf "periodic" rhoTypes))

/// An orbit diagram as points: every recorded value of every column at its parameter.
let diagramPoints (name: string) (columns: (float * float[]) seq) =
    let xs, ys = columns |> Seq.collect (fun (p, values) -> values |> Seq.map (fun v -> p, v)) |> Array.ofSeq |> Array.unzip
    Chart.Point(x = xs, y = ys, Name = name, Marker = TraceObjects.Marker.init (Size = 2))
page.Chart(
    diagramPoints "z maxima" [ for c in rhoDiagram.Columns -> c.Parameter, c.Values ]
    |> Chart.withXAxisStyle "ρ"
    |> Chart.withYAxisStyle "successive maxima of z"
    |> Chart.withTitle $"Lorenz-63: orbit diagram over ρ ({rhoValues} values, {rhoMaxima} maxima each after a transient of 50)")
page.Text(
    $"""Periodic attractors (at most 8 distinct maxima) at ρ = {String.Join(", ", rangesOf "periodic" rhoTypes)}; irregular at ρ = {String.Join(", ", rangesOf "irregular" rhoTypes)}."""
    + (let incomplete = rhoDiagram.Columns |> Seq.filter (fun c -> not c.Complete) |> Seq.length in if incomplete > 0 then $" {incomplete} values ended early (settled on a fixed point)." else ""))

(**
## The networks: maps, fields — and whose time?

A rate network run in closed loop (its prediction fed back as its input) is an autonomous system. What was trained is a
**map**: from one data sample to the next the network integrates its units over $\Delta$ units of model time with the input held
(zero-order hold) by its training solver, reads out a prediction, and feeds it back:
$s_{k+1} = G(s_k)$, on the hidden state $h$ — or on $(h, x)$ with the *increment readout* of chapter 01, whose prediction
$\hat x_{k+1} = x_k + s\,(W_{out} h + b_{out})$ adds a step to the state it was fed, so the fed-back $x$ becomes part of the state.
Its Jacobian follows by the chain rule through the solver's stages, so every tool above applies to the map: multipliers $\mu$ of
its fixed points ($|\mu| > 1$ unstable), its Lyapunov spectrum by QR on products of Jacobians, its orbits.

Feeding the readout back *continuously* instead gives the map's $\Delta \to 0$ idealisation, a **vector field**:

$$
\tau \frac{dh}{dt} = -h + \phi\big(W_{rec} h + W_{in} x + b\big), \qquad \frac{dx}{dt} = \frac{s}{\Delta}\big(W_{out} h + b_{out}\big)
$$

(with the state readout: $\tau\, dh/dt = -h + \phi(M h + c)$, $M = W_{rec} + W_{in} W_{out}$). It is close to the map when $\Delta$
is small against the network's time scales, but it is not what was trained; comparing the two says how much the network's
behaviour depends on its discretisation.

**Time units.** Each data sample, $dt = 0.01$ time units of Lorenz, is one step of the map and $\Delta$ units of the field's
model time. Rates convert to **per Lorenz time unit**:

$$
\lambda_{data} = \frac{\ln|\mu|\ \text{per step}}{dt}, \qquad \lambda_{data} = \lambda_{model} \cdot \frac{\Delta}{dt}.
$$

A network that reproduces Lorenz should show $\lambda_1 \approx 0.906$ per data time unit (eigenvalues and periods convert the
same way; the z-scoring of the data changes neither).

**Spiking networks** (the reservoir and the surrogate-gradient network) have no smooth map: a spike is a jump, and the
surrogate derivative used to train one is not its Jacobian. They are measured from their free-running output: Rosenstein's
largest exponent (Rosenstein et al. 1993: the growth of the distance between neighbouring states of the series), the
correlation dimension, and the return map.

**The GRU** (chapter 01's discrete-time baseline) is smooth and has a map — one GRU update per sample, $G(h, x) = (\mathrm{GRU}(h, \hat x), \hat x)$ —
but no Jacobian written out and no $\Delta \to 0$ field (it has no time step to shrink). Its map is differentiated by autograd in one
backward pass: the map is evaluated on $m$ copies of the state stacked as a batch, and pulling the batch back with the identity gives
row $i$ of the Jacobian from copy $i$ (the GRU treats the rows of a batch independently, which the map checks when it is built): about
a millisecond of tensor calls for its 39 dimensions, 13 times less than one pass per dimension. Even so the default run's spectrum and
fixed-point search take some 70 000 Jacobians, about three minutes, so this page measures the GRU from its free run like the spiking
networks unless it is run with `--autograd-maps`, which gives the GRU every analysis of a map that the rate networks get (except the
gain diagram).
*)
/// What was found in a rate network's Δ → 0 field (model time converted to data time by ToDataTime = Δ/dt).
type FieldAnalysis =
    { Field: RateNetworkVectorField
      ToDataTime: float
      Spectrum: LyapunovSpectrumResult
      Exponents: float[]
      KaplanYorke: float
      FixedPoints: FixedPointResult
      Outputs: (FixedPoint * float[]) list
      Orbits: PeriodicOrbit list
      OrbitProblem: string option
      Seconds: float }

/// What was found in a smooth model's trained sample-to-sample map (rates per data time unit: ln|μ| / dt).
type MapAnalysis =
    { Map: IClosedLoopMap
      Spectrum: LyapunovSpectrumResult
      KaplanYorke: float
      FixedPoints: MapFixedPointResult
      Outputs: (MapFixedPoint * float[]) list
      Orbits: PeriodicPoint list
      OrbitProblem: string option
      Seconds: float }

/// A model's successive z maxima against its recurrent gain (the map's free run per gain), when its map has that parameter.
type GainDiagram = { Columns: (float * float[]) list; Problems: string list }

/// Everything the chapter measured of one model.
type NetworkAnalysis =
    { Entry: Experiments.Entry
      Report: NeuroDyn.Evaluation.ForecastReport
      Map: MapAnalysis option
      Field: FieldAnalysis option
      Gain: GainDiagram option
      Correlation: CorrelationDimensionResult option
      Rosenstein: RosensteinResult option
      Maxima: float[]
      Notes: string list
      Seconds: float }

/// A rate network's dynamics in doubles (weights, τ, solver, the gain parameter), or None for other models.
let rateDynamics (model: obj) =
    match model with
    | :? CtRnn as m -> Some(m.Dynamics())
    | :? EiRateNetwork as m -> Some(m.Dynamics())
    | _ -> None

/// The warm-up window of the protocol: the first test states, from which every closed-loop run starts.
let warmUpWindow = Series.Rows(data.Test, 0, protocol.WarmUp)

/// A rate network's field: Lyapunov spectrum (leading five), fixed points from its own orbit, periodic orbits from near-returns.
let analyseField (name: string) (dynamics: RateNetworkDynamics) (start: float[]) =
    let clock = Diagnostics.Stopwatch.StartNew()
    let field = dynamics.ClosedLoopField()
    let toDataTime = dynamics.SampleInterval / data.Dt
    let step = dynamics.SampleInterval / 2.0
    let spectrum =
        LyapunovSpectrum.Compute(field, start,
            LyapunovOptions(Dt = step, Steps = int (networkLyapunovTime * toDataTime / step), TransientSteps = int (100.0 / step), Count = min 5 field.Dimension))
    let exponents = spectrum.Exponents |> Array.map (fun l -> l * toDataTime)
    let orbit = Trajectories.SampleRk4(field, start, dynamics.SampleInterval, orbitSamples)
    let fixedPoints = FixedPoints.Find(field, orbit, FixedPointOptions(StartCount = fixedPointStarts), seed)
    let readout (h: float[]) =
        let y: float[] = Array.zeroCreate 3
        field.Readout(ReadOnlySpan h, Span y)
        y
    // periodic orbits in model time: near-returns sampled once per data sample, periods between 0.5 and 4 data time units
    let nearReturns =
        NearReturnOptions(Transient = 0.0, Duration = nearReturnTime * toDataTime, SampleStep = dynamics.SampleInterval,
                          MinPeriod = 0.5 * toDataTime, MaxPeriod = 4.0 * toDataTime, MaxSeeds = networkOrbitSeeds)
    let shooting = ShootingOptions(Tolerance = 1e-8, IntegrationTolerance = 1e-10, MaxIterations = 12)
    let orbits, orbitProblem =
        try
            let search = PeriodicOrbits.Find(field, spectrum.FinalState, nearReturns, shooting)
            let problem =
                if search.Orbits.Count > 0 then None
                elif search.Seeds.Count = 0 then Some "its field's orbit has no near-return between 0.5 and 4 time units"
                elif search.Failures.Count > 0 then Some $"Newton did not converge from its {search.Seeds.Count} near-returns ({search.Failures.[0].Message})"
                else Some $"the orbits Newton found from its {search.Seeds.Count} near-returns repeat shorter ones (a cycle traversed several times)"
            List.ofSeq search.Orbits, problem
        with :? InvalidOperationException as e -> [], Some e.Message
    printfn "%s field: λ (data time) %A, %d fixed points, %d periodic orbits, %.1f s" name exponents fixedPoints.FixedPoints.Count orbits.Length clock.Elapsed.TotalSeconds
    { Field = field; ToDataTime = toDataTime; Spectrum = spectrum; Exponents = exponents; KaplanYorke = Dimensions.KaplanYorke exponents
      FixedPoints = fixedPoints; Outputs = [ for p in fixedPoints.FixedPoints -> p, readout p.Location ]
      Orbits = orbits; OrbitProblem = orbitProblem; Seconds = clock.Elapsed.TotalSeconds }

/// A model's trained map: Lyapunov spectrum (leading five, per data time unit) from the warm-up state, fixed points from its own orbit.
let analyseMap (name: string) (modelMap: ModelMap) =
    let clock = Diagnostics.Stopwatch.StartNew()
    let map = modelMap.Map
    let spectrum =
        MapLyapunovSpectrum.Compute(map, modelMap.InitialState,
            MapLyapunovOptions(Iterations = int (networkLyapunovTime / data.Dt), TransientIterations = 1000, TimePerIteration = data.Dt, Count = min 5 map.Dimension))
    // starts from the map's own orbit from the warm-up state, transient included: a network that settles still spreads them out
    let orbit = map.Iterate(modelMap.InitialState, orbitSamples - 1)
    let fixedPoints = MapFixedPoints.Find(map, orbit, FixedPointOptions(StartCount = fixedPointStarts), seed)
    let prediction (h: float[]) =
        let y: float[] = Array.zeroCreate map.OutputSize
        map.Prediction(ReadOnlySpan h, Span y)
        y
    // period-k points from near-returns of its orbit, k from 50 to 400 samples (0.5 to 4 data time units, as for the fields)
    let orbits, orbitProblem =
        try
            let search =
                PeriodicPoints.Find(map, spectrum.FinalState,
                    MapNearReturnOptions(Transient = 0, Iterations = int (nearReturnTime / data.Dt), MaxPeriod = 400, MaxSeeds = networkOrbitSeeds),
                    PeriodicPointOptions(Tolerance = 1e-8, MaxIterations = 12))
            let shortEnough = search.Orbits |> Seq.filter (fun o -> o.Period >= 50) |> List.ofSeq
            shortEnough,
            (if not shortEnough.IsEmpty then None
             elif search.Seeds.Count = 0 then Some "its orbit has no near-return within 400 samples"
             elif search.Failures.Count > 0 then Some $"Newton did not converge from its {search.Seeds.Count} near-returns ({search.Failures.[0].Message})"
             else Some "only orbits shorter than half a time unit (a cycle of a few samples)")
        with :? InvalidOperationException as e -> [], Some e.Message
    printfn "%s map: λ (per data time unit) %A, %d fixed points, %d periodic orbits, %.1f s" name spectrum.Exponents fixedPoints.FixedPoints.Count orbits.Length clock.Elapsed.TotalSeconds
    { Map = map; Spectrum = spectrum; KaplanYorke = Dimensions.KaplanYorke spectrum.Exponents; FixedPoints = fixedPoints
      Outputs = [ for p in fixedPoints.FixedPoints -> p, prediction p.Location ]; Orbits = orbits; OrbitProblem = orbitProblem; Seconds = clock.Elapsed.TotalSeconds }

let gains = Array.init gainValues (fun k -> 0.5 + float k / float (gainValues - 1))

/// The orbit diagram over the recurrent gain g (W_rec → g W_rec, 0.5 ≤ g ≤ 1.5): at each gain the trained map runs from the warm-up
/// state through a transient (MapOrbitDiagram), and the successive maxima of its fed-back z are recorded. None when the map has no gain
/// parameter, or when z is not part of its state (the state readout feeds back W_out h, not a coordinate).
let gainDiagram (modelMap: ModelMap) =
    match modelMap.Map with
    | :? RateNetworkMap as family when family.IncrementState ->
        let z = family.Dimension - family.OutputSize + 2
        let diagram =
            MapOrbitDiagram.Of(family, RateNetworkDynamics.GainName, gains, modelMap.InitialState, z, MapOrbitDiagramOptions(Transient = gainTransient, Points = gainSamples))
        Some { Columns = [ for c in diagram.Columns -> c.Parameter, SampledMaxima.Of(Array2D.init c.Values.Length 1 (fun i _ -> c.Values.[i]), 0) ]
               Problems = [ for c in diagram.Columns do if not c.Complete then $"g = {c.Parameter:G3}: {c.Message}" ] }
    | _ -> None

/// The leading part of a free run that is finite (a run that diverged ends where it did).
let finitePrefix (run: float[,]) =
    let rows = Array2D.length1 run
    let firstBad = [| 0 .. rows - 1 |] |> Array.tryFind (fun i -> not (Double.IsFinite run.[i, 0] && Double.IsFinite run.[i, 1] && Double.IsFinite run.[i, 2]))
    Series.Rows(run, 0, defaultArg firstBad rows)

let rosensteinOptions = RosensteinOptions(Dt = data.Dt)

/// Analyses one model: its field and gain diagram when it is a rate network, its free run (from its report) whatever it is.
let analyse (entry: Experiments.Entry) (report: NeuroDyn.Evaluation.ForecastReport) (model: obj) =
    let clock = Diagnostics.Stopwatch.StartNew()
    let dynamics = rateDynamics model
    // the model's closed-loop map, or why it has none (a spiking model, or one that is not a sequence model).
    let modelMap, mapProblem =
        match model with
        | :? ISequenceModel as m ->
            try
                let modelMap = SequenceModelMaps.ClosedLoop(m, warmUpWindow)
                if modelMap.Map :? RateNetworkMap || autogradMaps then Some modelMap, None
                else None, Some "its map is differentiated by autograd, about a millisecond per Jacobian but some 70 000 of them in the default run; --autograd-maps analyses it"
            with :? NotSupportedException as e -> None, Some e.Message
        | _ -> None, Some "it is not a recurrent sequence model with a state to differentiate (a spiking reservoir with a trained readout)"
    // the map and the field are analysed at the same time, each on its own core
    let mapTask = modelMap |> Option.map (fun m -> Threading.Tasks.Task.Run(fun () -> analyseMap entry.Name m))
    let field = dynamics |> Option.map (fun d -> analyseField entry.Name d modelMap.Value.InitialState)
    let mapAnalysis = mapTask |> Option.map (fun task -> task.Result)
    let gain = modelMap |> Option.bind gainDiagram
    let freeRun = finitePrefix report.FreeRun
    let correlation, correlationProblem =
        try Some(Dimensions.Correlation(freeRun, correlationOptions)), None
        with :? ArgumentException as e -> None, Some $"its free run's correlation dimension could not be estimated: {e.Message}"
    let rosenstein = if Double.IsFinite report.LargestLyapunov then Some(LargestLyapunov.Rosenstein(freeRun, rosensteinOptions)) else None
    let notes =
        [ if Array2D.length1 freeRun < Array2D.length1 report.FreeRun then yield $"its free run diverged after {Array2D.length1 freeRun} samples"
          yield! Option.toList correlationProblem
          match mapAnalysis with
          | Some m -> yield! m.OrbitProblem |> Option.map (fun p -> $"no periodic orbit of its map: {p}") |> Option.toList
          | None -> ()
          match field with
          | Some f -> yield! f.OrbitProblem |> Option.map (fun p -> $"no periodic orbit of its field: {p}") |> Option.toList
          | None -> ()
          match mapProblem with
          | Some p -> yield $"""no closed-loop map: {p.TrimEnd '.'}; measured from its free run only"""
          | None -> ()
          match gain with
          | Some g -> yield! g.Problems |> List.truncate 3 |> List.map (fun p -> $"gain diagram: {p}")
          | None -> () ]
    let seconds = clock.Elapsed.TotalSeconds
    printfn "%s: analysed in %.1f s" entry.Name seconds
    { Entry = entry; Report = report; Map = mapAnalysis; Field = field; Gain = gain; Correlation = correlation; Rosenstein = rosenstein
      Maxima = SampledMaxima.Of(freeRun, 2); Notes = notes; Seconds = seconds }

/// Every model's analysis; the models are analysed at the same time (each analysis is deterministic, whichever core runs it).
let networks =
    [ for entry, (report, model) in models -> Threading.Tasks.Task.Run(fun () -> analyse entry report model) ] |> List.map (fun task -> task.Result)

/// What a network's reported periodic orbits were found in: its trained map, or — where the map has none — its Δ → 0 field.
let mapOrbitSource, fieldOrbitSource = "trained map", "field (Δ → 0)"

/// The periodic orbits reported for a network (periods in data time units) and what they were found in: its trained map's, else its
/// field's (a CT-RNN's map may show none where its field has some), else none ("").
let reportedOrbits (n: NetworkAnalysis) =
    match n.Map, n.Field with
    | Some m, _ when not m.Orbits.IsEmpty -> [| for o in m.Orbits -> float o.Period * data.Dt |], mapOrbitSource
    | _, Some f when not f.Orbits.IsEmpty -> [| for o in f.Orbits -> o.Period / f.ToDataTime |], fieldOrbitSource
    | _ -> [||], ""
let smooth = networks |> List.choose (fun n -> n.Field |> Option.map (fun f -> n, f))
let mapped = networks |> List.choose (fun n -> n.Map |> Option.map (fun m -> n, m))

(**
## Return maps: Lorenz's cusp, learned or not

Each network's free run (its report's: warmed up on the first test states, then left to run on its own predictions) gives its
successive maxima of $z$; the truth's are Lorenz's own, on the dense output, in the same z-scored units. A network that learned
the attractor draws the same thin cusp. A network that settled on a cycle draws a few points; one that is noisy draws a cloud
around the curve; one whose wing switching is wrong draws a curve of another shape.
*)
let returnMapTrace (name: string) (maxima: float[]) =
    let pairs = SampledMaxima.ReturnMap maxima
    Chart.Point(x = Plots.column pairs 0, y = Plots.column pairs 1, Name = name, Marker = TraceObjects.Marker.init (Size = 4))
let returnMapTitle = "Lorenz's return map z_max(n+1) against z_max(n): the truth and each network's free run (z-scored)"
page.Chart(
    returnMapTrace "Lorenz-63 (truth)" (lorenzMaxima.Values |> Array.map zScored)
    :: [ for n in networks -> returnMapTrace $"{n.Entry.Name} (free run)" n.Maxima ]
    |> Chart.combine
    |> Chart.withXAxisStyle "z_max(n)"
    |> Chart.withYAxisStyle "z_max(n+1)"
    |> Chart.withTitle returnMapTitle)
page.Text(
    String.Join("; ", [ for n in networks -> $"{n.Entry.Name}: {n.Maxima.Length} maxima, {attractorType n.Maxima}" ])
    + $" (Lorenz: {lorenzMaxima.Count} maxima).")

(**
## Lyapunov spectra: the trained maps and their fields against Lorenz

The QR method on each smooth network's trained map (products of its Jacobians, one per sample) and on its field, for the
leading five exponents (each extra one costs another tangent vector), from the network's state after the warm-up window, in
data time units. Where map and field disagree, the network's behaviour depends on its discretisation. A good model of Lorenz shows one positive exponent near
0.906, one near zero (the direction along the flow) and then negative ones — the third need not be −14.57: the network's
contracting directions include its own leak towards rest, at rate $1/\tau$ per model time unit, and what Lorenz squeezes its
network may squeeze differently. Rosenstein's estimate from each free run (every network, spiking or not) is the independent
check: it measures the discrete network itself, not an idealisation; we do the same to a Lorenz orbit of the same length and
sampling, so the two share their biases (estimates from series of this length fall 0.1–0.2 short of the true exponent).
*)
let lorenzRosenstein = LargestLyapunov.Rosenstein(Series.Rows(lorenzOrbit, 0, min orbitSamples protocol.FreeRunSteps), rosensteinOptions)
let exponentNames = [ "λ₁"; "λ₂"; "λ₃"; "λ₄"; "λ₅" ]
page.Chart(
    Plots.groupedBars "Leading Lyapunov exponents per data time unit: Lorenz-63, the networks' trained maps and their fields" exponentNames
        (("Lorenz-63", List.ofArray lorenzSpectrum.Exponents)
         :: [ for n, m in mapped -> $"{n.Entry.Name}: trained map", List.ofArray m.Spectrum.Exponents ]
         @ [ for n, f in smooth -> $"{n.Entry.Name}: field (Δ → 0)", List.ofArray f.Exponents ]))
/// Rosenstein's divergence curve with its fitted line over the fit range.
let divergenceCurves (name: string) (r: RosensteinResult) =
    [ $"{name}: ⟨ln d(t)⟩", r.Times, r.MeanLogDivergence
      $"{name}: fit, slope {r.Exponent:F3}", r.Times.[r.FitStart .. r.FitEnd], r.Times.[r.FitStart .. r.FitEnd] |> Array.map (fun t -> r.Intercept + r.Exponent * t) ]
page.Chart(
    Plots.lines "Rosenstein's method: mean log-distance of neighbouring states on each output series" "time (data units)" "⟨ln d⟩"
        ([ for n in networks do if n.Rosenstein.IsSome then yield! divergenceCurves n.Entry.Name n.Rosenstein.Value ] @ divergenceCurves "Lorenz-63 orbit" lorenzRosenstein))
page.Chart(
    Plots.logLog "Correlation sums: each free run against Lorenz-63 (each in its own units)" "radius r" "C(r)"
        ([ for n in networks do if n.Correlation.IsSome then yield! correlationCurves n.Entry.Name n.Correlation.Value ] @ correlationCurves "Lorenz-63" lorenzCorrelation))
let f3 (x: float) = if Double.IsFinite x then x.ToString("F3", Globalization.CultureInfo.InvariantCulture) else "n/a"
for n, m in mapped do
    page.Text(
        $"""**{n.Entry.Name}**: leading exponents of its trained map per data time unit **{String.Join(", ", m.Spectrum.Exponents |> Array.map f3)}**; """
        + $"""Kaplan–Yorke dimension **{f3 m.KaplanYorke}**.""")
for n, f in smooth do
    page.Text(
        $"""**{n.Entry.Name}**: leading exponents of its field per data time unit **{String.Join(", ", f.Exponents |> Array.map f3)}** """
        + $"""(Δ/dt = {f.ToDataTime:G4}; per model time unit {String.Join(", ", f.Spectrum.Exponents |> Array.map (fun l -> l.ToString "F4"))}); Kaplan–Yorke dimension **{f3 f.KaplanYorke}**.""")

(**
## Fixed points and periodic orbits of the learned maps and fields

Sussillo & Barak's search, in its discrete form for the maps (Golub & Sussillo 2018: minimise $q = \tfrac12|G(h) - h|^2$) and
as before for the fields, from states along each one's own orbit (plus a little noise). A map's multipliers $\mu$ become rates
comparable with a field's eigenvalues as $\ln\mu / dt$ per data time unit. Each fixed point is drawn where the network reads it out, in the (z-scored) Lorenz space, over the true attractor with Lorenz's own. A network
that learned the vector field has three, near Lorenz's: a saddle with one unstable direction between the wings and two
saddle-foci with two — plus strongly stable directions the data never probed. The spiral around Lorenz's wing centres grows
very slowly (Re λ = 0.094 per time unit against a rotation of 10.19), so a small error can flip its sign and make a centre a
*stable* focus, as Lorenz's own are for ρ below 24.74: orbits on the attractor look the same, but a state started close enough
spirals into it — a difference no one-step error and no single forecast reveals.

The periodic orbits are sought as for Lorenz, by Newton–shooting from near-returns of the field's orbit, and their periods given
in data time units: a network that learned Lorenz's skeleton has an orbit near AB's 1.5587.
*)
let lorenzFixedZ = [ for p in lorenzFixed.FixedPoints -> p, Series.Row(zScore.Apply(array2D [ p.Location ]), 0) ]
page.Chart(
    Plots.trajectory3d "Lorenz-63 (test data, z-scored)" data.Test
    :: fixedPointMarkers "Lorenz" 11 lorenzFixedZ
    @ [ for n, f in smooth do yield! fixedPointMarkers $"{n.Entry.Name} field" 6 f.Outputs ]
    @ [ for n, m in mapped do
          for stability, members in m.Outputs |> List.groupBy (fun (p, _) -> p.Stability) ->
              Plots.markers3d $"{n.Entry.Name} map ({stability})" 8 (members |> List.map snd) ]
    |> Chart.combine
    |> Chart.withTitle "Fixed points of the networks' maps and fields, read out into Lorenz space, over the true attractor")
/// A map's multiplier as a rate per data time unit, ln μ / dt (complex logarithm: growth and rotation per time unit).
let multiplierRate (mu: Complex) = Complex.Log mu / data.Dt
let toDataTimeEigenvalues (f: FieldAnalysis) (p: FixedPoint) = p.Eigenvalues |> Array.map (fun z -> z * f.ToDataTime)
page.Chart(
    Plots.complexPlane "Jacobian eigenvalues at the fixed points, data time units"
        ([ for n, m in mapped do for p in m.FixedPoints.FixedPoints -> $"{n.Entry.Name} map, {p.Stability}, {p.UnstableDirections} unstable (ln μ / dt)", p.Multipliers |> Array.map multiplierRate |> Array.filter (fun z -> Double.IsFinite z.Real) ]
         @ [ for n, f in smooth do for p in f.FixedPoints.FixedPoints -> $"{n.Entry.Name} field {p.Kind}, {p.UnstableDirections} unstable", toDataTimeEigenvalues f p ]
         @ [ ("Lorenz-63 (all points)", lorenzFixed.FixedPoints |> Seq.collect (fun p -> p.Eigenvalues) |> Array.ofSeq) ]))
let describeMultipliers (mus: Complex[]) = String.Join(", ", mus |> Array.truncate 4 |> Array.map (fun m -> $"{m.Magnitude:F4}"))
page.Table(
    [ "network"; "output (z-scored)"; "stability"; "unstable directions"; "largest |μ| (per sample)"; "starts that found it" ]
    :: [ for n, m in mapped do
            for p, y in m.Outputs ->
                [ n.Entry.Name; $"({y.[0]:F3}, {y.[1]:F3}, {y.[2]:F3})"; string p.Stability; string p.UnstableDirections; describeMultipliers p.Multipliers; string p.Hits ] ])
page.Table(
    [ "network (field)"; "output (z-scored)"; "kind"; "unstable directions"; "leading eigenvalues (data time)"; "starts that found it" ]
    :: [ for n, f in smooth do
            for p, y in f.Outputs ->
                [ n.Entry.Name; $"({y.[0]:F3}, {y.[1]:F3}, {y.[2]:F3})"; string p.Kind; string p.UnstableDirections
                  describeEigenvalues (toDataTimeEigenvalues f p |> Array.truncate 4); string p.Hits ] ])
let unstableCounts (points: seq<FixedPoint>) = points |> Seq.map (fun p -> p.UnstableDirections) |> Seq.sort |> List.ofSeq
let listed (counts: int list) = String.Join(", ", counts)
for n, m in mapped do
    page.Text(
        $"""**{n.Entry.Name}**, trained map: {m.FixedPoints.FixedPoints.Count} fixed points with {listed [ for p in m.FixedPoints.FixedPoints -> p.UnstableDirections ]} multipliers outside the unit circle """
        + $"""(Lorenz's: {listed (unstableCounts lorenzFixed.FixedPoints)} unstable directions), {m.FixedPoints.SlowPoints.Count} slow points, from {m.FixedPoints.Starts} starts. """
        + (match m.Orbits with
           | [] ->
               $"""No periodic orbit of the map: {defaultArg m.OrbitProblem "none converged"}."""
               + (match reportedOrbits n with
                  | periods, source when source = fieldOrbitSource ->
                      $""" Its field (Δ → 0) has periodic orbits (periods {String.Join(", ", periods |> Array.map f3)} data time units, below), which its analysis report saves, labelled as the field's."""
                  | _ -> "")
           | orbits ->
               $"""Periodic orbits of the map: periods {String.Join(", ", orbits |> List.map (fun o -> $"{o.Period} samples = {f3 (float o.Period * data.Dt)}"))} data time units """
               + $"""({String.Join(", ", orbits |> List.map (fun o -> string o.UnstableMultipliers))} unstable multipliers)."""))
for n, f in smooth do
    page.Text(
        (if unstableCounts f.FixedPoints.FixedPoints = unstableCounts lorenzFixed.FixedPoints then
            $"**{n.Entry.Name}**: its fixed points have as many unstable directions as Lorenz's ({listed (unstableCounts lorenzFixed.FixedPoints)}): its skeleton is Lorenz's."
         else
            $"**{n.Entry.Name}**: its skeleton differs from Lorenz's: {f.FixedPoints.FixedPoints.Count} fixed points with {listed (unstableCounts f.FixedPoints.FixedPoints)} unstable directions, "
            + $"Lorenz's {listed (unstableCounts lorenzFixed.FixedPoints)}.")
        + $" Search from {f.FixedPoints.Starts} starts: {f.FixedPoints.FixedPoints.Count} fixed points, {f.FixedPoints.SlowPoints.Count} slow points. "
        + (match f.Orbits with
           | [] -> $"""No periodic orbit: {defaultArg f.OrbitProblem "none converged"}."""
           | orbits ->
               $"""Periodic orbits of its field: periods {String.Join(", ", orbits |> List.map (fun o -> (o.Period / f.ToDataTime).ToString("F4", Globalization.CultureInfo.InvariantCulture)))} data time units """
               + $"""({String.Join(", ", orbits |> List.map (fun o -> string o.UnstableMultipliers))} unstable multipliers)."""))

(**
## A trained network's own bifurcation diagram: the recurrent gain

Scale a rate network's recurrent weights by a gain $g$ ($W_{rec} \to g\,W_{rec}$; $g = 1$ is the trained network) and run the
trained map — the network exactly as trained, with its solver and its feedback — from the warm-up state; after a transient,
draw the successive maxima of its fed-back $z$ against $g$. This is the orbit diagram of the learned system: where the band is
filled the network's own dynamics are irregular, where it shows a few points it cycles, where it shows none it has settled.
Where does the learned chaos appear and vanish, and is the trained network ($g = 1$) inside the chaotic range or on its edge?
*)
let withGain = networks |> List.choose (fun n -> n.Gain |> Option.map (fun g -> n, g))
page.Chart(
    [ for n, g in withGain -> diagramPoints n.Entry.Name g.Columns ]
    |> Chart.combine
    |> Chart.withXAxisStyle "recurrent gain g (1 = as trained)"
    |> Chart.withYAxisStyle "successive maxima of the fed-back z (z-scored)"
    |> Chart.withTitle $"The trained maps' orbit diagrams over the recurrent gain ({gainValues} gains, {gainSamples} samples each after {gainTransient})")
let gainSentences =
    [ for n, g in withGain ->
        let types = [ for p, maxima in g.Columns -> p, attractorType maxima ]
        let at1 = types |> List.minBy (fun (p, _) -> abs (p - 1.0)) |> snd
        let irregular = rangesOf "irregular" types
        $"""**{n.Entry.Name}**: irregular at g = {(if irregular.IsEmpty then "none of the gains" else String.Join(", ", irregular))}; periodic at g = {String.Join(", ", rangesOf "periodic" types) |> fun s -> if s = "" then "none" else s}; """
        + $"""settled at g = {String.Join(", ", rangesOf "settled" types) |> fun s -> if s = "" then "none" else s}. As trained (g = 1) it is {at1}.""" ]
for sentence in gainSentences do printfn "%s" sentence
page.Text(String.Join("\n\n", gainSentences))

(**
## Learned against true, side by side

The table gathers the numbers. Read it with the error bars in mind: the QR exponents of Lorenz are good to about a hundredth
over 1000 time units, the networks' (over fewer time units) to a few hundredths; correlation dimensions from 3000 points are
good to about ±0.1.
*)
let kinds (points: seq<FixedPoint>) =
    points |> Seq.map (fun p -> $"{p.Kind} ({p.UnstableDirections})") |> Seq.sort |> fun s -> String.Join(", ", s)
let lorenzShortest = lorenzOrbits |> List.tryHead |> Option.map (fun (o, _) -> o.Period) |> Option.defaultValue nan
let fieldValue (n: NetworkAnalysis) (pick: FieldAnalysis -> string) = n.Field |> Option.map pick |> Option.defaultValue "—"
let mapValue (n: NetworkAnalysis) (pick: MapAnalysis -> string) = n.Map |> Option.map pick |> Option.defaultValue "—"
let mapExponentAt i (m: MapAnalysis) = if i < m.Spectrum.Exponents.Length then f3 m.Spectrum.Exponents.[i] else "—"
let exponentAt i (f: FieldAnalysis) = if i < f.Exponents.Length then f3 f.Exponents.[i] else "—"
let shortestPeriod (f: FieldAnalysis) = f.Orbits |> List.tryHead |> Option.map (fun o -> f3 (o.Period / f.ToDataTime)) |> Option.defaultValue "none found"
/// The shortest reported periodic orbit of a network's map, or where its map has none, its field's, labelled as such.
let shortestReported (n: NetworkAnalysis) =
    match reportedOrbits n with
    | [||], _ -> "none found"
    | periods, source when source = mapOrbitSource -> f3 (Array.min periods)
    | periods, source -> $"none found (its {source}'s: {f3 (Array.min periods)})"
let comparison =
    [ "quantity" :: "Lorenz-63" :: [ for n in networks -> n.Entry.Name ]
      "λ₁ of the trained map (QR, per data time unit)" :: f3 lorenzSpectrum.Exponents.[0] :: [ for n in networks -> mapValue n (mapExponentAt 0) ]
      "λ₂ of the trained map" :: f3 lorenzSpectrum.Exponents.[1] :: [ for n in networks -> mapValue n (mapExponentAt 1) ]
      "Kaplan–Yorke dimension of the map" :: f3 lorenzKaplanYorke :: [ for n in networks -> mapValue n (fun m -> f3 m.KaplanYorke) ]
      "shortest periodic orbit of the map (data time units)" :: f3 lorenzShortest :: [ for n in networks -> mapValue n (fun _ -> shortestReported n) ]
      "fixed points of the map (unstable directions)" :: listed (unstableCounts lorenzFixed.FixedPoints) :: [ for n in networks -> mapValue n (fun m -> listed [ for p in m.FixedPoints.FixedPoints -> p.UnstableDirections ]) ]
      "λ₁ of the field (QR, per data time unit)" :: f3 lorenzSpectrum.Exponents.[0] :: [ for n in networks -> fieldValue n (exponentAt 0) ]
      "λ₂ of the field" :: f3 lorenzSpectrum.Exponents.[1] :: [ for n in networks -> fieldValue n (exponentAt 1) ]
      "λ₃ of the field" :: f3 lorenzSpectrum.Exponents.[2] :: [ for n in networks -> fieldValue n (exponentAt 2) ]
      "λ_max, Rosenstein on the output series" :: f3 lorenzRosenstein.Exponent :: [ for n in networks -> f3 n.Report.LargestLyapunov ]
      "Kaplan–Yorke dimension of the field" :: f3 lorenzKaplanYorke :: [ for n in networks -> fieldValue n (fun f -> f3 f.KaplanYorke) ]
      "correlation dimension (free run)" :: f3 lorenzCorrelation.Dimension :: [ for n in networks -> n.Correlation |> Option.map (fun c -> f3 c.Dimension) |> Option.defaultValue "n/a" ]
      "fixed points of the field (kind, unstable directions)" :: kinds lorenzFixed.FixedPoints :: [ for n in networks -> fieldValue n (fun f -> kinds f.FixedPoints.FixedPoints) ]
      "shortest periodic orbit of the field (data time units)" :: f3 lorenzShortest :: [ for n in networks -> fieldValue n shortestPeriod ]
      "return map (free run)" :: attractorType lorenzMaxima.Values :: [ for n in networks -> attractorType n.Maxima ]
      "D_stsp / D_H against the test data" :: "—" :: [ for n in networks -> $"{f3 n.Report.DStsp} / {f3 n.Report.DH}" ] ]
page.Table comparison
page.Chart(
    Plots.attractor3d "Free runs of every network and the test data (z-scored)"
        (("truth (test)", data.Test) :: [ for n in networks -> n.Entry.Name, Series.Rows(n.Report.FreeRun, 0, min 3000 (Array2D.length1 n.Report.FreeRun)) ]))
for n in networks do
    if not n.Notes.IsEmpty then page.Text($"""**{n.Entry.Name}**: {String.Join("; ", n.Notes)}.""")

page.Save(Path.Combine(outDir, "04_analysis.html"))

/// A fixed point of a field as the analysis report holds it: read out, with its fastest growth rate per data time unit.
let reportedFixedPoint (rate: float) (p: FixedPoint, output: float[]) =
    NeuroDyn.Evaluation.AnalysisFixedPoint(output, string p.Kind, p.UnstableDirections, (p.Eigenvalues |> Array.map (fun z -> z.Real) |> Array.max) * rate)

/// A fixed point of a map as the analysis report holds it: read out, with its fastest growth rate ln|μ| / dt per data time unit.
let reportedMapFixedPoint (p: MapFixedPoint, output: float[]) =
    NeuroDyn.Evaluation.AnalysisFixedPoint(output, string p.Stability, p.UnstableDirections, log (p.Multipliers |> Array.map (fun m -> m.Magnitude) |> Array.max) / data.Dt)

/// Saves what was found of one model beside its report (reports/ID.analysis.json), for chapter 05: its trained map's spectrum and fixed
/// points where it has a map (else its field's), its map's periodic orbits (else its field's, labelled), its free run's measures.
let saveAnalysis (n: NetworkAnalysis) =
    let f = n.Field
    let dynamics, exponents, kaplanYorke, fixedPoints =
        match n.Map, f with
        | Some m, _ -> (if f.IsSome then "trained map, its field (Δ → 0) and free run" else "trained map and free run"),
                       m.Spectrum.Exponents, m.KaplanYorke, [| for p in m.Outputs -> reportedMapFixedPoint p |]
        | None, Some f -> "closed-loop field (Δ → 0) and free run", f.Exponents, f.KaplanYorke, [| for p in f.Outputs -> reportedFixedPoint f.ToDataTime p |]
        | None, None -> "free run only", [||], nan, [||]
    let periods, orbitSource = reportedOrbits n
    let analysis =
        NeuroDyn.Evaluation.AnalysisReport(
            0, n.Entry.Name, common.Mode, dynamics, exponents, kaplanYorke, n.Report.LargestLyapunov,
            (n.Correlation |> Option.map (fun c -> c.Dimension) |> Option.defaultValue nan), fixedPoints, periods, orbitSource,
            n.Maxima, n.Seconds, Array.ofList n.Notes)
    NeuroDyn.Evaluation.AnalysisReportFile.Write(analysis, Experiments.analysisPath common n.Entry)
let savedAnalyses = [ for n in networks -> saveAnalysis n ]
let lorenzAnalysis =
    NeuroDyn.Evaluation.AnalysisReportFile.Write(
        NeuroDyn.Evaluation.AnalysisReport(
            0, "Lorenz-63 (truth)", common.Mode, "the Lorenz-63 field", lorenzSpectrum.Exponents, lorenzKaplanYorke, lorenzRosenstein.Exponent,
            lorenzCorrelation.Dimension, [| for p in lorenzFixed.FixedPoints -> reportedFixedPoint 1.0 (p, Series.Row(zScore.Apply(array2D [ p.Location ]), 0)) |],
            [| for o, _ in lorenzOrbits -> o.Period |], (if lorenzOrbits.IsEmpty then "" else "the Lorenz-63 field"), lorenzMaxima.Values |> Array.map zScored, 0.0, [||]),
        Experiments.truthAnalysisPath common)
printfn "saved the analysis reports: %s" (String.Join(", ", [ for n in networks -> Experiments.analysisPath common n.Entry ] @ [ Experiments.truthAnalysisPath common ]))

/// A fixed point for the JSON: location, eigenvalues as {re, im} (scaled to data time by `rate`), kind and unstable directions.
let fixedPointJson (rate: float) (p: FixedPoint) =
    {| location = p.Location
       eigenvalues = p.Eigenvalues |> Array.map (fun z -> {| re = z.Real * rate; im = z.Imaginary * rate |})
       kind = string p.Kind
       unstable_directions = p.UnstableDirections
       hits = p.Hits
       q = p.Q |}

/// One analysed dynamics for the JSON, a trained map or a field, with the entries both have (spectrum per data time unit, fixed points as
/// `fixedPoints`, slow points, periodic orbits in data time units, seconds) and `own` entries of its kind after the dimension.
let dynamicsJson (dimension: int) (own: (string * obj) list) (lyapunov: float[]) (kaplanYorke: float) (fixedPoints: obj[]) (slowPoints: int) (starts: int)
                 (periods: float[]) (orbitProblem: string option) (seconds: float) =
    dict
        [ yield "dimension", box dimension
          yield! own
          yield "lyapunov", box lyapunov
          yield "kaplan_yorke", box kaplanYorke
          yield "fixed_points", box fixedPoints
          yield "slow_points", box slowPoints
          yield "fixed_point_starts", box starts
          yield "periodic_orbit_periods", box periods
          yield "periodic_orbit_problem", box (defaultArg orbitProblem "")
          yield "seconds", box seconds ]

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
           periodic_orbits =
            [| for o, w in lorenzOrbits ->
                {| word = w; period = o.Period; published = (viswanath.TryFind w |> Option.defaultValue nan); closing_error = o.ClosingError
                   newton_steps = o.Iterations; unstable_multipliers = o.UnstableMultipliers; largest_multiplier = largestMultiplier o |} |]
           periodic_orbit_seeds = lorenzOrbitSearch.Seeds.Count
           maxima = lorenzMaxima.Count
           orbit_diagram = {| rho = rhoGrid; types = [| for _, t in rhoTypes -> t |]; periodic = rangesOf "periodic" rhoTypes |}
           analysis_file = Experiments.truthAnalysisPath common
           seconds =
            {| lyapunov = lorenzLyapunovSeconds; dimensions = lorenzDimensionSeconds; fixed_points = lorenzFixedSeconds
               periodic_orbits = lorenzOrbitSeconds; return_map_and_diagram = lorenzDiagramSeconds |} |}
       return_map = {| title = returnMapTitle; traces = [| yield "Lorenz-63 (truth)"; for n in networks -> $"{n.Entry.Name} (free run)" |] |}
       models =
        dict [ for n in networks ->
                n.Entry.Id,
                box
                    {| name = n.Entry.Name
                       model_file = Experiments.modelPath common n.Entry
                       report_file = Experiments.reportPath common n.Entry
                       analysis_file = Experiments.analysisPath common n.Entry
                       smooth = n.Map.IsSome
                       periodic_orbit_source = snd (reportedOrbits n)
                       map =
                        n.Map
                        |> Option.map (fun m ->
                            dynamicsJson m.Map.Dimension [] m.Spectrum.Exponents m.KaplanYorke
                                [| for p, y in m.Outputs ->
                                    box {| output = y; stability = string p.Stability; unstable_directions = p.UnstableDirections; hits = p.Hits; q = p.Q
                                           multipliers = p.Multipliers |> Array.map (fun z -> {| re = z.Real; im = z.Imaginary |}) |} |]
                                m.FixedPoints.SlowPoints.Count m.FixedPoints.Starts [| for o in m.Orbits -> float o.Period * data.Dt |] m.OrbitProblem m.Seconds)
                        |> Option.toObj
                       lambda_max_rosenstein = n.Report.LargestLyapunov
                       correlation_dimension = n.Correlation |> Option.map (fun c -> c.Dimension) |> Option.defaultValue nan
                       d_stsp = n.Report.DStsp
                       d_h = n.Report.DH
                       free_run_steps = Array2D.length1 n.Report.FreeRun
                       maxima = n.Maxima.Length
                       return_map_type = attractorType n.Maxima
                       field =
                        n.Field
                        |> Option.map (fun f ->
                            dynamicsJson f.Field.Dimension
                                [ "hidden", box f.Field.HiddenCount; "model_to_data_time", box f.ToDataTime; "lyapunov_model_time", box f.Spectrum.Exponents ]
                                f.Exponents f.KaplanYorke [| for p, y in f.Outputs -> box {| fixedPointJson f.ToDataTime p with output = y |} |]
                                f.FixedPoints.SlowPoints.Count f.FixedPoints.Starts [| for o in f.Orbits -> o.Period / f.ToDataTime |] f.OrbitProblem f.Seconds)
                        |> Option.toObj
                       gain_diagram =
                        n.Gain
                        |> Option.map (fun g -> box {| gains = [| for p, _ in g.Columns -> p |]; maxima = [| for _, m in g.Columns -> m.Length |]; types = [| for _, m in g.Columns -> attractorType m |] |})
                        |> Option.toObj
                       notes = n.Notes
                       seconds = n.Seconds |} ] |}
