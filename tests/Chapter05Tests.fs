/// Chapter 05 (synthesis) in quick mode after chapters 00–03 in one folder: it reads every model's reports over its seeds (training and
/// measuring nothing), shows their medians and ranges, compares by the seed spread, draws one free run and one error curve per model
/// (the main seed's), and says which chapter to run when one is missing.
module NeuroDyn.Tests.Chapter05Tests

open System
open System.IO
open System.Text
open System.Text.Json
open Expecto
open NeuroDyn.Evaluation

/// Width and height of a PNG from its IHDR chunk (big-endian, bytes 16–23), after checking the 8-byte signature.
let private pngSize (path: string) =
    let bytes = File.ReadAllBytes path
    Expect.isGreaterThan bytes.Length 1000 $"{path} is a real image, not an empty file"
    Expect.sequenceEqual bytes.[.. 7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] $"{path} starts with the PNG signature"
    let bigEndian i = (int bytes.[i] <<< 24) ||| (int bytes.[i + 1] <<< 16) ||| (int bytes.[i + 2] <<< 8) ||| int bytes.[i + 3]
    bigEndian 16, bigEndian 20

/// The traces (name, x, y) of every chart on a page, read from the `var data = [...]` that Plotly.NET writes for each chart.
let private charts (html: string) =
    let bytes = Encoding.UTF8.GetBytes html
    let marker = Encoding.UTF8.GetBytes "var data = "
    [ let mutable at = bytes.AsSpan().IndexOf(ReadOnlySpan marker)
      while at >= 0 do
          let start = at + marker.Length
          let mutable reader = Utf8JsonReader(ReadOnlySpan(bytes, start, bytes.Length - start))
          use data = JsonDocument.ParseValue(&reader)
          yield [ for trace in data.RootElement.EnumerateArray() ->
                    let numbers (key: string) = [| for v in trace.GetProperty(key).EnumerateArray() -> v.GetDouble() |]
                    trace.GetProperty("name").GetString(), numbers "x", numbers "y" ]
          let next = bytes.AsSpan(start).IndexOf(ReadOnlySpan marker)
          at <- if next < 0 then -1 else start + next ]

/// Expects two series to agree to the 1e-12 relative error of the charts' decimal JSON.
let private close (actual: float[]) (expected: float[]) (what: string) =
    Expect.equal actual.Length expected.Length $"{what}: as many points"
    for i in 0 .. expected.Length - 1 do
        Expect.floatClose { absolute = 1e-15; relative = 1e-12 } actual.[i] expected.[i] $"{what}: point {i}"

let private ids = [ "ctrnn", "CT-RNN"; "gru", "GRU (discrete time)"; "ei_rate", "E/I rate network (Dale)"; "reservoir", "Spiking reservoir"; "surrogate_lif", "Surrogate-gradient LIF network" ]

