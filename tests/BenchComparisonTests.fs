/// The benchmark program's comparison of two builds' runs (`compare BEFORE AFTER`, behind ./build.sh bench-compare), on runs written here.
module NeuroDyn.Tests.BenchComparisonTests

open System
open System.IO
open System.Text.Json
open Expecto

/// Writes run1 … runN of one build: each a bench/speed.json whose rows are the given (hidden, steps/s, seconds), plus figures never compared.
let private writeRuns (folder: string) (runs: (int * float * float) list list) =
    runs |> List.iteri (fun k rows ->
        let bench = Path.Combine(folder, $"run{k + 1}", "bench")
        Directory.CreateDirectory bench |> ignore
        let json =
            {| rows = [ for hidden, rate, seconds in rows -> {| hidden = hidden; solver = "rk4"; steps_per_second = rate; seconds = seconds; timed_steps = 25 |} ]
               reference_steps_per_second = 84.0
               load_average = float (k + 1) |}
        File.WriteAllText(Path.Combine(bench, "speed.json"), JsonSerializer.Serialize json))

[<Tests>]
let tests =
    testList "bench comparison" [
        test "medians, the change round by round and the spread, figures matched by their rows' identity whatever their order" {
            let folder = Run.tempFolder "bench-compare"
            // the earlier build: hidden 64 at 100, 110, 90 steps/s (median 100); its seconds 1, 2, 3 (median 2)
            writeRuns (Path.Combine(folder, "before")) [ [ 64, 100.0, 1.0 ]; [ 64, 110.0, 2.0 ]; [ 64, 90.0, 3.0 ] ]
            // the later build lists a new row first (not comparable) and is slower at hidden 64: 80, 85, 95 (median 85); seconds 2 each
            writeRuns (Path.Combine(folder, "after")) [ [ 256, 9.0, 5.0; 64, 80.0, 2.0 ]; [ 256, 9.0, 5.0; 64, 85.0, 2.0 ]; [ 256, 9.0, 5.0; 64, 95.0, 2.0 ] ]
            let dll = Path.Combine(Run.root, "bench", "bin", "Release", "net10.0", "NeuroDyn.Bench.dll")
            let result =
                Run.programWith [ "NEURODYN_OUT", folder ] "dotnet" [ dll; "compare"; Path.Combine(folder, "before"); Path.Combine(folder, "after") ] Run.root (TimeSpan.FromMinutes 2.0)
            Expect.equal result.ExitCode 0 $"the comparison runs:\n{result.Output}"
            use report = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "bench", "comparison.json")))
            let root = report.RootElement
            let figures = [ for f in root.GetProperty("figures").EnumerateArray() -> f.GetProperty("figure").GetString(), f ] |> Map.ofList
            Expect.equal (Set.ofSeq figures.Keys) (set [ "hidden=64 solver=rk4 steps_per_second"; "hidden=64 solver=rk4 seconds" ])
                "only the figures both builds measured; other tools' figures, loads and counts are not compared"
            let rate = figures["hidden=64 solver=rk4 steps_per_second"]
            let number (f: JsonElement) (key: string) = f.GetProperty(key).GetDouble()
            Expect.equal (number rate "before", number rate "after") (100.0, 85.0) "medians over the runs"
            Expect.floatClose Accuracy.veryHigh (number rate "slowdown") (100.0 / 85.0 - 1.0) "a rate: before/after − 1"
            // round by round: 100/80 − 1 = 0.25, 110/85 − 1 ≈ 0.294, 90/95 − 1 ≈ −0.053; their median 0.25
            Expect.floatClose Accuracy.veryHigh (number rate "paired_slowdown") 0.25 "the median of the rounds' changes"
            Expect.floatClose Accuracy.veryHigh (number rate "before_spread") 0.2 "(110 − 90)/100"
            Expect.isFalse (rate.GetProperty("within_tolerance").GetBoolean()) "18% slower is beyond 5%"
            let seconds = figures["hidden=64 solver=rk4 seconds"]
            Expect.equal (number seconds "slowdown") 0.0 "a time: after/before − 1, median 2 against 2"
            Expect.isTrue (seconds.GetProperty("within_tolerance").GetBoolean()) "no slowdown"
            Expect.isFalse (root.GetProperty("all_within_tolerance").GetBoolean()) "one figure slowed down"
            Expect.stringContains result.Output "!! speed" "the slower figure is marked in the printed table"
        }

        test "a missing runs folder is an error that names it" {
            let folder = Run.tempFolder "bench-compare-missing"
            let dll = Path.Combine(Run.root, "bench", "bin", "Release", "net10.0", "NeuroDyn.Bench.dll")
            let result = Run.program "dotnet" [ dll; "compare"; Path.Combine(folder, "nothing"); folder ] Run.root (TimeSpan.FromMinutes 1.0)
            Expect.notEqual result.ExitCode 0 "refused"
            Expect.stringContains result.Output "no benchmark runs in" "says what is missing"
        }
    ]
