/// Chapter 05 (synthesis) run in quick mode after chapters 00 and 01, in one folder: its table, JSON, Markdown, PNG figures and page.
module NeuroDyn.Tests.Chapter05Tests

open System
open System.IO
open System.Text.Json
open Expecto

/// Width and height of a PNG from its IHDR chunk (big-endian, bytes 16–23), after checking the 8-byte signature.
let private pngSize (path: string) =
    let bytes = File.ReadAllBytes path
    Expect.isGreaterThan bytes.Length 1000 $"{path} is a real image, not an empty file"
    Expect.sequenceEqual bytes.[.. 7] [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |] $"{path} starts with the PNG signature"
    let bigEndian i = (int bytes.[i] <<< 24) ||| (int bytes.[i + 1] <<< 16) ||| (int bytes.[i + 2] <<< 8) ||| int bytes.[i + 3]
    bigEndian 16, bigEndian 20

let private number (e: JsonElement) (name: string) = e.GetProperty(name).GetDouble()

[<Tests>]
let tests =
    testSequenced <| testList "chapter 05" [
        test "05 synthesis: CT-RNN re-evaluated from its saved weights, table, Markdown, PNG figures and page" {
            let dir = Run.tempFolder "05_synthesis"
            try
                ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 5.0) "00_lorenz" [] |> ignore
                let ctrnn, _ = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 5.0) "01_ctrnn" []
                // 05 runs any of chapters 02–04 whose results are missing and whose script exists: allow for all three
                let json, run = ChapterTests.runChapterIn dir (TimeSpan.FromMinutes 15.0) "05_synthesis" []
                let models = [ for m in json.GetProperty("models").EnumerateArray() -> m ]
                let keys = [ "name"; "parameters"; "train_seconds"; "test_mse_one_step"; "vpt_lyapunov_times"; "d_stsp"; "d_h"; "lambda_max"; "fixed_points" ]
                for m in models do
                    for k in keys do Expect.isTrue (fst (m.TryGetProperty k)) $"model record has '{k}': {m}"
                    for k in [ "median"; "p10"; "p90"; "n" ] do
                        Expect.isTrue (fst (m.GetProperty("vpt_lyapunov_times").TryGetProperty k)) $"vpt_lyapunov_times has '{k}'"
                let ct = models |> List.find (fun m -> m.GetProperty("name").GetString() = "CT-RNN")
                Expect.equal (ct.GetProperty("parameters").GetInt32()) (ctrnn.GetProperty("parameters").GetInt32()) "the loaded CT-RNN has chapter 01's parameter count"
                // Same weights, same data, same code, one thread: the re-evaluation repeats chapter 01's float64 arithmetic;
                // 1e-9 relative allows only for summation order, far below any real difference between models.
                for k in [ "test_mse_one_step"; "d_stsp"; "d_h" ] do
                    Expect.floatClose { absolute = 0.0; relative = 1e-9 } (number ct k) (number ctrnn k) $"re-evaluated {k} equals chapter 01's"
                // VPTs are whole numbers of steps (k dt λ) from the same 20 seeded starts: equal up to the last bit of the product
                let vpt (e: JsonElement) (k: string) = e.GetProperty("vpt_lyapunov_times").GetProperty(k).GetDouble()
                for k in [ "median"; "p10"; "p90" ] do
                    Expect.floatClose { absolute = 1e-12; relative = 1e-12 } (vpt ct k) (vpt ctrnn k) $"re-evaluated VPT {k} equals chapter 01's"
                Expect.equal (ct.GetProperty("vpt_lyapunov_times").GetProperty("n").GetInt32()) 20 "VPT from 20 starts"
                Expect.isTrue (Double.IsFinite(number ct "lambda_max")) "the CT-RNN's λ_max was measured"
                Expect.isGreaterThanOrEqual (ct.GetProperty("fixed_points").GetInt32()) 0 "fixed points counted"
                // a chapter whose script exists was run (its row is there); one whose script is absent is reported as missing
                let notes = [ for n in json.GetProperty("notes").EnumerateArray() -> n.GetString() ]
                for chapter, row in [ "02_ei_rate", "E/I"; "03_spiking", "Spiking reservoir" ] do
                    if File.Exists(Path.Combine(Run.root, "scripts", chapter + ".fsx")) then
                        Expect.isTrue (models |> List.exists (fun m -> m.GetProperty("name").GetString().StartsWith row)) $"{chapter} was run and has a row"
                        Expect.stringContains run.Output $"{chapter}: no results in" "the run says it trains the missing chapter"
                    else
                        Expect.isTrue (notes |> List.exists (fun n -> n.Contains chapter && n.Contains "not in this checkout")) $"{chapter} reported missing: {notes}"
                        Expect.stringContains run.Output $"{chapter}: missing" "the run says so"
                // the E/I network of chapter 02, when that chapter ran: loaded from its saved weights and measured with the CT-RNN's protocol
                if File.Exists(Path.Combine(dir, "02_ei_rate.json")) then
                    let saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "02_ei_rate.json"))).RootElement
                    let ei = models |> List.find (fun m -> m.GetProperty("name").GetString().StartsWith "E/I")
                    Expect.equal (ei.GetProperty("parameters").GetInt32()) (saved.GetProperty("parameters").GetInt32()) "the loaded E/I network has chapter 02's parameter count"
                    Expect.stringStarts (ei.GetProperty("source").GetString()) "evaluated again here" "the E/I network was evaluated again"
                    Expect.equal (ei.GetProperty("vpt_lyapunov_times").GetProperty("n").GetInt32()) 20 "from the same 20 starts as the CT-RNN"
                // the Markdown table: header, the CT-RNN's row with its parameter count, image links to the PNGs
                let md = File.ReadAllText(Path.Combine(dir, "05_synthesis.md"))
                Expect.stringContains md "| model | parameters | train (s) | test MSE | VPT median |" "Markdown table header"
                let parameters = ct.GetProperty("parameters").GetInt32()
                Expect.stringContains md $"| CT-RNN | {parameters} |" "CT-RNN row"
                Expect.stringContains md "![05_measures](figures/05_measures.png)" "image link to the bar chart"
                Expect.stringContains md "![05_attractors](figures/05_attractors.png)" "image link to the attractors"
                // PNGs at the requested window size (chromium's screenshot is exactly --window-size)
                Expect.equal (pngSize (Path.Combine(dir, "figures", "05_measures.png"))) (1500, 520) "bar chart PNG size"
                let attractorWidth, _ = pngSize (Path.Combine(dir, "figures", "05_attractors.png"))
                Expect.isGreaterThanOrEqual attractorWidth 800 "attractor PNG: truth beside at least the CT-RNN"
                ChapterTests.expectPage dir "05_synthesis" 3
            finally
                try Directory.Delete(dir, true) with _ -> ()
        }
    ]
