/// Every tutorial chapter run end to end in quick mode, checking what it wrote: a broken chapter fails the suite.
module NeuroDyn.Tests.ChapterTests

open System
open System.IO
open System.Text.Json
open Expecto

/// Runs scripts/NAME.fsx --quick with outputs (and the data set) in the folder `dir`, killed after `limit`; returns the parsed JSON result and the run.
let runChapterIn (dir: string) (limit: TimeSpan) (name: string) (extra: string list) =
    let script = Path.Combine(Run.root, "scripts", name + ".fsx")
    let result =
        Run.program "dotnet" ([ "fsi"; script; "--quick"; "--out"; dir; "--data"; Path.Combine(dir, "lorenz_data.npz") ] @ extra)
            Run.root limit
    if result.ExitCode <> 0 then failtestf "%s exited with %d:\n%s" name result.ExitCode result.Output
    let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, name + ".json"))).RootElement
    json, result

/// Runs scripts/NAME.fsx --quick with outputs in a fresh folder; returns the folder and the parsed JSON result.
let runChapter (name: string) (extra: string list) =
    let dir = Run.tempFolder name
    let json, result = runChapterIn dir (TimeSpan.FromMinutes 5.0) name extra
    dir, json, result

/// Checks that the chapter's HTML page exists, embeds plotly.js (renders offline) and holds at least n charts.
let expectPage (dir: string) (name: string) (charts: int) =
    let html = File.ReadAllText(Path.Combine(dir, name + ".html"))
    Expect.stringContains html "Plotly.newPlot" "the page draws charts"
    Expect.isFalse (Text.RegularExpressions.Regex.IsMatch(html, "<script[^>]*src=\"https?:")) "no script is fetched from the network"
    Expect.stringContains html "plotly.js v" "plotly.js is embedded"
    Expect.isGreaterThanOrEqual (Browser.count "Plotly.newPlot" html) charts $"at least {charts} charts"
    Browser.expectRendered (Path.Combine(dir, name + ".html")) charts true
    Browser.expectRendered (Path.Combine(dir, "book", name + ".html")) charts true

/// The report a quick chapter wrote for model `id` (reports/ID.json), after checking it: quick mode and protocol, ordered VPT
/// percentiles from 20 starts, a finite one-step MSE, one free-run row per protocol step; and that the model file beside it
/// (models/ID.safetensors) loads with the report's parameter count.
let expectReport (dir: string) (id: string) =
    let report = NeuroDyn.Evaluation.ForecastReportFile.Read(Path.Combine(dir, "reports", id + ".json"))
    Expect.equal report.Mode "quick" $"{id}: a quick run"
    Expect.equal report.Protocol NeuroDyn.Evaluation.ForecastProtocol.Quick $"{id}: measured by the quick protocol"
    Expect.equal report.Vpt.N 20 $"{id}: VPT from 20 starts"
    Expect.isTrue (report.Vpt.P10 <= report.Vpt.Median && report.Vpt.Median <= report.Vpt.P90) $"{id}: p10 ≤ median ≤ p90"
    Expect.isTrue (Double.IsFinite report.OneStepMse && report.OneStepMse > 0.0) $"{id}: one-step MSE is a positive number"
    Expect.equal (Array2D.length1 report.FreeRun) report.Protocol.FreeRunSteps $"{id}: the free run has the protocol's length"
    let model = NeuroDyn.Artifacts.ModelArtifact.Load(Path.Combine(dir, "models", id + ".safetensors"))
    let parameters =
        match model with
        | :? NeuroDyn.Models.ISequenceModel as m -> m.ParameterCount
        | :? NeuroDyn.Models.IForecaster as f -> f.ParameterCount
        | other -> failtestf "%s is not a model" (other.GetType().Name)
    Expect.equal parameters report.ParameterCount $"{id}: the model file holds the reported model"
    report

