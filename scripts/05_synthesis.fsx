(**
# Chapter 05 — Synthesis: five networks, one attractor

Chapters 01 to 03 trained four very different recurrent networks on the same Lorenz-63 data: a continuous-time RNN (01), a
balanced excitatory–inhibitory rate network that obeys Dale's law (02), a network of spiking neurons used as a reservoir and a
small spiking network trained with surrogate gradients (03); chapter 01 also trained a discrete-time GRU with the CT-RNN's
parameter budget as a baseline. Each chapter saved its network as a model file
(`models/*.safetensors`: weights, every option, one checksum) and measured it by the tutorial's one protocol
(`ForecastProtocol`) into a report (`reports/*.json`, the free run beside it). This chapter loads every model file and measures
it again, here, by the same protocol, so the numbers below are measured, not copied — and checks that they equal the reports:

* **one-step test MSE** — the error of the next state on the z-scored test data;
* **valid prediction time** (VPT) — how long a closed-loop forecast stays within a normalised error of 0.4, in Lyapunov times
  $1/\lambda_{max}$, from the same seeded start points for every model (median, 10th and 90th percentile);
* **attractor agreement** — $D_{stsp}$ (state-space divergence) and $D_H$ (power-spectrum distance) between a long free run
  and the test data (Hess et al. 2023);
* the **largest Lyapunov exponent** of the free run (Rosenstein's method), to be read against Lorenz's 0.906 per time unit.

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
## The models, measured again

Each model file is loaded and measured by the protocol; the measurement is written to `reports/05_synthesis/` beside the
chapters' own reports. The last column says whether it equals the report of the chapter that trained the model, to the last bit.
*)
/// A model's report from its chapter and this chapter's measurement of its model file.
type Measured = { Entry: Experiments.Entry; Saved: ForecastReport; Again: ForecastReport }

/// True when two reports hold the same measurements, bit for bit (NaN equal to NaN).
let sameMeasures (a: ForecastReport) (b: ForecastReport) =
    let bits (r: ForecastReport) = [ r.OneStepMse; r.DStsp; r.DH; r.LargestLyapunov ] |> List.map BitConverter.DoubleToInt64Bits
    bits a = bits b && a.Vpt.PerStart = b.Vpt.PerStart && a.Vpt.ErrorMedian = b.Vpt.ErrorMedian && a.FreeRun = b.FreeRun

let measured =
    [ for entry in Experiments.all ->
        let saved, model = Experiments.load common entry
        if saved.Protocol <> protocol then
            failwithf "%s was measured by another protocol than this %s run's; run chapter %s again" (Experiments.reportPath common entry) common.Mode entry.Chapter
        let again = Evaluate.Run(model, data, protocol, ModelRun(saved.Name, saved.Mode, saved.Seed, saved.TrainingSeconds))
        let file = Path.Combine(common.OutDir, "reports", "05_synthesis", entry.Id + ".json")
        Directory.CreateDirectory(Path.GetDirectoryName file) |> ignore
        ForecastReportFile.Write(again, file) |> ignore
        printfn "%s measured again: median VPT %.2f, D_stsp %.3f (report of chapter %s: %.2f, %.3f)" entry.Name again.Vpt.Median again.DStsp entry.Chapter saved.Vpt.Median saved.DStsp
        { Entry = entry; Saved = saved; Again = again } ]

let f (format: string) (x: float) = if Double.IsFinite x then x.ToString(format, Globalization.CultureInfo.InvariantCulture) else "n/a"
let header = [ "model"; "chapter"; "parameters"; "train (s)"; "test MSE"; "VPT median (p10–p90)"; "D_stsp"; "D_H"; "λ_max"; "= report" ]
let rows =
    [ for m in measured ->
        let r = m.Again
        [ r.Name; m.Entry.Chapter; string r.ParameterCount; f "F1" r.TrainingSeconds; f "0.00E+00" r.OneStepMse
          $"""{f "F2" r.Vpt.Median} ({f "F2" r.Vpt.P10}–{f "F2" r.Vpt.P90})"""; f "F3" r.DStsp; f "F3" r.DH; f "F3" r.LargestLyapunov
          (if sameMeasures r m.Saved then "yes" else "NO") ] ]
    @ [ [ "Lorenz-63 (truth)"; ""; ""; ""; ""; ""; ""; ""; f "F3" protocol.LyapunovExponent; "" ] ]
page.Table(header :: rows)

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
let analysisHeader = [ "model"; "dynamics analysed"; "largest exponent"; "Kaplan–Yorke dimension"; "fixed points"; "shortest periodic orbit" ]
let analysisRows =
    [ for name, path in [ for m in measured -> m.Again.Name, Experiments.analysisPath common m.Entry ] @ [ "Lorenz-63 (truth)", Experiments.truthAnalysisPath common ] ->
        match analysisOf path with
        | Some a -> [ name; a.Dynamics; f "F3" a.LargestExponent; f "F3" a.KaplanYorke; fixedPointSummary a; (if Double.IsFinite a.ShortestPeriod then $"""{f "F4" a.ShortestPeriod} ({a.PeriodicOrbitSource})""" else "none found") ]
        | None -> [ name; "not analysed (run chapter 04)"; ""; ""; ""; "" ] ]
page.Table(analysisHeader :: analysisRows)
let notes = [ for m in measured do for n in m.Again.Notes -> $"{m.Again.Name}: {n}" ]
if not notes.IsEmpty then page.Text("**Notes.**\n\n" + String.Join("\n", notes |> List.map (fun n -> "* " + n)))

(**
## The attractors

Each model's free run (the protocol's: warmed up on the first test states, then on its own), projected on the $x$–$z$ plane
(z-scored), beside the true attractor.
*)
let panels = ("Lorenz-63 (test data)", data.Test) :: [ for m in measured -> m.Again.Name, m.Again.FreeRun ]
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

