(**
# Chapter 05 — Synthesis: five networks, one attractor

Chapters 01 to 03 trained four very different recurrent networks on the same Lorenz-63 data: a continuous-time RNN (01), a
balanced excitatory–inhibitory rate network that obeys Dale's law (02), a network of spiking neurons used as a reservoir and a
small spiking network trained with surrogate gradients (03); chapter 01 also trained a discrete-time GRU with the CT-RNN's
parameter budget as a baseline. Each chapter trained its networks from several seeds (a sweep over the seeds, `sweeps/ID/`), saved
every seed's network as a model file (`*.safetensors`: weights, every option, one checksum) and measured it by the tutorial's one
protocol (`ForecastProtocol`) into a report (the free run beside it); the main seed's files are also `models/ID.safetensors` and
`reports/ID.json`. This chapter trains and measures nothing: it loads every seed's report and the main seed's model file (their
checksums verified), and compares the networks over their seeds:

* **one-step test MSE** — the error of the next state on the z-scored test data;
* **valid prediction time** (VPT) — how long a closed-loop forecast stays within a normalised error of 0.4, in Lyapunov times
  $1/\lambda_{max}$, from the same seeded start points for every model (the median over the starts, per seed);
* **attractor agreement** — $D_{stsp}$ (state-space divergence) and $D_H$ (power-spectrum distance) between a long free run
  and the test data (Hess et al. 2023);
* the **largest Lyapunov exponent** of the free run (Rosenstein's method), to be read against Lorenz's 0.906 per time unit.

A network trained from one seed is one draw of a chaotic training process: seeds of the same recipe differ in VPT by as much as some
networks differ from each other. So every number below is the median over the seeds with its range (smallest to largest), and the
conclusions call one network better or worse than another only where the difference exceeds the seed-to-seed spread: where every
seed of one beats every seed of the other.

Run it with `dotnet fsi scripts/05_synthesis.fsx` after chapters 01–03 (`--quick` or `--full` as they were run); `-- --help` lists the options.
*)
#load "prelude.fsx"
open System
open System.IO
open Prelude
open NeuroDyn.IO
open NeuroDyn.Evaluation
open Plotly.NET
open Plotly.NET.LayoutObjects

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
args.Check()
let page = Page.Page("Chapter 05 — Synthesis", __SOURCE_DIRECTORY__ + "/05_synthesis.fsx")
let data = Models.lorenzData common.DataPath common.DataDuration
let protocol = Experiments.protocol common

(**
## The models over their seeds

Each model's reports over its seeds and its main seed's model file, loaded and verified. A model that its chapter trained from one
seed only (a chapter run without a sweep) is marked "one run": its numbers have no spread to be read against.
*)
/// A model of the tutorial as its chapter left it: the main seed's report (`reports/ID.json`) and every seed's report.
type Model = { Entry: Experiments.Entry; Main: ForecastReport; Seeds: ForecastReport list }

let models =
    [ for entry in Experiments.all ->
        let seeds = Experiments.seedReports common entry
        let main, model = Experiments.load common entry
        match model with :? IDisposable as d -> d.Dispose() | _ -> ()
        for r in main :: seeds do
            if r.Protocol <> protocol then
                failwithf "%s was measured by another protocol than this %s run's; run chapter %s again" (Experiments.reportPath common entry) common.Mode entry.Chapter
        printfn "%s: %d seed(s), median VPT over them %.2f" entry.Name seeds.Length (SeedSpread.Of(seeds |> List.map (fun r -> r.Vpt.Median))).Median
        { Entry = entry; Main = main; Seeds = seeds } ]

/// A measure of a model over its seeds.
let spreadOf (m: Model) (measure: ForecastReport -> float) = SeedTable.spreadOf m.Seeds measure
let vptOf, mseOf, stspOf, dhOf, lambdaOf =
    (fun (r: ForecastReport) -> r.Vpt.Median), (fun (r: ForecastReport) -> r.OneStepMse), (fun (r: ForecastReport) -> r.DStsp),
    (fun (r: ForecastReport) -> r.DH), (fun (r: ForecastReport) -> r.LargestLyapunov)
let header = [ "model"; "chapter"; "parameters"; "seeds"; "train (s)"; "test MSE"; "VPT median"; "D_stsp"; "D_H"; "λ_max of the free run (Rosenstein)" ]
let rows =
    [ for m in models ->
        [ m.Main.Name; m.Entry.Chapter; string m.Main.ParameterCount; (if m.Seeds.Length = 1 then "1 (one run)" else string m.Seeds.Length)
          SeedTable.spreadText "F1" (spreadOf m (fun r -> r.TrainingSeconds)); SeedTable.spreadText SeedTable.mseFormat (spreadOf m mseOf); SeedTable.spreadText "F2" (spreadOf m vptOf)
          SeedTable.spreadText "F3" (spreadOf m stspOf); SeedTable.spreadText "F3" (spreadOf m dhOf); SeedTable.spreadText "F3" (spreadOf m lambdaOf) ] ]
    @ [ [ "Lorenz-63 (truth)"; ""; ""; ""; ""; ""; ""; ""; ""; SeedTable.show "F3" protocol.LyapunovExponent ] ]
page.Table(header :: rows)
page.Text("Each cell is the median over the seeds with the range (smallest–largest) in brackets; the VPT is each seed's median over the protocol's starts.")

(**
## What chapter 04's analysis found

Chapter 04 analysed every model as a dynamical system and saved its findings beside its report (`reports/ID.analysis.json`):
the largest Lyapunov exponent (the QR spectrum's of a smooth network, Rosenstein's from the free run of a spiking one, per time
unit), the Kaplan–Yorke dimension from the spectrum, the fixed points found (with their unstable directions) and the shortest
periodic orbit. A model chapter 04 has not analysed in this mode shows "not analysed".
*)
/// Chapter 04's analysis of a model, if this run's output folder holds one of this mode.
let analysisOf (path: string) =
    if File.Exists path then
        let a = AnalysisReportFile.Read path
        if a.Mode = common.Mode then Some a else None
    else None
let fixedPointSummary (a: AnalysisReport) =
    if a.FixedPoints.Length = 0 then "none found"
    else String.Join(", ", a.FixedPoints |> Array.map (fun p -> string p.UnstableDirections) |> Array.sort) |> sprintf "%d (unstable directions %s)" a.FixedPoints.Length
let analysisHeader = [ "model"; "dynamics analysed"; "largest exponent of what was analysed"; "Kaplan–Yorke dimension"; "fixed points"; "shortest periodic orbit" ]
let analysisRows =
    [ for name, path in [ for m in models -> m.Main.Name, Experiments.analysisPath common m.Entry ] @ [ "Lorenz-63 (truth)", Experiments.truthAnalysisPath common ] ->
        match analysisOf path with
        | Some a -> [ name; a.Dynamics; SeedTable.show "F3" a.LargestExponent; SeedTable.show "F3" a.KaplanYorke; fixedPointSummary a; (if Double.IsFinite a.ShortestPeriod then $"""{SeedTable.show "F4" a.ShortestPeriod} ({a.PeriodicOrbitSource})""" else "none found") ]
        | None -> [ name; "not analysed (run chapter 04)"; ""; ""; ""; "" ] ]
page.Table(analysisHeader :: analysisRows)
let notes = [ for m in models do for r in m.Seeds do for n in r.Notes -> $"{m.Main.Name}, seed {r.Seed}: {n}" ]
if not notes.IsEmpty then page.Text("**Notes.**\n\n" + String.Join("\n", notes |> List.map (fun n -> "* " + n)))

(**
## The attractors

Each model's free run (the protocol's: warmed up on the first test states, then on its own; the main seed's), projected on the
$x$–$z$ plane (z-scored), beside the true attractor.
*)
let panels = ("Lorenz-63 (test data)", data.Test) :: [ for m in models -> m.Main.Name, m.Main.FreeRun ]
/// The true attractor's range of column j widened by a quarter on each side: every panel shares it, and a free run that leaves it leaves the panel.
let sharedRange j =
    let values = Plots.column data.Test j
    let pad = 0.25 * (Array.max values - Array.min values)
    Array.min values - pad, Array.max values + pad
let palette = [| "#1f77b4"; "#d62728"; "#8c564b"; "#2ca02c"; "#9467bd"; "#ff7f0e" |]
let attractorChart =
    panels
    |> List.mapi (fun i (name, states) ->
        Chart.Line(x = Plots.column states 0, y = Plots.column states 2, Name = name, LineColor = Color.fromString palette.[i % palette.Length], LineWidth = 0.8)
        |> Chart.withXAxisStyle ("x", MinMax = sharedRange 0)
        |> Chart.withYAxisStyle ("z", MinMax = sharedRange 2))
    |> Chart.Grid(1, panels.Length, SubPlotTitles = List.map fst panels)
    |> Chart.withTitle "Free-running models beside the true attractor (x–z projection, z-scored)"
page.Chart attractorChart

(**
## How forecast errors grow

The median over the start points of each model's normalised error $e(t)$ (its main seed's), on a log scale against time in Lyapunov times. A
perfect model started with a tiny error would grow it as $e^{t}$ in these units; the VPT is where $e$ crosses the threshold
(the dashed line).
*)
let errorChart =
    Plots.logY "Closed-loop forecast error against time (median over the starts)" "time (Lyapunov times)" "normalised error e(t)"
        [ for m in models -> m.Main.Name, m.Main.Vpt.Times, m.Main.Vpt.ErrorMedian ]
    |> Chart.withShape (
        Shape.init (ShapeType = StyleParam.ShapeType.Line, X0 = 0.0, X1 = 1.0, Xref = "paper", Y0 = protocol.Threshold, Y1 = protocol.Threshold,
                    Line = Line.init (Dash = StyleParam.DrawingStyle.Dash)))