[<Tests>]
let tests =
    testSequenced <| testList "chapters" [
        test "00 Lorenz: data set, sensitivity, page and JSON" {
            let dir, json, _ = runChapter "00_lorenz" []
            // CT-RNN vs its discretisations, first trajectory (3-D, x/y/z), x(t) of the pair, their distance, contraction, data, window
            expectPage dir "00_lorenz" 8
            // quick mode: 20 time units at dt 0.01 = 2000 samples, split 70/15/15 in time order
            Expect.equal (json.GetProperty("n_train").GetInt32()) 1400 "n_train"
            Expect.equal (json.GetProperty("n_val").GetInt32()) 300 "n_val"
            Expect.equal (json.GetProperty("n_test").GetInt32()) 300 "n_test"
            Expect.equal (json.GetProperty("seq_length").GetInt32()) 50 "seq_length"
            let solver = json.GetProperty "solver"
            Expect.equal (solver.GetProperty("rtol").GetDouble()) 1e-10 "rtol"
            Expect.isGreaterThan (solver.GetProperty("nfev").GetInt64()) 0L "nfev counted"
            // one pair of trajectories over ~20 time units: the fit scatters around the exponent 0.906
            let rate = json.GetProperty("divergence_rate").GetDouble()
            Expect.isTrue (rate > 0.6 && rate < 1.3) $"divergence rate {rate} near the largest Lyapunov exponent 0.906"
            // the pair from (1, 1, 1) and (1 + 1e-8, 1, 1) ends, at t = 100, a saturated distance apart (the attractor is ~40 wide)
            let separation, amplification = json.GetProperty("separation").GetDouble(), json.GetProperty("amplification").GetDouble()
            Expect.isGreaterThan amplification 1.0 "the separation grew"
            Expect.floatClose Accuracy.veryHigh separation (amplification * 1e-8) "separation = amplification × 1e-8"
            Expect.isTrue (separation > 1e-3 && separation < 100.0) $"final separation {separation} is of the attractor's size"
            // ∇·f by central differences is exact up to rounding for the quadratic field; the Lyapunov sum carries RK4's ~1e-4
            let divergence = json.GetProperty "divergence"
            let numerical, lyapunovSum = divergence.GetProperty("numerical_mean").GetDouble(), divergence.GetProperty("lyapunov_sum").GetDouble()
            Expect.floatClose { absolute = 1e-12; relative = 0.0 } (divergence.GetProperty("analytic").GetDouble()) (-(10.0 + 1.0 + 8.0 / 3.0)) "−(σ + 1 + β)"
            Expect.floatClose { absolute = 1e-6; relative = 0.0 } numerical -13.666666666666666 "mean numerical ∇·f"
            Expect.floatClose { absolute = 1e-3; relative = 0.0 } lyapunovSum numerical "Lyapunov sum = numerical ∇·f"
            Expect.isLessThan (divergence.GetProperty("numerical_max_deviation").GetDouble()) 1e-6 "∇·f at every state"
            Expect.equal (json.GetProperty("method").GetString()) "dop853" "the default method is recorded"
            Expect.equal (solver.GetProperty("method").GetString()) "Dop853" "and used for the data set"
            Expect.isLessThan (json.GetProperty("discrete_vs_euler").GetDouble()) 1e-12 "Euler at Δt = τ is the discrete RNN"
            let npz = Path.Combine(dir, "lorenz_data.npz")
            let out = Run.numpy $"import numpy as np; d = np.load('{npz}'); print(d['train'].shape, abs(d['train'].mean(axis=0)).max() < 1e-12, abs(d['train'].std(axis=0) - 1).max() < 1e-12)"
            Expect.stringContains out "(1400, 3) True True" "numpy sees z-scored training data"
        }

        test "00 Lorenz: overrides reach the model, the mode is recorded, and typos are refused" {
            let _, json, _ = runChapter "00_lorenz" [ "--rho"; "99.96"; "--seed"; "3"; "--method"; "dopri5" ]
            Expect.equal (json.GetProperty("parameters").GetProperty("rho").GetDouble()) 99.96 "rho override"
            Expect.equal (json.GetProperty("method").GetString()) "dopri5" "method recorded"
            Expect.equal (json.GetProperty("solver").GetProperty("method").GetString()) "Dopri5" "the data set made with the tutorial's RK45 pair"
            // ∇·f does not depend on ρ: the contraction is the same on the periodic orbit
            Expect.floatClose { absolute = 1e-6; relative = 0.0 } (json.GetProperty("divergence").GetProperty("numerical_mean").GetDouble()) -13.666666666666666 "∇·f at ρ = 99.96"
            Expect.equal (json.GetProperty("parameters").GetProperty("seed").GetInt32()) 3 "seed override"
            Expect.equal (json.GetProperty("mode").GetString()) "quick" "mode recorded"
            let dir = Run.tempFolder "typo"
            let result =
                Run.program "dotnet" [ "fsi"; Path.Combine(Run.root, "scripts", "00_lorenz.fsx"); "--full"; "--rh0"; "3"; "--method"; "rk4"; "--out"; dir ]
                    Run.root (TimeSpan.FromMinutes 2.0)
            Expect.equal result.ExitCode 2 "an unknown option is refused (and --full is known)"
            Expect.stringContains result.Output "error: unknown option --rh0" "and says which"
            Expect.stringContains result.Output "error: --method expects dop853 or dopri5 but got 'rk4'" "an unknown method is refused, naming the choices"
            Expect.isFalse (result.Output.Contains "--full") "--full is not among the problems"
        }
    ]
