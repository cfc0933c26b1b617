/// Chapter 04 (fixed points, Lyapunov exponents, periodic orbits, return maps) run end to end in quick mode after chapters 01–03,
/// checking what it wrote: the page, its JSON, and one analysis report per model that reads back with the numbers the page shows.
module NeuroDyn.Tests.Chapter04Tests

open System
open System.IO
open System.Text
open System.Text.Json
open Expecto
open NeuroDyn.Evaluation
open NeuroDyn.Tests.ChapterTests

/// A number of the chapter's JSON, where NaN is written as the string "NaN".
let private number (e: JsonElement) =
    if e.ValueKind = JsonValueKind.String then Double.Parse(e.GetString(), Globalization.CultureInfo.InvariantCulture) else e.GetDouble()

let private numbers (e: JsonElement) = [| for v in e.EnumerateArray() -> number v |]

/// The traces (name, x, y) of the chart whose layout holds `title`, read from the `var data = [...]` Plotly.NET writes before it.
let private chartTraces (html: string) (title: string) =
    let bytes = Encoding.UTF8.GetBytes html
    let titleAt = html.IndexOf(title, StringComparison.Ordinal)
    Expect.isGreaterThanOrEqual titleAt 0 $"a chart titled '{title}'"
    let start = html.LastIndexOf("var data = ", titleAt, StringComparison.Ordinal) + "var data = ".Length
    let offset = Encoding.UTF8.GetByteCount(html.AsSpan(0, start))
    let mutable reader = Utf8JsonReader(ReadOnlySpan(bytes, offset, bytes.Length - offset))
    use data = JsonDocument.ParseValue(&reader)
    [ for trace in data.RootElement.EnumerateArray() ->
        let numbers (key: string) = [| for v in trace.GetProperty(key).EnumerateArray() -> v.GetDouble() |]
        trace.GetProperty("name").GetString(), numbers "x", numbers "y" ]

/// The quick run's model ids and names (Experiments.all).
let private models = [ "ctrnn", "CT-RNN"; "gru", "GRU (discrete time)"; "ei_rate", "E/I rate network (Dale)"; "reservoir", "Spiking reservoir"; "surrogate_lif", "Surrogate-gradient LIF network" ]

