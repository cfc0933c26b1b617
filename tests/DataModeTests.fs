/// Quick runs keep to their own paths: `00 --quick` on its defaults leaves the default data set alone, and a chapter handed a
/// data set of another mode's size says so.
module NeuroDyn.Tests.DataModeTests

open System
open System.IO
open System.Security.Cryptography
open System.Text.Json
open Expecto
open NeuroDyn.Data

let private script name = Path.Combine(Run.root, "scripts", name + ".fsx")
let private sha256 (path: string) = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes path))

[<Tests>]
let tests =
    testSequenced <| testList "data modes" [
        test "a quick run on its default paths leaves the default data set untouched; a default-size data set in a quick run is reported" {
            let root = Run.tempFolder "modes"
            let defaultData = Path.Combine(root, "data", "processed", "lorenz_data.npz")
            // the default data set (200 time units), as chapter 00 makes it on its defaults
            LorenzDataset.Generate(LorenzDataOptions(Duration = 200.0)).Data.Save defaultData
            let before = sha256 defaultData
            let quick =
                Run.programWith [ "NEURODYN_OUTPUT_ROOT", root ] "dotnet" [ "fsi"; script "00_lorenz"; "--quick" ] Run.root (TimeSpan.FromMinutes 3.0)
            Expect.equal quick.ExitCode 0 $"00 --quick runs:\n{quick.Output}"
            Expect.equal (sha256 defaultData) before "the default data set is byte for byte as it was"
            let quickData = Path.Combine(root, "data", "processed", "quick", "lorenz_data.npz")
            Expect.equal (Array2D.length1 (LorenzData.Load quickData).Train) 1400 "the quick data set (20 time units) went to data/processed/quick/"
            let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "out", "quick", "00_lorenz.json"))).RootElement
            Expect.equal (json.GetProperty("mode").GetString()) "quick" "its JSON is in out/quick/ and records the mode"
            Expect.equal (json.GetProperty("data_file").GetString()) quickData "and names the quick data set"
            Expect.isFalse (File.Exists(Path.Combine(root, "out", "00_lorenz.json"))) "nothing in the default out/"

            // chapter 01 in quick mode handed the default data set: it says the size does not fit its mode
            let mismatched =
                Run.program "dotnet" [ "fsi"; script "01_ctrnn"; "--quick"; "--epochs"; "1"; "--rollout-epochs"; "1"; "--out"; Path.Combine(root, "mismatch"); "--data"; defaultData ]
                    Run.root (TimeSpan.FromMinutes 5.0)
            Expect.equal mismatched.ExitCode 0 $"the chapter still runs:\n{mismatched.Output}"
            Expect.stringContains mismatched.Output $"warning: the data set {defaultData} holds 200 time units (14,000 training rows)" "the warning names the file and its size"
            Expect.stringContains mismatched.Output "this run's mode is made for 20 time units" "and the size this mode expects"
            Expect.stringContains mismatched.Output "dotnet fsi scripts/00_lorenz.fsx --quick" "and how to make the right one"
            Directory.Delete(root, true)
        }
    ]
