/// Parameter sweeps from scripts: prepare a sweep, run it on local worker processes, collect its table, and chart each measure against each
/// swept option with the spread over seeds (median and range), on one offline page. The sweeps themselves are NeuroDyn.Sweeps in the core.
module Sweeps

open System
open System.IO
open Plotly.NET
open NeuroDyn.IO
open NeuroDyn.Evaluation
open NeuroDyn.Sweeps

/// The sweep's page of charts, beside results.csv in its folder.
let chartsFile = "charts.html"

/// Median, minimum, maximum and count of the finite values (NaN for none).
let private spread (values: float seq) =
    let finite = values |> Seq.filter Double.IsFinite |> Array.ofSeq
    if finite.Length = 0 then nan, nan, nan, 0
    else Evaluate.Percentile(finite, 0.5), Array.min finite, Array.max finite, finite.Length

/// A measure against one swept option: per value, the median over seeds as a line with the range (minimum to maximum) as error bars, one
/// line per combination of the other swept options; unfinished runs and unmeasured values (NaN) are left out.
let chart (table: SweepTable) (option: string) (measure: SweepMeasure) =
    let others = table.Options |> Seq.filter ((<>) option) |> List.ofSeq
    let values = table.Rows |> Seq.map (fun r -> r.Values[option]) |> Seq.distinct |> List.ofSeq
    let numeric = values |> List.forall (fun v -> fst (Double.TryParse(v, Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture)))
    let finished = table.Rows |> Seq.filter (fun r -> r.Status = SweepRunStatus.Finished)
    finished
    |> Seq.groupBy (fun r -> others |> List.map (fun o -> $"{o}={r.Values[o]}") |> String.concat ", ")
    |> Seq.map (fun (group, rows) ->
        let points =
            values |> List.choose (fun v ->
                let median, low, high, n = rows |> Seq.filter (fun r -> r.Values[option] = v) |> Seq.map (fun r -> r.Value measure) |> spread
                if n = 0 then None else Some(v, median, low, high, n))
        let y = points |> List.map (fun (_, m, _, _, _) -> m)
        let text = points |> List.map (fun (v, m, lo, hi, n) -> $"{option}={v}: median {m:G4} of {n} seed(s), range {lo:G4} … {hi:G4}")
        let line =
            if numeric then Chart.Line(x = (points |> List.map (fun (v, _, _, _, _) -> float v)), y = y, ShowMarkers = true, Name = (if group = "" then measure.Name else group), MultiText = text)
            else Chart.Line(x = (points |> List.map (fun (v, _, _, _, _) -> v)), y = y, ShowMarkers = true, Name = (if group = "" then measure.Name else group), MultiText = text)
        line |> Chart.withYErrorStyle (Symmetric = false, Array = (points |> List.map (fun (_, m, _, hi, _) -> hi - m)),
                                       Arrayminus = (points |> List.map (fun (_, m, lo, _, _) -> m - lo))))
    |> Chart.combine
    |> Chart.withXAxisStyle option
    |> Chart.withYAxisStyle measure.Title
    |> Chart.withTitle $"{measure.Title} against {option} (median over seeds, bars: range)"

/// Every measure but the timings against every swept option.
let charts (table: SweepTable) =
    [ for option in table.Options do
        for measure in SweepTable.Measures do
            if not measure.IsTiming then yield chart table option measure ]

/// Writes the charts as one page with plotly.js embedded (it opens offline) into the sweep's folder; returns its path.
let savePage (folder: string) (table: SweepTable) =
    let path = Path.Combine(Path.GetFullPath folder, chartsFile)
    let body = charts table |> List.map (Chart.withSize (900, 520) >> GenericChart.toChartHTML) |> String.concat "\n"
    let finished = table.Rows |> Seq.filter (fun r -> r.Status = SweepRunStatus.Finished) |> Seq.length
    AtomicFile.WriteAllText(path, $"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sweep {Net.WebUtility.HtmlEncode folder}</title>
<script>{Page.plotlyJs.Force()}</script></head><body><h1>Sweep {Net.WebUtility.HtmlEncode folder}</h1>
<p>{finished} of {table.Rows.Count} runs finished; the table is results.csv (and results.md) beside this page.</p>
{body}
</body></html>""")
    path

/// Prepares the sweep in the folder (or checks that the folder holds this very sweep), runs its unfinished runs on local worker processes
/// (default one per core), collects the table and writes the charts; returns the table.
let run (definition: SweepDefinition) (folder: string) (workers: int option) =
    Sweep.Prepare(definition, folder) |> ignore
    let outcome = Sweep.Run(folder, workers = Option.toNullable workers)
    for KeyValue(id, error) in outcome.Failed do printfn "failed: %s: %s" id (error.Split('\n')[0])
    let table = Sweep.Collect folder
    printfn "%s\n%d of %d runs finished in %.1f s on %d worker process(es); charts in %s" (table.ToMarkdown()) (outcome.FinishedBefore + outcome.Finished)
        outcome.Total outcome.Seconds outcome.Workers (savePage folder table)
    table
