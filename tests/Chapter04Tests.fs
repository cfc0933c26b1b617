/// Chapter 04 (fixed points, Lyapunov exponents, dimensions) run end to end in quick mode, checking what it wrote.
module NeuroDyn.Tests.Chapter04Tests

open System
open System.Text.Json
open Expecto
open NeuroDyn.Tests.ChapterTests

let private numbers (e: JsonElement) = [| for v in e.EnumerateArray() -> v.GetDouble() |]

let private expectFinite (e: JsonElement) (key: string) =
    let v = e.GetProperty key
    let values = if v.ValueKind = JsonValueKind.Array then numbers v else [| v.GetDouble() |]
    Expect.isNonEmpty values $"{key} has values"
    Expect.all values Double.IsFinite $"{key} is finite"

[<Tests>]
let tests =
    testSequenced <| testList "chapter 04" [
        test "04 analysis: Lorenz answers, chapter 01's CT-RNN measured with its report's numbers, page and JSON" {
            let dir = Run.tempFolder "04_analysis"
            let limit = TimeSpan.FromMinutes 5.0
            // without chapter 01's model file and report, chapter 04 says which chapter to run
            let refused =
                Run.program "dotnet" [ "fsi"; IO.Path.Combine(Run.root, "scripts", "04_analysis.fsx"); "--quick"; "--out"; dir; "--data"; IO.Path.Combine(dir, "lorenz_data.npz") ] Run.root limit
            Expect.notEqual refused.ExitCode 0 "no CT-RNN: the chapter stops"
            Expect.stringContains refused.Output "run chapter 01_ctrnn first: dotnet fsi scripts/01_ctrnn.fsx --quick" "and says what to run"
            runChapterIn dir limit "01_ctrnn" [] |> ignore
            let json, _ = runChapterIn dir limit "04_analysis" []
            expectPage dir "04_analysis" 11

            let lorenz = json.GetProperty "lorenz"
            let exponents = numbers (lorenz.GetProperty "lyapunov")
            Expect.equal exponents.Length 3 "three Lorenz exponents"
            // quick mode averages over 100 time units only; the published spectrum is (0.906, 0, −14.572) and
            // 100-unit averages scatter by about ±0.05 in λ₁, λ₂ and ±0.1 in λ₃, so ±0.15 / ±0.1 / ±0.3
            Expect.floatClose { absolute = 0.15; relative = 0.0 } exponents.[0] 0.906 "λ₁"
            Expect.floatClose { absolute = 0.1; relative = 0.0 } exponents.[1] 0.0 "λ₂"
            Expect.floatClose { absolute = 0.3; relative = 0.0 } exponents.[2] -14.572 "λ₃"
            // the sum equals the constant divergence −(σ+1+β) = −13.667 up to the RK4 and averaging error of the
            // tangent flow, far smaller than each exponent's statistical error (measured 1e-4)
            Expect.floatClose { absolute = 0.01; relative = 0.0 } (Array.sum exponents) (-(10.0 + 1.0 + 8.0 / 3.0)) "Σλ = −(σ+1+β)"
            // D_KY = 2 + λ₁/|λ₃| ≈ 2.06; D₂ ≈ 2.05 from long runs, but quick mode fits 3000 samples of 30 time units (±0.2)
            Expect.floatClose { absolute = 0.05; relative = 0.0 } (lorenz.GetProperty("kaplan_yorke").GetDouble()) 2.06 "Kaplan–Yorke"
            Expect.floatClose { absolute = 0.2; relative = 0.0 } (lorenz.GetProperty("correlation_dimension").GetDouble()) 2.05 "correlation dimension"

            let fixedPoints = [ for p in lorenz.GetProperty("fixed_points").EnumerateArray() -> p ]
            Expect.equal fixedPoints.Length 3 "the origin and C±"
            let kinds = fixedPoints |> List.map (fun p -> p.GetProperty("kind").GetString(), p.GetProperty("unstable_directions").GetInt32()) |> List.sort
            Expect.equal kinds [ ("Saddle", 1); ("SaddleFocus", 2); ("SaddleFocus", 2) ] "a saddle at the origin and two saddle-foci"
            let c = sqrt (8.0 / 3.0 * 27.0)
            for p in fixedPoints do
                let x = numbers (p.GetProperty "location")
                let expected = if p.GetProperty("kind").GetString() = "Saddle" then [| 0.0; 0.0; 0.0 |] else [| float (sign x.[0]) * c; float (sign x.[0]) * c; 27.0 |]
                // Newton-refined roots of a polynomial field: exact to rounding
                for j in 0 .. 2 do Expect.floatClose { absolute = 1e-8; relative = 0.0 } x.[j] expected.[j] $"fixed point coordinate {j}"
                Expect.equal ((p.GetProperty "eigenvalues").GetArrayLength()) 3 "three eigenvalues"

            let ctrnn = json.GetProperty "ctrnn"
            for key in [ "lyapunov"; "lyapunov_model_time"; "kaplan_yorke" ] do
                expectFinite ctrnn key
            // the same network has the same numbers here as in its report (chapter 01's measurement)
            let report = NeuroDyn.Evaluation.ForecastReportFile.Read(IO.Path.Combine(dir, "reports", "ctrnn.json"))
            let same (key: string) (value: float) =
                let shown = ctrnn.GetProperty key
                let number = if shown.ValueKind = JsonValueKind.String then Double.Parse(shown.GetString(), Globalization.CultureInfo.InvariantCulture) else shown.GetDouble()
                Expect.equal (BitConverter.DoubleToInt64Bits number) (BitConverter.DoubleToInt64Bits value) $"{key} is the report's"
            same "d_stsp" report.DStsp
            same "d_h" report.DH
            same "lambda_max_rosenstein" report.LargestLyapunov
            Expect.equal (ctrnn.GetProperty("free_run_steps").GetInt32()) (Array2D.length1 report.FreeRun) "the report's free run"
            // a free run without a scaling region (a quick network that settled) has no correlation dimension, and the page says so
            let html = IO.File.ReadAllText(IO.Path.Combine(dir, "04_analysis.html"))
            let dimension = ctrnn.GetProperty "correlation_dimension"
            if dimension.ValueKind <> JsonValueKind.Number then
                Expect.stringContains html "correlation dimension could not be estimated" "the page says why there is no correlation dimension"
            let dataTime, modelTime = numbers (ctrnn.GetProperty "lyapunov"), numbers (ctrnn.GetProperty "lyapunov_model_time")
            let factor = ctrnn.GetProperty("model_to_data_time").GetDouble()
            // Δ/dt = 0.1/0.01 for the chapter-01 network
            Expect.floatClose { absolute = 1e-12; relative = 0.0 } factor 10.0 "Δ/dt"
            for i in 0 .. dataTime.Length - 1 do
                Expect.floatClose { absolute = 1e-12; relative = 1e-12 } dataTime.[i] (modelTime.[i] * factor) $"λ{i + 1} in data time = model time · Δ/dt"
            for p in ctrnn.GetProperty("fixed_points").EnumerateArray() do
                Expect.equal ((p.GetProperty "output").GetArrayLength()) 3 "fixed points are read out into Lorenz space"
                Expect.equal ((p.GetProperty "eigenvalues").GetArrayLength()) (ctrnn.GetProperty("hidden").GetInt32()) "one eigenvalue per hidden unit"

            Expect.stringContains html @"\lambda_{data} = \lambda_{model}" "the page states the time conversion"
        }
    ]