page.Chart errorChart

(**
## What this run shows

The sentences below are computed from the numbers of this run.
*)
let byId id = models |> List.find (fun m -> m.Entry.Id = id)
let ct, gru, ei = byId Experiments.ctRnn.Id, byId Experiments.gru.Id, byId Experiments.eiRate.Id
/// How one model's measure compares with another's over their seeds (`SeedSpread.Compare`: better or worse only beyond the seed spread).
let compared (mine: Model) (other: Model) (measure: ForecastReport -> float) (higherIsBetter: bool) =
    SeedSpread.Compare(spreadOf mine measure, spreadOf other measure, higherIsBetter)
/// A comparison in words.
let word (comparison: SpreadComparison) =
    match comparison with
    | SpreadComparison.Better -> "better"
    | SpreadComparison.Worse -> "worse"
    | SpreadComparison.WithinSpread -> "no difference beyond the seed spread"
    | _ -> "not comparable (one run each, so no seed spread is known)"
/// The model that leads in a measure (by its median over the seeds) and how it stands against the next one.
let leader (measure: ForecastReport -> float) (higherIsBetter: bool) (what: string) (format: string) =
    let ranked =
        models |> List.filter (fun m -> Double.IsFinite (spreadOf m measure).Median)
        |> List.sortBy (fun m -> let median = (spreadOf m measure).Median in if higherIsBetter then -median else median)
    match ranked with
    | best :: second :: _ ->
        let show (m: Model) = $"the {m.Main.Name}'s, {SeedTable.spreadText format (spreadOf m measure)}"
        let standing =
            match compared best second measure higherIsBetter with
            | SpreadComparison.Better -> $"better than the next, {show second}, beyond the seed spread"
            | other -> $"ahead of the next, {show second}, by its median only: {word other}"
        Some $"The best {what} is {show best}: {standing}."
    | _ -> None
