/// Chapter 01 (CT-RNN trained as a neural ODE) run end to end in quick mode, checking what it wrote.
module NeuroDyn.Tests.Chapter01Tests

open System
open System.IO
open Expecto

[<Tests>]
let tests =
    testSequenced <| testList "chapter 01" [
        test "01 CT-RNN: JSON results, increment readout recorded, model file and report, page renders" {
            let dir, json, _ = ChapterTests.runChapter "01_ctrnn" []
            ChapterTests.expectPage dir "01_ctrnn" 5
            // quick mode: 16 units; W_rec [16·16], W_in [16·3], b [16], W_out [3·16], b_out [3]
            Expect.equal (json.GetProperty("parameters").GetInt32()) (256 + 48 + 16 + 48 + 3) "parameters"
            Expect.equal (json.GetProperty("readout").GetString()) "Increment" "the increment readout is the default"
            // the RMS increment of z-scored Lorenz at dt 0.01 is about 0.07 of a standard deviation
            let scale = json.GetProperty("increment_scale").GetDouble()
            Expect.isTrue (scale > 0.03 && scale < 0.15) $"increment scale {scale} is the data's RMS increment"
            for key in [ "train_seconds"; "tau"; "sample_interval" ] do
                Expect.isTrue (Double.IsFinite(json.GetProperty(key).GetDouble())) $"{key} is a number"
            let report = ChapterTests.expectReport dir "ctrnn"
            Expect.equal report.ParameterCount (json.GetProperty("parameters").GetInt32()) "the report's model is the chapter's"
            Expect.equal report.Kind "CtRnn" "kind"
            // two epochs of four batches cannot fit Lorenz, but predicting the last input plus a small change must beat
            // predicting the z-scored mean (MSE ≈ 1) by far
            Expect.isLessThan report.OneStepMse 0.1 "one-step MSE is sane"
            Expect.isFalse (File.Exists(Path.Combine(dir, "models", "ctrnn.dat"))) "one model file only: no TorchSharp-format copy"
        }
    ]