The median over the start points of each model's normalised error $e(t)$, on a log scale against time in Lyapunov times. A
perfect model started with a tiny error would grow it as $e^{t}$ in these units; the VPT is where $e$ crosses the threshold
(the dashed line).
*)
let errorChart =
    Plots.logY "Closed-loop forecast error against time (median over the starts)" "time (Lyapunov times)" "normalised error e(t)"
        [ for m in measured -> m.Again.Name, m.Again.Vpt.Times, m.Again.Vpt.ErrorMedian ]
    |> Chart.withShape (
        Shape.init (ShapeType = StyleParam.ShapeType.Line, X0 = 0.0, X1 = 1.0, Xref = "paper", Y0 = protocol.Threshold, Y1 = protocol.Threshold,
                    Line = Line.init (Dash = StyleParam.DrawingStyle.Dash)))
page.Chart errorChart

(**
## What this run shows

The sentences below are computed from the numbers of this run.
*)
let reports = [ for m in measured -> m.Again ]
let byId id = (measured |> List.find (fun m -> m.Entry.Id = id)).Again
let ct, ei = byId Experiments.ctRnn.Id, byId Experiments.eiRate.Id
let conclusions =
    [ let ranked = reports |> List.sortByDescending (fun r -> r.Vpt.Median)
      let best, second = ranked.[0], ranked.[1]
      yield
          $"The longest valid prediction time is the **{best.Name}**'s: a median of {best.Vpt.Median:F2} Lyapunov times, "
          + (if second.Vpt.Median > 0.0 && best.Vpt.Median / second.Vpt.Median < 1.05 then $"level with the {second.Name} ({second.Vpt.Median:F2})."
             elif second.Vpt.Median > 0.0 then $"{best.Vpt.Median / second.Vpt.Median:F1} times the next best, the {second.Name} ({second.Vpt.Median:F2})."
             else $"while the next best, the {second.Name}, has a median of zero.")
      let verdict =
          match ei.OneStepMse > ct.OneStepMse, ei.Vpt.Median < ct.Vpt.Median with
          | true, true -> "Dale's law cost accuracy in this run"
          | false, false -> "Dale's law cost no accuracy in this run"
          | _ -> "Dale's law gave a mixed result in this run"
      yield
          $"{verdict}: the E/I network reached a test MSE of {ei.OneStepMse:``0.00E+00``} against the CT-RNN's {ct.OneStepMse:``0.00E+00``} "
          + $"and a median VPT of {ei.Vpt.Median:F2} against {ct.Vpt.Median:F2}, with {ei.ParameterCount} parameters against {ct.ParameterCount}."
      match reports |> List.filter (fun r -> Double.IsFinite r.DStsp) |> List.sortBy (fun r -> r.DStsp) with
      | fills :: _ -> yield $"The free run that best fills the true attractor's state space is the {fills.Name}'s (D_stsp = {fills.DStsp:F3}, D_H = {fills.DH:F3})."
      | [] -> yield "No free run stayed inside the true attractor's range: D_stsp could not be measured for any model."
      match reports |> List.filter (fun r -> Double.IsFinite r.LargestLyapunov) with
      | [] -> yield "No free run allowed a Lyapunov exponent to be estimated."
      | withLambda ->
          let closest = withLambda |> List.minBy (fun r -> abs (r.LargestLyapunov - protocol.LyapunovExponent))
          yield $"The largest Lyapunov exponent closest to Lorenz's {protocol.LyapunovExponent:F3} is the {closest.Name}'s ({closest.LargestLyapunov:F3}); "
                + String.Join(", ", withLambda |> List.map (fun r -> $"{r.Name} {r.LargestLyapunov:F3}")) + "."
      let differing = measured |> List.filter (fun m -> not (sameMeasures m.Again m.Saved))
      yield
          if differing.IsEmpty then "Every model, loaded from its file and measured again here, gave its chapter's report to the last bit."
          else $"""Measured again here, {String.Join(", ", differing |> List.map (fun m -> m.Entry.Name))} did not reproduce the report of the chapter that trained it.""" ]
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
        [| for m in measured ->
            {| id = m.Entry.Id; name = m.Again.Name; chapter = m.Entry.Chapter; report_file = Experiments.reportPath common m.Entry
               measured_again_file = Path.Combine(common.OutDir, "reports", "05_synthesis", m.Entry.Id + ".json")
               analysis_file = Experiments.analysisPath common m.Entry
               same_as_report = sameMeasures m.Again m.Saved |} |]
       conclusions = conclusions
       figures = [| for file in figures -> "figures/" + file |] |}
