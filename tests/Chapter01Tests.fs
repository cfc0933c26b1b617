/// Chapter 01 (CT-RNN trained as a neural ODE) run end to end in quick mode, checking what it wrote.
module NeuroDyn.Tests.Chapter01Tests

open System
open System.IO
open System.Text.Json
open Expecto
open NeuroDyn.Evaluation

/// Every seed's report of a network's sweep in the chapter's output folder (sweeps/ID/runs/*/report.json), by seed.
let private seedReports (dir: string) (id: string) =
    [ for run in Directory.GetDirectories(Path.Combine(dir, "sweeps", id, "runs")) -> ForecastReportFile.Read(Path.Combine(run, "report.json")) ]
    |> List.sortBy (fun r -> r.Seed)

/// Checks a network's training over the seeds: two seeds (quick mode), each its own model; the entry's report is seed 0's, bit for bit,
/// and the chapter's JSON lists every seed's figures as their reports hold them.
let private expectSeeds (dir: string) (id: string) (name: string) (saved: ForecastReport) (json: JsonElement) =
    let reports = seedReports dir id
    Expect.equal [ for r in reports -> r.Seed ] [ 0L; 1L ] $"{id}: trained from seeds 0 and 1 (--quick trains two)"
    for r in reports do
        Expect.equal (r.Name, r.Mode) (name, "quick") $"{id}: seed {r.Seed}'s report carries the network's name and the run's mode"
    Expect.notEqual reports.[0].Vpt.PerStart reports.[1].Vpt.PerStart $"{id}: the two seeds trained different networks"
    let bits (r: ForecastReport) = [ r.OneStepMse; r.DStsp; r.DH; r.LargestLyapunov ] |> List.map BitConverter.DoubleToInt64Bits
    Expect.equal (bits saved) (bits reports.[0]) $"{id}: reports/{id}.json holds seed 0's measures"
    Expect.equal saved.Vpt.PerStart reports.[0].Vpt.PerStart $"{id}: and its VPT of every start"
    let listed = [ for s in json.GetProperty("seeds").EnumerateArray() -> s.GetProperty("seed").GetInt64(), s.GetProperty("vpt_median").GetDouble(), s.GetProperty("one_step_mse").GetDouble() ]
    Expect.equal listed [ for r in reports -> r.Seed, r.Vpt.Median, r.OneStepMse ] $"{id}: the JSON lists every seed's figures"

[<Tests>]
let tests =
    testSequenced <| testList "chapter 01" [
        test "01 CT-RNN and GRU: JSON results, increment readout recorded, model files and reports, the GRU with the CT-RNN's parameter budget, both over two seeds, page renders" {
            let dir, json, _ = ChapterTests.runChapter "01_ctrnn" []
            ChapterTests.expectPage dir "01_ctrnn" 6
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
            // the GRU baseline with the CT-RNN's parameter budget: 8 units give 3·8·(3 + 8) + 6·8 + 8·3 + 3 = 339, the closest to 371 (9 units: 408)
            let gru = json.GetProperty "gru"
            Expect.equal (gru.GetProperty("hidden").GetInt32()) 8 "the GRU's hidden size matches the budget"
            Expect.equal (gru.GetProperty("parameters").GetInt32()) 339 "the GRU's parameters"
            let gruReport = ChapterTests.expectReport dir "gru"
            Expect.equal gruReport.Kind "GruNetwork" "the GRU's kind"
            Expect.equal gruReport.ParameterCount 339 "the GRU's report is of the chapter's GRU"
            Expect.equal (gru.GetProperty("test_mse_one_step").GetDouble()) gruReport.OneStepMse "the page's GRU MSE is its report's"
            Expect.equal (gru.GetProperty("vpt_lyapunov_times").GetProperty("median").GetDouble()) gruReport.Vpt.Median "the page's GRU VPT is its report's"
            Expect.isLessThan gruReport.OneStepMse 0.1 "the GRU's one-step MSE is sane"
            Expect.isGreaterThan (gru.GetProperty("train_seconds").GetDouble()) 0.0 "the GRU's training time"
            expectSeeds dir "ctrnn" "CT-RNN" report json
            expectSeeds dir "gru" "GRU (discrete time)" gruReport gru
            let html = File.ReadAllText(Path.Combine(dir, "01_ctrnn.html"))
            Expect.stringContains html "With <strong>339</strong> parameters against the CT-RNN's <strong>371</strong>" "the page compares the two, counts first"
            for table in [ "CT-RNN: seed"; "GRU: seed" ] do Expect.stringContains html $"<th>{table}</th>" $"a seed table headed '{table}'"
            Expect.stringContains html "<td>0 (this page)</td>" "the main seed is marked in the seed tables"
            Expect.stringContains html "Over 2 seeds the CT-RNN's median VPT ranged from" "a sentence on the spread"
        }
    ]