[<Tests>]
let tests =
    testSequenced <| testList "chapter 05" [
        test "05 synthesis: every model's seeds read from its sweep (median and range), nothing measured again; conclusions by the seed spread; one free run and one error curve per model" {
            let dir = Run.tempFolder "05_synthesis"
            let limit = TimeSpan.FromMinutes 5.0
            try
                ChapterTests.runChapterIn dir limit "00_lorenz" [] |> ignore
                ChapterTests.runChapterIn dir limit "01_ctrnn" [] |> ignore
                // a missing report: the chapter stops and says which chapter to run
                let refused =
                    Run.program "dotnet" [ "fsi"; Path.Combine(Run.root, "scripts", "05_synthesis.fsx"); "--quick"; "--out"; dir; "--data"; Path.Combine(dir, "lorenz_data.npz") ] Run.root limit
                Expect.notEqual refused.ExitCode 0 "without chapter 02's report chapter 05 stops"
                Expect.stringContains refused.Output "run chapter 02_ei_rate first: dotnet fsi scripts/02_ei_rate.fsx --quick" "and says what to run"
                ChapterTests.runChapterIn dir limit "02_ei_rate" [] |> ignore
                ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 10.0) "03_spiking" [] |> ignore
                let json, _ = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 10.0) "05_synthesis" []
                Expect.isFalse (Directory.Exists(Path.Combine(dir, "reports", "05_synthesis"))) "nothing is measured again"

                // A model's seeds as its chapter left them: its sweep's reports if it trained over seeds, else its one report.
                let seedsOf id =
                    let sweep = Path.Combine(dir, "sweeps", id, "runs")
                    if Directory.Exists sweep then
                        [ for run in Directory.GetDirectories sweep -> ForecastReportFile.Read(Path.Combine(run, "report.json")) ] |> List.sortBy (fun r -> r.Seed)
                    else [ ForecastReportFile.Read(Path.Combine(dir, "reports", id + ".json")) ]
                let spread id (measure: ForecastReport -> float) = SeedSpread.Of(seedsOf id |> List.map measure)
                let listed = [ for m in json.GetProperty("models").EnumerateArray() -> m.GetProperty("id").GetString(), m ]
                Expect.equal (List.map fst listed) (List.map fst ids) "every model, in chapter order"
                for id, m in listed do
                    let seeds = seedsOf id
                    Expect.equal [ for s in m.GetProperty("seeds").EnumerateArray() -> s.GetInt64() ] [ for r in seeds -> r.Seed ] $"{id}: every seed its chapter trained"
                    Expect.equal (m.GetProperty("one_run").GetBoolean()) (seeds.Length = 1) $"{id}: marked as one run exactly when it has one report"
                    let vpt, expected = m.GetProperty "vpt_median", spread id (fun r -> r.Vpt.Median)
                    for key, value in [ "median", expected.Median; "min", expected.Min; "max", expected.Max ] do
                        Expect.equal (vpt.GetProperty(key).GetDouble()) value $"{id}: the {key} of the seeds' median VPTs"
                for id in [ "ctrnn"; "gru" ] do Expect.equal (seedsOf id).Length 2 $"chapter 01 trained the {id} from two seeds"
                let reports = [ for id, _ in ids -> id, ForecastReportFile.Read(Path.Combine(dir, "reports", id + ".json")) ]

                // the conclusions compare by the seed spread: the GRU against the CT-RNN in words that SeedSpread.Compare gives
                let word = function
                    | SpreadComparison.Better -> "better" | SpreadComparison.Worse -> "worse"
                    | SpreadComparison.WithinSpread -> "no difference beyond the seed spread" | _ -> "not comparable"
                let conclusions = [ for c in json.GetProperty("conclusions").EnumerateArray() -> c.GetString() ]
                let gruSentence = conclusions |> List.find (fun c -> c.StartsWith "The discrete-time GRU against the CT-RNN")
                let vptVerdict = word (SeedSpread.Compare(spread "gru" (fun r -> r.Vpt.Median), spread "ctrnn" (fun r -> r.Vpt.Median), true))
                let mseVerdict = word (SeedSpread.Compare(spread "gru" (fun r -> r.OneStepMse), spread "ctrnn" (fun r -> r.OneStepMse), false))
                Expect.stringContains gruSentence $"({vptVerdict}" "the VPT verdict follows the seed spread"
                Expect.stringContains gruSentence $"({mseVerdict}" "the MSE verdict follows the seed spread"

                let html = File.ReadAllText(Path.Combine(dir, "05_synthesis.html"))
                let pageCharts = charts html
                Expect.equal pageCharts.Length 2 "two charts: the attractor panel and the error curves"
                let attractor, errors = pageCharts.[0], pageCharts.[1]
                Expect.equal (attractor |> List.map (fun (n, _, _) -> n)) ("Lorenz-63 (test data)" :: List.map snd ids) "the attractor panel: the truth and one free run per model"
                for (id, report), (_, x, y) in List.zip reports attractor.Tail do
                    close x (NeuroDyn.Data.Series.Column(report.FreeRun, 0)) $"{id}'s panel: x of its free run"
                    close y (NeuroDyn.Data.Series.Column(report.FreeRun, 2)) $"{id}'s panel: z of its free run"
                Expect.equal (errors |> List.map (fun (n, _, _) -> n)) (List.map snd ids) "the error chart: one curve per model"
                for (id, report), (_, x, y) in List.zip reports errors do
                    close x report.Vpt.Times $"{id}'s error curve: times"
                    close y report.Vpt.ErrorMedian $"{id}'s error curve: the median error"
                for _, name in ids do
                    Expect.stringContains html $"<td>{Net.WebUtility.HtmlEncode name}</td>" $"the table has a row for the {name}"

                let md = File.ReadAllText(Path.Combine(dir, "05_synthesis.md"))
                Expect.stringContains md "| model | chapter | parameters | seeds | train (s) | test MSE | VPT median |" "Markdown table header"
                let ct = snd reports.[0]
                Expect.stringContains md $"| CT-RNN | 01_ctrnn | {ct.ParameterCount} | 2 |" "the CT-RNN's row with its parameter count and seeds"
                Expect.stringContains md "![05_attractors](figures/05_attractors.png)" "image link to the attractors"
                // chromium's screenshot is exactly --window-size: 320 px per panel
                Expect.equal (pngSize (Path.Combine(dir, "figures", "05_attractors.png"))) (320 * 6, 400) "attractor PNG: the truth and five models"
                ChapterTests.expectPage dir "05_synthesis" 2
            finally
                try Directory.Delete(dir, true) with _ -> ()
        }
    ]