[<Tests>]
let tests =
    testSequenced <| testList "chapter 04" [
        test "04 analysis: Lorenz answers; every model of chapters 01–03 analysed with its report's numbers; return maps, page, JSON and analysis reports" {
            let dir = Run.tempFolder "04_analysis"
            let limit = TimeSpan.FromMinutes 5.0
            // without chapter 01's model file and report, chapter 04 says which chapter to run
            let refused =
                Run.program "dotnet" [ "fsi"; IO.Path.Combine(Run.root, "scripts", "04_analysis.fsx"); "--quick"; "--out"; dir; "--data"; IO.Path.Combine(dir, "lorenz_data.npz") ] Run.root limit
            Expect.notEqual refused.ExitCode 0 "no CT-RNN: the chapter stops"
            Expect.stringContains refused.Output "run chapter 01_ctrnn first: dotnet fsi scripts/01_ctrnn.fsx --quick" "and says what to run"
            runChapterIn dir limit "01_ctrnn" [] |> ignore
            runChapterIn dir limit "02_ei_rate" [] |> ignore
            runChapterIn dir (TimeSpan.FromMinutes 10.0) "03_spiking" [] |> ignore
            // --autograd-maps: the GRU's map is analysed too (its Jacobian by autograd, in one batched pass)
            let json, _ = runChapterIn dir limit "04_analysis" [ "--autograd-maps" ]
            expectPage dir "04_analysis" 14

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

            // the periodic orbits found from a quick run's 20 near-returns have Viswanath's periods where they carry a published word
            let orbits = [ for o in lorenz.GetProperty("periodic_orbits").EnumerateArray() -> o.GetProperty("word").GetString(), o.GetProperty("period").GetDouble(), number (o.GetProperty "published") ]
            Expect.isNonEmpty orbits "Lorenz has periodic orbits"
            Expect.isTrue (orbits |> List.exists (fun (w, _, _) -> w = "AB")) "AB, the shortest, is among them"
            for w, period, published in orbits do
                if Double.IsFinite published then
                    Expect.isLessThanOrEqual (abs (period - published) / published) 1e-6 $"{w}: period {period} against Viswanath's {published}"

            let html = IO.File.ReadAllText(IO.Path.Combine(dir, "04_analysis.html"))
            let modelsJson = json.GetProperty "models"
            let returnMap = chartTraces html (json.GetProperty("return_map").GetProperty("title").GetString())
            Expect.equal (returnMap |> List.map (fun (n, _, _) -> n)) ("Lorenz-63 (truth)" :: [ for _, name in models -> $"{name} (free run)" ]) "the return map: the truth and one trace per model"
            let same (what: string) (shown: float) (saved: float) =
                Expect.equal (BitConverter.DoubleToInt64Bits shown) (BitConverter.DoubleToInt64Bits saved) $"{what}: the page's JSON and the analysis report agree to the last bit"
            for (id, name), (_, x, y) in List.zip models returnMap.Tail do
                let m = modelsJson.GetProperty id
                let report = ForecastReportFile.Read(Path.Combine(dir, "reports", id + ".json"))
                let analysis = AnalysisReportFile.Read(Path.Combine(dir, "reports", id + ".analysis.json"))
                Expect.equal (m.GetProperty("analysis_file").GetString()) (Path.Combine(dir, "reports", id + ".analysis.json")) $"{id}: the analysis lies beside its report"
                Expect.equal (analysis.Name, analysis.Mode) (name, "quick") $"{id}: who and which mode"
                // the same network has the same numbers here as in its report (its chapter's measurement)
                same $"{id} Rosenstein" (number (m.GetProperty "lambda_max_rosenstein")) report.LargestLyapunov
                same $"{id} Rosenstein in the analysis" analysis.RosensteinExponent report.LargestLyapunov
                same $"{id} D_stsp" (number (m.GetProperty "d_stsp")) report.DStsp
                Expect.equal (m.GetProperty("free_run_steps").GetInt32()) (Array2D.length1 report.FreeRun) $"{id}: the report's free run"
                // the return map's points are the saved maxima, z_max(n) against z_max(n+1), and they are maxima of the free run's z
                let maxima = analysis.FreeRunMaxima
                Expect.equal (m.GetProperty("maxima").GetInt32()) maxima.Length $"{id}: as many maxima as saved"
                Expect.equal x.Length (max 0 (maxima.Length - 1)) $"{id}: one point per pair of maxima"
                for k in 0 .. x.Length - 1 do
                    Expect.floatClose { absolute = 1e-15; relative = 1e-12 } x.[k] maxima.[k] $"{id}: z_max({k})"
                    Expect.floatClose { absolute = 1e-15; relative = 1e-12 } y.[k] maxima.[k + 1] $"{id}: z_max({k + 1})"
                let z = NeuroDyn.Data.Series.Column(report.FreeRun, 2)
                for v in maxima do
                    // a parabola through three samples peaks at most a little above its middle one (≤ 1/8 of the neighbours' spread)
                    Expect.isTrue (v <= Array.max z + 0.125 * (Array.max z - Array.min z)) $"{id}: a maximum within the free run's range"
                let smooth = m.GetProperty("smooth").GetBoolean()
                let rate = id = "ctrnn" || id = "ei_rate"
                // with --autograd-maps the GRU's map is differentiated by autograd (in one backward pass), the rate networks' by the chain rule; spiking networks have none
                Expect.equal smooth (rate || id = "gru") $"{id}: the rate networks and the GRU are analysed as smooth maps, the spiking networks by their free run"
                if smooth then
                    let map, field = m.GetProperty "map", m.GetProperty "field"
                    // what is saved is the trained map's: its spectrum per data time unit and its fixed points, read out
                    Expect.sequenceEqual analysis.LyapunovExponents (numbers (map.GetProperty "lyapunov")) $"{id}: the saved spectrum is the page's (the trained map's)"
                    Expect.all analysis.LyapunovExponents Double.IsFinite $"{id}: finite exponents"
                    same $"{id} Kaplan–Yorke" (number (map.GetProperty "kaplan_yorke")) analysis.KaplanYorke
                    let mapFixed = [ for p in map.GetProperty("fixed_points").EnumerateArray() -> p ]
                    Expect.equal analysis.FixedPoints.Length mapFixed.Length $"{id}: the saved fixed points are the page's"
                    for p, saved in List.zip mapFixed (List.ofArray analysis.FixedPoints) do
                        Expect.sequenceEqual saved.Output (numbers (p.GetProperty "output")) $"{id}: a fixed point read out into Lorenz space"
                        Expect.equal saved.UnstableDirections (p.GetProperty("unstable_directions").GetInt32()) $"{id}: its unstable directions"
                        let moduli = [| for z in p.GetProperty("multipliers").EnumerateArray() -> Numerics.Complex(z.GetProperty("re").GetDouble(), z.GetProperty("im").GetDouble()).Magnitude |]
                        // outside the unit circle beyond the classifier's hyperbolicity tolerance 1e-8 (the GRU's fixed points have multipliers within 1e-8 of 1)
                        Expect.equal (moduli |> Array.filter (fun r -> r > 1.0 + 1e-8) |> Array.length) saved.UnstableDirections $"{id}: unstable directions = multipliers outside the unit circle"
                        Expect.floatClose { absolute = 1e-9; relative = 1e-9 } saved.LeadingRate (log (Array.max moduli) / 0.01) $"{id}: the leading rate is ln|μ|max / dt"
                    if rate then
                        // the Δ → 0 field: rates per model time unit times Δ/dt
                        let dataTime, modelTime = numbers (field.GetProperty "lyapunov"), numbers (field.GetProperty "lyapunov_model_time")
                        let factor = field.GetProperty("model_to_data_time").GetDouble()
                        // Δ/dt = 0.1/0.01 for the tutorial's rate networks
                        Expect.floatClose { absolute = 1e-12; relative = 0.0 } factor 10.0 $"{id}: Δ/dt"
                        for i in 0 .. dataTime.Length - 1 do
                            Expect.floatClose { absolute = 1e-12; relative = 1e-12 } dataTime.[i] (modelTime.[i] * factor) $"{id}: λ{i + 1} in data time = model time · Δ/dt"
                        for p in field.GetProperty("fixed_points").EnumerateArray() do
                            Expect.equal ((p.GetProperty "eigenvalues").GetArrayLength()) (field.GetProperty("dimension").GetInt32()) $"{id}: one eigenvalue per state dimension"
                    else
                        // a discrete-time network has a map but no continuous field
                        Expect.equal field.ValueKind JsonValueKind.Null $"{id}: no field"
                    // the saved periods are the map's where it has some, else the field's, labelled as such
                    let mapPeriods = numbers (map.GetProperty "periodic_orbit_periods")
                    let fieldPeriods = if rate then numbers (field.GetProperty "periodic_orbit_periods") else [||]
                    let expectedPeriods, expectedSource =
                        if mapPeriods.Length > 0 then mapPeriods, "trained map" elif fieldPeriods.Length > 0 then fieldPeriods, "field (Δ → 0)" else [||], ""
                    Expect.sequenceEqual analysis.PeriodicOrbitPeriods expectedPeriods $"{id}: the saved periods are the page's (the map's, else the field's)"
                    Expect.equal analysis.PeriodicOrbitSource expectedSource $"{id}: labelled with what they were found in"
                    Expect.equal (m.GetProperty("periodic_orbit_source").GetString()) expectedSource $"{id}: the page's JSON says the same"
                    for period in mapPeriods do
                        // a period-k point of the map: k samples of dt = 0.01, between half a time unit and four
                        Expect.floatClose { absolute = 1e-9; relative = 0.0 } (period / 0.01) (Math.Round(period / 0.01)) $"{id}: period {period} is a whole number of samples"
                        Expect.isTrue (period >= 0.5 && period <= 4.0) $"{id}: period {period} within the searched range"
                    if mapPeriods.Length = 0 && fieldPeriods.Length > 0 then
                        // the comparison table's map row names the field's shortest orbit as the field's
                        let shortest = (Array.min fieldPeriods).ToString("F3", Globalization.CultureInfo.InvariantCulture)
                        Expect.stringContains html (Net.WebUtility.HtmlEncode $"none found (its field (Δ → 0)'s: {shortest})") $"{id}: the table labels the field's orbit"
                    // the comparison table prints the largest exponent as the page's λ₁ of the trained map
                    Expect.stringContains html $"""<td>{analysis.LargestExponent.ToString("F3", Globalization.CultureInfo.InvariantCulture)}</td>""" $"{id}: the table shows its λ₁"
                    let gain = m.GetProperty "gain_diagram"
                    if rate then Expect.equal (gain.GetProperty("gains").GetArrayLength()) 21 $"{id}: a quick gain diagram has 21 gains"
                    else Expect.equal gain.ValueKind JsonValueKind.Null $"{id}: no recurrent gain to scale"
                else
                    Expect.isEmpty analysis.LyapunovExponents $"{id}: no spectrum without smooth dynamics"
                    Expect.equal (m.GetProperty("map").ValueKind) JsonValueKind.Null $"{id}: no map"
                    Expect.equal (m.GetProperty("field").ValueKind) JsonValueKind.Null $"{id}: no field"
            let truth = AnalysisReportFile.Read(Path.Combine(dir, "reports", "lorenz63.analysis.json"))
            Expect.equal truth.PeriodicOrbitSource "the Lorenz-63 field" "Lorenz's orbits are its field's"
            Expect.sequenceEqual truth.LyapunovExponents exponents "Lorenz's saved spectrum is the page's"
            Expect.floatClose { absolute = 1e-12; relative = 0.0 } truth.ShortestPeriod (orbits |> List.map (fun (_, p, _) -> p) |> List.min) "Lorenz's shortest periodic orbit"
            Expect.stringContains html @"\lambda_{data} = \lambda_{model}" "the page states the time conversion"
        }
    ]
