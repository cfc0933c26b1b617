/// Chapter 02 (balanced E/I rate network) run end to end in quick mode, checking what it wrote.
module NeuroDyn.Tests.Chapter02Tests

open System
open System.IO
open Expecto

[<Tests>]
let tests =
    testSequenced <| testList "chapter 02" [
        test "02 E/I rate network: JSON results, Dale's law, saved model reused, page renders" {
            let dir, json, _ = ChapterTests.runChapter "02_ei_rate" []
            ChapterTests.expectPage dir "02_ei_rate" 8
            // quick mode: 16 units, 80% excitatory
            Expect.equal (json.GetProperty("n_e").GetInt32()) 13 "n_e = round(0.8 · 16)"
            Expect.equal (json.GetProperty("n_i").GetInt32()) 3 "n_i"
            // A [16·16], W_in [16·3], b [16], W_out [3·13] from the E units, b_out [3]
            Expect.equal (json.GetProperty("parameters").GetInt32()) (256 + 48 + 16 + 39 + 3) "parameters"
            Expect.equal (json.GetProperty("dale_violations").GetInt32()) 0 "Dale's law holds after training"
            let balance = json.GetProperty "balance"
            for key in [ "mean_e_input"; "mean_i_input"; "ratio"; "ei_correlation" ] do
                Expect.isTrue (Double.IsFinite(balance.GetProperty(key).GetDouble())) $"balance.{key} is a number"
            Expect.isGreaterThan (balance.GetProperty("mean_e_input").GetDouble()) 0.0 "excitation is positive"
            Expect.isGreaterThan (balance.GetProperty("mean_i_input").GetDouble()) 0.0 "inhibition is a positive magnitude"
            let vpt = json.GetProperty "vpt_lyapunov_times"
            Expect.equal (vpt.GetProperty("n").GetInt32()) 20 "VPT from 20 starts in quick mode"
            Expect.isTrue (vpt.GetProperty("p10").GetDouble() <= vpt.GetProperty("median").GetDouble()
                           && vpt.GetProperty("median").GetDouble() <= vpt.GetProperty("p90").GetDouble()) "p10 ≤ median ≤ p90"
            // the recipe: two one-step epochs, then two rollout epochs, with the increment readout by default
            Expect.equal (json.GetProperty("epochs_run").GetInt32()) 4 "2 one-step + 2 rollout epochs in quick mode"
            Expect.equal (json.GetProperty("options").GetProperty("readout").GetString()) "increment" "increment readout by default"
            let oneStepOnly = json.GetProperty "one_step_only"
            Expect.isTrue (Double.IsFinite(oneStepOnly.GetProperty("test_mse_one_step").GetDouble())) "the one-step solution's test MSE is a number"
            Expect.isTrue (Double.IsFinite(oneStepOnly.GetProperty("vpt_lyapunov_times").GetProperty("median").GetDouble())) "and its VPT"
            for key in [ "test_mse_one_step"; "train_seconds"; "d_stsp"; "d_h"; "lambda_max" ] do
                Expect.isTrue (Double.IsFinite(json.GetProperty(key).GetDouble())) $"{key} is a number"
            // two epochs of four batches cannot fit Lorenz, but they must improve on predicting the z-scored mean (MSE ≈ 1)
            Expect.isLessThan (json.GetProperty("test_mse_one_step").GetDouble()) 1.5 "one-step MSE is sane"
            for file in [ "02_ei_rate.pt"; "02_ei_rate.safetensors"; "02_ei_rate.json" ] do
                Expect.isTrue (File.Exists(Path.Combine(dir, "models", file))) $"models/{file} written"
            // a second run with the same options into the same folder reloads the model instead of training: same results
            let rerun =
                Run.program "dotnet" [ "fsi"; Path.Combine(Run.root, "scripts", "02_ei_rate.fsx"); "--quick"; "--out"; dir; "--data"; Path.Combine(dir, "lorenz_data.npz") ]
                    Run.root (TimeSpan.FromMinutes 5.0)
            Expect.equal rerun.ExitCode 0 $"the re-run succeeds:\n{rerun.Output}"
            Expect.stringContains rerun.Output "reusing the trained model" "the saved model is reused"
            let again = Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "02_ei_rate.json"))).RootElement
            Expect.equal (again.GetProperty("test_mse_one_step").GetDouble()) (json.GetProperty("test_mse_one_step").GetDouble()) "same model, same test MSE"
            Expect.equal (again.GetProperty("train_seconds").GetDouble()) (json.GetProperty("train_seconds").GetDouble()) "training time of the saved run"
            Expect.equal (again.GetProperty("one_step_only").GetProperty("test_mse_one_step").GetDouble()) (oneStepOnly.GetProperty("test_mse_one_step").GetDouble()) "the one-step solution's figures are kept with the model"
        }
    ]
