/// Chapter 02 (balanced E/I rate network) run end to end in quick mode, checking what it wrote.
module NeuroDyn.Tests.Chapter02Tests

open System
open System.IO
open Expecto

[<Tests>]
let tests =
    testSequenced <| testList "chapter 02" [
        test "02 E/I rate network: JSON results, Dale's law, model file and report, page renders" {
            let dir, json, _ = ChapterTests.runChapter "02_ei_rate" []
            ChapterTests.expectPage dir "02_ei_rate" 8
            // quick mode: 16 units, 80% excitatory
            Expect.equal (json.GetProperty("n_e").GetInt32()) 13 "n_e = round(0.8 · 16)"
            Expect.equal (json.GetProperty("n_i").GetInt32()) 3 "n_i"
            // A [16·16], W_in [13·3] and b [13] into the E units only, W_out [3·13] from the E units, b_out [3]
            Expect.equal (json.GetProperty("parameters").GetInt32()) (256 + 39 + 13 + 39 + 3) "parameters"
            Expect.equal (json.GetProperty("input").GetString()) "excitatory" "the input enters the E population by default"
            // the comparison: the network itself, the other input mode, and the balance penalty, each measured with balance before and after
            let comparison = [ for v in json.GetProperty("comparison").EnumerateArray() -> v ]
            Expect.equal [ for v in comparison -> v.GetProperty("input").GetString(), v.GetProperty("balance_penalty").GetDouble() > 0.0 ]
                [ "excitatory", false; "all", false; "excitatory", true ] "three networks: E input, input to all, E input with the balance penalty"
            for v in comparison do
                for key in [ "vpt_median"; "test_mse_one_step"; "d_stsp"; "lambda_max"; "balance_target" ] do
                    Expect.isTrue (Double.IsFinite(v.GetProperty(key).GetDouble())) $"comparison.{key} is a number"
                for phase in [ "balance_before"; "balance_after" ] do
                    Expect.isGreaterThan (v.GetProperty(phase).GetProperty("ratio").GetDouble()) 0.0 $"{phase}.ratio is a positive number"
            let search = json.GetProperty "recipe_search"
            Expect.isGreaterThan (search.GetProperty("rows").GetInt32()) 0 "the committed search table is shown"
            Expect.equal (search.GetProperty("chaotic_like_lorenz").ValueKind) Text.Json.JsonValueKind.Array "the recipes chaotic like Lorenz, as a list"
            Expect.equal (json.GetProperty("dale_violations").GetInt32()) 0 "Dale's law holds after training"
            let balance = json.GetProperty "balance"
            for key in [ "mean_e_input"; "mean_i_input"; "ratio"; "ei_correlation" ] do
                Expect.isTrue (Double.IsFinite(balance.GetProperty(key).GetDouble())) $"balance.{key} is a number"
            Expect.isGreaterThan (balance.GetProperty("mean_e_input").GetDouble()) 0.0 "excitation is positive"
            Expect.isGreaterThan (balance.GetProperty("mean_i_input").GetDouble()) 0.0 "inhibition is a positive magnitude"
            // the recipe: two one-step epochs, then two rollout epochs, with the increment readout by default
            Expect.equal (json.GetProperty("epochs_run").GetInt32()) 4 "2 one-step + 2 rollout epochs in quick mode"
            Expect.equal (json.GetProperty("options").GetProperty("readout").GetString()) "increment" "increment readout by default"
            let oneStepOnly = json.GetProperty "one_step_only"
            Expect.isTrue (Double.IsFinite(oneStepOnly.GetProperty("test_mse_one_step").GetDouble())) "the one-step solution's test MSE is a number"
            Expect.isTrue (Double.IsFinite(oneStepOnly.GetProperty("vpt_lyapunov_times").GetProperty("median").GetDouble())) "and its VPT"
            for key in [ "train_seconds"; "lambda_max" ] do
                Expect.isTrue (Double.IsFinite(json.GetProperty(key).GetDouble())) $"{key} is a number"
            let report = ChapterTests.expectReport dir "ei_rate"
            Expect.equal report.Kind "EiRateNetwork" "kind"
            Expect.equal report.ParameterCount (json.GetProperty("parameters").GetInt32()) "the report's model is the chapter's"
            Expect.equal (comparison[0].GetProperty("vpt_median").GetDouble()) report.Vpt.Median "the comparison's first row is the saved network's report"
            for v in comparison do
                Expect.contains [ "Better"; "Worse"; "WithinSpread" ] (v.GetProperty("vpt_against_seeds").GetString())
                    "each network's VPT is placed against the seeds' range"
            Expect.equal (comparison[0].GetProperty("vpt_against_seeds").GetString()) "WithinSpread" "the main seed lies within its own seeds' range"
            // the network over seeds: two in quick mode, from --seed on, each trained by the sweep in its own run folder
            let seeds = [ for s in json.GetProperty("seeds").EnumerateArray() -> s ]
            Expect.equal [ for s in seeds -> s.GetProperty("seed").GetInt32() ] [ 0; 1 ] "seeds 0 and 1 in quick mode"
            Expect.equal [ for s in seeds -> s.GetProperty("main").GetBoolean() ] [ true; false ] "seed 0 (--seed) is the main seed"
            Expect.equal (seeds[0].GetProperty("vpt_median").GetDouble()) report.Vpt.Median "the main seed's row is the saved report"
            Expect.equal (seeds[0].GetProperty("ratio_after").GetDouble()) (balance.GetProperty("ratio").GetDouble()) "and its balance the measured one"
            for s in seeds do
                for key in [ "vpt_median"; "test_mse_one_step"; "d_stsp"; "d_h"; "lambda_max"; "train_seconds" ] do
                    Expect.isTrue (Double.IsFinite(s.GetProperty(key).GetDouble())) $"seeds[].{key} is a number"
                Expect.isGreaterThan (s.GetProperty("ratio_after").GetDouble()) 0.0 "each seed's I/E after training is a positive number"
            Expect.notEqual (seeds[0].GetProperty("test_mse_one_step").GetDouble()) (seeds[1].GetProperty("test_mse_one_step").GetDouble())
                "two seeds train two different networks"
            let spread = json.GetProperty("seed_spread")
            Expect.equal (spread.GetProperty("count").GetInt32()) 2 "the spread is over both seeds"
            let vptSpread = spread.GetProperty("measures").GetProperty("vpt_median")
            let vpts = [ for s in seeds -> s.GetProperty("vpt_median").GetDouble() ]
            Expect.equal (vptSpread.GetProperty("min").GetDouble(), vptSpread.GetProperty("max").GetDouble()) (List.min vpts, List.max vpts) "the VPT range is the seeds' minimum and maximum"
            Expect.floatClose Accuracy.veryHigh (vptSpread.GetProperty("median").GetDouble()) (List.average vpts) "the median of two seeds is their mean"
            let runs = Directory.GetFiles(Path.Combine(dir, "sweeps", "ei_rate"), "report.json", SearchOption.AllDirectories) |> Array.map NeuroDyn.Evaluation.ForecastReportFile.Read
            Expect.equal (runs |> Array.map (fun r -> r.Seed) |> Array.sort) [| 0L; 1L |] "the sweep's folder holds one report per seed"
            let mainRun = runs |> Array.find (fun r -> r.Seed = 0L)
            Expect.equal (mainRun.Vpt.Median, mainRun.OneStepMse, mainRun.DStsp) (report.Vpt.Median, report.OneStepMse, report.DStsp) "reports/ei_rate.json is the main seed's run"
            Expect.equal mainRun.Name "E/I rate network (Dale)" "the runs carry the chapter's model name"
            Expect.equal mainRun.Mode "quick" "and its mode"
            // two epochs of four batches cannot fit Lorenz, but they must improve on predicting the z-scored mean (MSE ≈ 1)
            Expect.isLessThan report.OneStepMse 1.5 "one-step MSE is sane"
            let loaded = NeuroDyn.Artifacts.ModelArtifact.Load<NeuroDyn.Models.EiRateNetwork>(Path.Combine(dir, "models", "ei_rate.safetensors"))
            Expect.equal (loaded.DaleViolations()) 0 "the reloaded network obeys Dale's law"
            Expect.equal loaded.Options.TauE 0.2 "its options come from the file (τ_E of the chapter)"
            Expect.equal loaded.Options.Input NeuroDyn.Models.EiInput.Excitatory "and the input mode"
            // --resume keeps the finished seeds: the sweep trains nothing again, and the main seed's report stays the same run's
            let resumed, rerun = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 5.0) "02_ei_rate" [ "--resume" ]
            Expect.stringContains rerun.Output "2 runs, 2 finished before, 0 to run" "with --resume the sweep keeps both finished seeds"
            let again = ChapterTests.expectReport dir "ei_rate"
            Expect.equal again.Vpt.PerStart report.Vpt.PerStart "the main seed's report is the same run's"
            Expect.equal [ for s in resumed.GetProperty("seeds").EnumerateArray() -> s.GetProperty("test_mse_one_step").GetDouble() ]
                [ for s in seeds -> s.GetProperty("test_mse_one_step").GetDouble() ] "and every seed's"
        }

        test "02 refuses an unknown --input before any work, naming the choices" {
            let dir = Run.tempFolder "ei-input"
            let result =
                Run.program "dotnet" [ "fsi"; Path.Combine(Run.root, "scripts", "02_ei_rate.fsx"); "--quick"; "--input"; "inhibitory"; "--out"; dir ] Run.root (TimeSpan.FromMinutes 2.0)
            Expect.equal result.ExitCode 2 $"refused with exit code 2:\n{result.Output}"
            Expect.stringContains result.Output "error: --input expects excitatory (W_in x + b into the E units only) or all (into every unit) but got 'inhibitory'" "the refusal names the choices"
            Expect.isFalse (File.Exists(Path.Combine(dir, "02_ei_rate.json"))) "nothing was run"
        }
    ]