let mseText (m: Model) = SeedTable.spreadText SeedTable.mseFormat (spreadOf m mseOf)
let vptText (m: Model) = SeedTable.spreadText "F2" (spreadOf m vptOf)
let lambdaText (m: Model) = SeedTable.spreadText "F3" (spreadOf m lambdaOf)
let conclusions =
    [ yield! leader vptOf true "median valid prediction time (Lyapunov times, median over the seeds and range)" "F2" |> Option.toList
      let mse, vpt = compared ei ct mseOf false, compared ei ct vptOf true
      let dale =
          match mse, vpt with
          | SpreadComparison.Worse, SpreadComparison.Worse -> "Dale's law cost accuracy beyond the seed spread"
          | SpreadComparison.Better, SpreadComparison.Better -> "Dale's law cost no accuracy: the E/I network did better beyond the seed spread"
          | SpreadComparison.WithinSpread, SpreadComparison.WithinSpread -> "Dale's law made no difference beyond the seed spread"
          | _ -> "Dale's law gave a mixed result"
      yield
          $"{dale}: the E/I network's test MSE, {mseText ei}, against the CT-RNN's {mseText ct} ({word mse}); its median VPT, {vptText ei}, "
          + $"against {vptText ct} ({word vpt}); with {ei.Main.ParameterCount} parameters against {ct.Main.ParameterCount}."
      yield
          $"The discrete-time GRU against the CT-RNN with the same parameter budget: median VPT {vptText gru} against {vptText ct} "
          + $"({word (compared gru ct vptOf true)}), test MSE {mseText gru} against {mseText ct} ({word (compared gru ct mseOf false)})."
      match leader stspOf false "fill of the true attractor's state space (D_stsp, median over the seeds and range)" "F3" with
      | Some sentence -> yield sentence
      | None -> yield "Fewer than two models' free runs stayed inside the true attractor's range: D_stsp could not be compared."
      match models |> List.filter (fun m -> Double.IsFinite (spreadOf m lambdaOf).Median) with
      | [] -> yield "No free run allowed a Lyapunov exponent to be estimated."
      | withLambda ->
          let closest = withLambda |> List.minBy (fun m -> abs ((spreadOf m lambdaOf).Median - protocol.LyapunovExponent))
          yield $"The largest Lyapunov exponent (median over the seeds) closest to Lorenz's {protocol.LyapunovExponent:F3} is the {closest.Main.Name}'s, "
                + $"{lambdaText closest}; " + String.Join(", ", withLambda |> List.map (fun m -> $"{m.Main.Name} {lambdaText m}")) + "."
      let single = models |> List.filter (fun m -> m.Seeds.Length = 1)
      let seedCounts = String.Join(", ", models |> List.map (fun m -> $"{m.Main.Name} {m.Seeds.Length}"))
      yield
          $"Seeds per model: {seedCounts}. Every model file and report was loaded with its checksums verified; nothing was trained or measured here."
          + (if single.IsEmpty then "" else $""" {String.Join(", ", single |> List.map (fun m -> m.Main.Name))}: one run only, so no seed spread is known.""") ]
