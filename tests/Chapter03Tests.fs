/// Chapter 03 run end to end in quick mode: regimes, reservoir and surrogate network (each over two seeds) in the JSON, charts on the page,
/// reloadable models, and a run with --resume that keeps every finished seed.
module NeuroDyn.Tests.Chapter03Tests

open System
open System.IO
open System.Text.Json
open Expecto
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Models.Reservoir

/// A JSON number, or NaN/Infinity written as a string by the chapter's JSON writer.
let private number (e: JsonElement) =
    if e.ValueKind = JsonValueKind.String then Double.Parse(e.GetString(), Globalization.CultureInfo.InvariantCulture) else e.GetDouble()

[<Tests>]
let tests =
    testSequenced <| testList "chapter 03" [
        test "03 spiking: Brunel's regimes, reservoir and surrogate network over seeds; page, JSON, reloadable models, --resume" {
            // ten minutes, as chapters 04 and 05 allow this chapter: both networks train over two seeds on worker processes
            let dir = Run.tempFolder "03_spiking"
            let json, run = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 10.0) "03_spiking" []
            printfn "chapter 03 --quick ran in %.1f s" run.Seconds
            ChapterTests.expectPage dir "03_spiking" 15
            Expect.equal (json.GetProperty("n_neurons").GetInt32()) 500 "quick reservoir size"
            let regimes = json.GetProperty("regimes").EnumerateArray() |> Seq.toArray
            Expect.sequenceEqual [ for r in regimes -> number (r.GetProperty "g"), number (r.GetProperty "eta") ]
                [ 3.0, 2.0; 5.0, 2.0; 6.0, 4.0; 4.5, 0.9 ] "the four regimes of Brunel (2000) Fig. 8"
            for i, r in Array.indexed regimes do
                Expect.equal (r.GetProperty("n_neurons").GetInt32()) 2500 "quick regime network: N_E 2000 + N_I 500"
                Expect.isGreaterThan (number (r.GetProperty "rate_hz")) 0.0 "the network fires"
                // a CV of inter-spike intervals is 0 for clockwork firing and about 1 for Poisson; these regimes stay well inside [0, 2).
                // The slow synchronous-irregular regime (last, about 6 Hz) gives too few intervals per neuron in a quick run: NaN there says so.
                let cv = number (r.GetProperty "cv_isi")
                let measured = cv >= 0.0 && cv < 2.0
                Expect.isTrue (measured || (i = regimes.Length - 1 && Double.IsNaN cv)) $"CV of the ISIs {cv} of regime {i} is a value in [0, 2)"
                Expect.isTrue (number (r.GetProperty "synchrony") > 0.0) "synchrony reported"
            let rate i = number (regimes.[i].GetProperty "rate_hz")
            // SR fires near saturation (hundreds of Hz), AI tens of Hz, SI slow a few Hz
            Expect.isGreaterThan (rate 0) (3.0 * rate 1) "SR fires far faster than AI"
            Expect.isLessThan (rate 3) (rate 1) "SI slow fires more slowly than AI"
            Expect.isLessThan (number (regimes.[0].GetProperty "cv_isi")) 0.2 "SR is regular"
            Expect.isGreaterThan (number (regimes.[1].GetProperty "cv_isi")) 0.3 "AI is irregular"

            let reservoir = json.GetProperty "reservoir"
            let report = ChapterTests.expectReport dir "reservoir"
            Expect.equal report.Kind "SpikingReservoir" "kind"
            Expect.isLessThan report.OneStepMse (number (reservoir.GetProperty "persistence_mse")) "the reservoir beats persistence one step ahead"
            Expect.isGreaterThan (number (reservoir.GetProperty "ridge")) 0.0 "ridge strength"
            Expect.equal (reservoir.GetProperty("readout_features").GetString()) "InputTracesAndSquares" "the readout reads [u, r, r²]"
            let difference = number (reservoir.GetProperty "trace_difference")
            // the normalised trace difference is 0 for identical runs and about 1 for independent ones
            Expect.isTrue (difference >= 0.0 && difference < 1.0) $"echo-state check in range (got {difference})"
            // the quick reservoir tracks the attractor for a while: its free run stays in the test data's range (finite D_stsp)
            Expect.isTrue (Double.IsFinite report.DStsp && Double.IsFinite report.DH) $"D_stsp {report.DStsp} and D_H {report.DH} measured"
            // the default reservoir is the balanced one: g = 5, η = 2, fluctuation-driven, firing irregularly
            let regime = json.GetProperty "default_regime"
            Expect.equal (number (regime.GetProperty "g"), number (regime.GetProperty "eta")) (5.0, 2.0) "default regime (g, η)"
            Expect.isTrue (regime.GetProperty("fluctuation_driven").GetBoolean()) "the default reservoir's mean input stays below threshold"
            let cv = number (regime.GetProperty "cv_isi")
            // near 1 for Poisson-like firing; the quick reservoir (500 neurons, C_E = 200, J = 0.5 mV) is measured over 1 s
            Expect.isTrue (cv >= 0.7 && cv <= 1.4) $"default reservoir's CV {cv:F2} in [0.7, 1.4]"

            // the regime sweep: g = 3 … 8 at η = 2 and Brunel's two synchronous-irregular points, every measure per point
            let sweep = json.GetProperty "regime_sweep"
            let points = sweep.GetProperty("points").EnumerateArray() |> Seq.toArray
            Expect.sequenceEqual [ for p in points -> number (p.GetProperty "g"), number (p.GetProperty "eta") ]
                [ 3.0, 2.0; 4.0, 2.0; 5.0, 2.0; 6.0, 2.0; 7.0, 2.0; 8.0, 2.0; 6.0, 4.0; 4.5, 0.9 ] "the sweep's (g, η)"
            for p in points do
                let g = number (p.GetProperty "g")
                for key in [ "rate_hz"; "mean_field_rate_hz"; "cv_isi"; "mse"; "vpt_median"; "trace_difference" ] do
                    Expect.isTrue (Double.IsFinite (number (p.GetProperty key))) $"{key} measured at g = {g}"
                Expect.isGreaterThan (number (p.GetProperty "vpt_median")) 0.0 "a VPT in Lyapunov times"
                if p.GetProperty("asynchronous_irregular").GetBoolean() then
                    // the issue's tolerance (the quick sweep has 500 neurons, C_E = 200, J = 0.5 mV, as the unit test of the rates)
                    Expect.floatClose { absolute = 0.0; relative = 0.25 } (number (p.GetProperty "rate_hz")) (number (p.GetProperty "mean_field_rate_hz")) "AI rate against the mean field"
            Expect.isLessThan (number (points.[0].GetProperty "cv_isi")) 0.2 "g = 3 fires regularly"
            Expect.isTrue (points |> Array.exists (fun p -> p.GetProperty("asynchronous_irregular").GetBoolean())) "some points are asynchronous irregular"
            Expect.isTrue (Double.IsFinite (number (sweep.GetProperty "fluctuation_boundary_g"))) "the mean-field boundary g*"
            Expect.stringContains (sweep.GetProperty("answer").GetString()) "Does balance help computation? In this sweep it" "the answer is stated"
            let surrogate = ChapterTests.expectReport dir "surrogate_lif"
            Expect.equal surrogate.Kind "SurrogateLifNetwork" "kind"

            // the saved models reproduce their reports when measured again by the reports' protocol (same data, deterministic)
            let data = LorenzData.Load(Path.Combine(dir, "lorenz_data.npz"))
            for saved in [ report; surrogate ] do
                let id = if saved.Kind = "SpikingReservoir" then "reservoir" else "surrogate_lif"
                let model = NeuroDyn.Artifacts.ModelArtifact.Load(Path.Combine(dir, "models", id + ".safetensors"))
                let again = Evaluate.Run(model, data, saved.Protocol, ModelRun(saved.Name, saved.Mode, saved.Seed, saved.TrainingSeconds))
                Expect.equal (BitConverter.DoubleToInt64Bits again.OneStepMse) (BitConverter.DoubleToInt64Bits saved.OneStepMse) $"{id}: same one-step MSE"
                Expect.equal again.Vpt.PerStart saved.Vpt.PerStart $"{id}: same VPT at every start"
                Expect.equal again.FreeRun saved.FreeRun $"{id}: same free run"

            // the traces file beside the reservoir's model file holds what the main seed's readout reads on the test split (the interop script applies it)
            let reservoirModel = NeuroDyn.Artifacts.ModelArtifact.Load(Path.Combine(dir, "models", "reservoir.safetensors")) :?> ReservoirForecaster
            let traces = Npz.Read(ReservoirTraceFile.PathBeside(Path.Combine(dir, "models", "reservoir.safetensors")))
            let oneStep = reservoirModel.PredictOneStep(data.Test, report.Protocol.WarmUp)
            Expect.equal (traces.["traces"].AsMatrix()) oneStep.Traces "the traces file is the main seed's reservoir's"
            Expect.equal (traces.["predictions"].AsMatrix()) oneStep.Predictions "and its predictions the main seed's readout's"

            // both networks over the quick run's two seeds, 0 (the main seed, the one in models/ and reports/) and 1: each seed's report in
            // its sweep's run folder, the JSON's table of them, and its median and range computed from the seeds' values
            let seedReports (id: string) =
                Directory.GetDirectories(Path.Combine(dir, "sweeps", id, "runs"))
                |> Array.map (fun run -> ForecastReportFile.Read(Path.Combine(run, "report.json")))
                |> Array.sortBy (fun r -> r.Seed)
            for id, main, section in [ "reservoir", report, reservoir; "surrogate_lif", surrogate, json.GetProperty "surrogate" ] do
                let reports = seedReports id
                Expect.equal [ for r in reports -> r.Seed ] [ 0L; 1L ] $"{id}: the quick run's two seeds"
                for r in reports do
                    Expect.equal (r.Mode, r.Name, r.Kind) (main.Mode, main.Name, main.Kind) $"{id}: seed {r.Seed} is the chapter's network in its mode"
                Expect.equal reports.[0].Vpt.PerStart main.Vpt.PerStart $"{id}: the main seed's report is the one in reports/"
                Expect.notEqual reports.[1].OneStepMse reports.[0].OneStepMse $"{id}: another seed draws another network"
                let overSeeds = section.GetProperty "over_seeds"
                let rows = overSeeds.GetProperty("seeds").EnumerateArray() |> Seq.toArray
                Expect.equal [ for row in rows -> row.GetProperty("seed").GetInt64() ] [ 0L; 1L ] $"{id}: the JSON lists both seeds"
                for row, r in Array.zip rows reports do
                    Expect.equal (number (row.GetProperty "vpt_median")) r.Vpt.Median $"{id}: seed {r.Seed}'s VPT in the JSON"
                    Expect.equal (number (row.GetProperty "one_step_mse")) r.OneStepMse $"{id}: seed {r.Seed}'s MSE in the JSON"
                for key, measure in [ "vpt_median", (fun (r: ForecastReport) -> r.Vpt.Median); "one_step_mse", (fun r -> r.OneStepMse); "d_h", (fun r -> r.DH) ] do
                    let spread = overSeeds.GetProperty key
                    let values = reports |> Array.map measure
                    // two seeds: the median (numpy's rule) is their mean, the range their extremes
                    Expect.floatClose Accuracy.veryHigh (number (spread.GetProperty "median")) (Array.average values) $"{id}: median of {key} over the seeds"
                    Expect.equal (number (spread.GetProperty "min"), number (spread.GetProperty "max")) (Array.min values, Array.max values) $"{id}: range of {key} over the seeds"
            Expect.stringContains (json.GetProperty("comparison_over_seeds").GetString()) "Over the seeds" "the networks compared over their seeds"

            // --resume: the finished seeds are kept, not trained again, and the main seed's report stays the same
            let resumed, rerun = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 10.0) "03_spiking" [ "--resume" ]
            let kept = Text.RegularExpressions.Regex.Matches(rerun.Output, "2 runs, 2 finished before, 0 to run").Count
            Expect.equal kept 2 "both sweeps find their two seeds finished and train none again"
            Expect.equal (ChapterTests.expectReport dir "reservoir").Vpt.PerStart report.Vpt.PerStart "the reservoir's report is kept"
            for section in [ "reservoir"; "surrogate" ] do
                let vpts (root: JsonElement) = [ for row in root.GetProperty(section).GetProperty("over_seeds").GetProperty("seeds").EnumerateArray() -> number (row.GetProperty "vpt_median") ]
                Expect.equal (vpts resumed) (vpts json) $"{section}: the resumed run shows the same seeds"
        }
    ]