for sentence in conclusions do printfn "%s" sentence
page.Text(String.Join("\n\n", conclusions))

(**
## Static figures

The table is also written as Markdown (`05_synthesis.md`), with PNG images of the charts under `figures/`.
*)
let figures =
    [ "05_attractors.png", 320 * panels.Length, 400, attractorChart
      "05_vpt_error.png", 900, 520, errorChart ]
    |> List.choose (fun (file, w, h, chart) ->
        match Figures.savePng (Path.Combine(common.OutDir, "figures", file)) w h chart with
        | Ok _ -> Some file
        | Error reason -> printfn "%s: %s" file reason; None)
let cell (s: string) = s.Replace("|", "\\|")
let markdown =
    [ "# NeuroDyn — the models side by side"; ""
      $"Run: {common.Mode} mode. VPT in Lyapunov times (λ = {protocol.LyapunovExponent}); λ_max per time unit."; ""
      "| " + String.Join(" | ", header) + " |"
      "|" + String.Join("|", header |> List.mapi (fun i _ -> if i = 0 then "---" else "---:")) + "|" ]
    @ [ for r in rows -> "| " + String.Join(" | ", r |> List.map cell) + " |" ]
    @ [ ""; "Chapter 04's analysis:"; ""; "| " + String.Join(" | ", analysisHeader) + " |"; "|" + String.Join("|", analysisHeader |> List.map (fun _ -> "---")) + "|" ]
    @ [ for r in analysisRows -> "| " + String.Join(" | ", r |> List.map cell) + " |" ]
    @ [ "" ] @ conclusions @ [ "" ] @ [ for file in figures -> $"![{Path.GetFileNameWithoutExtension file}](figures/{file})" ]
AtomicFile.WriteAllText(Path.Combine(common.OutDir, "05_synthesis.md"), String.Join("\n", markdown) + "\n")

page.Save(Path.Combine(common.OutDir, "05_synthesis.html"))
Output.writeJson (Path.Combine(common.OutDir, "05_synthesis.json"))
    {| mode = common.Mode
       models =
        [| for m in models ->
            let spread (measure: ForecastReport -> float) = let s = spreadOf m measure in {| median = s.Median; min = s.Min; max = s.Max; n = s.Count |}
            {| id = m.Entry.Id; name = m.Main.Name; chapter = m.Entry.Chapter; report_file = Experiments.reportPath common m.Entry
               analysis_file = Experiments.analysisPath common m.Entry
               sweep_folder = (if m.Seeds.Length > 1 then Experiments.sweepPath common m.Entry else null)
               seeds = [| for r in m.Seeds -> r.Seed |]
               one_run = (m.Seeds.Length = 1)
               one_step_mse = spread mseOf; vpt_median = spread vptOf; d_stsp = spread stspOf; d_h = spread dhOf; largest_lyapunov = spread lambdaOf |} |]
       conclusions = conclusions
       figures = [| for file in figures -> "figures/" + file |] |}
