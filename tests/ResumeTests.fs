/// `--resume`: a chapter-01 run killed after its first checkpoint and resumed ends exactly where an uninterrupted run ends, in every seed.
module NeuroDyn.Tests.ResumeTests

open System
open System.Diagnostics
open System.IO
open System.Text.Json
open System.Threading
open Expecto
open TorchSharp
open NeuroDyn.Training

/// Quick chapter 01 with more one-step epochs (four batches each), so that a kill lands in the middle of training.
let private chapter01 (dir: string) (extra: string list) =
    [ "fsi"; Path.Combine(Run.root, "scripts", "01_ctrnn.fsx"); "--quick"; "--epochs"; "30"; "--out"; dir; "--data"; Path.Combine(dir, "lorenz_data.npz") ] @ extra

/// The run folders of the CT-RNN's sweep over the seeds (sweeps/ctrnn/runs/*), by name.
let private runs (dir: string) =
    let folder = Path.Combine(dir, "sweeps", "ctrnn", "runs")
    if Directory.Exists folder then Directory.GetDirectories folder |> Array.sort |> List.ofArray else []

/// The one-step phase's checkpoint of the main seed's run, once its folder exists.
let private firstCheckpoint (dir: string) =
    runs dir |> List.tryHead |> Option.map (fun run -> Path.Combine(run, "checkpoint.onestep.safetensors"))

/// Starts chapter 01 and kills it with its sweep's workers (SIGKILL, as a crash or a closed terminal would) as soon as the main seed's
/// one-step checkpoint exists; returns that checkpoint.
let private killAfterFirstCheckpoint (dir: string) =
    let written () = firstCheckpoint dir |> Option.exists File.Exists
    use p = Process.Start(ProcessStartInfo("dotnet", chapter01 dir [], WorkingDirectory = Run.root, RedirectStandardOutput = true, RedirectStandardError = true))
    p.OutputDataReceived.Add ignore
    p.ErrorDataReceived.Add ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    let clock = Stopwatch.StartNew()
    while not (written ()) && not p.HasExited && clock.Elapsed < TimeSpan.FromMinutes 5.0 do Thread.Sleep 10
    if not p.HasExited then p.Kill true
    p.WaitForExit()
    Expect.isTrue (written ()) "the run wrote its first checkpoint before it was killed"
    (firstCheckpoint dir).Value

/// The tensors of a safetensors file whose names start with a prefix, as float64 arrays by name.
let private tensors (path: string) (prefix: string) =
    use content = SafeTensors.Read path
    [ for KeyValue(name, t) in content.Tensors do
        if name.StartsWith prefix then yield name, t.to_type(torch.ScalarType.Float64).data<double>().ToArray() ]
    |> List.sortBy fst

/// The figures chapter 01 reports that depend on the trained weights (not its timings): from its JSON and its model's report.
let private figures (dir: string) =
    let json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "01_ctrnn.json"))).RootElement
    let report = NeuroDyn.Evaluation.ForecastReportFile.Read(Path.Combine(dir, "reports", "ctrnn.json"))
    let vpt (e: JsonElement) = [ for k in [ "median"; "p10"; "p90" ] -> e.GetProperty("vpt_lyapunov_times").GetProperty(k).GetDouble() ]
    [ yield json.GetProperty("epochs").GetDouble()
      yield! [ report.OneStepMse; report.DStsp; report.DH; report.LargestLyapunov; report.Vpt.Median; report.Vpt.P10; report.Vpt.P90 ]
      yield json.GetProperty("one_step_only").GetProperty("test_mse_one_step").GetDouble()
      yield! vpt (json.GetProperty "one_step_only") ]
    |> List.map BitConverter.DoubleToInt64Bits

[<Tests>]
let tests =
    testSequenced <| testList "resume" [
        test "01 --resume after a kill: every seed's weights and the chapter's figures as in an uninterrupted run, bit for bit" {
            let whole, resumed = Run.tempFolder "uninterrupted", Run.tempFolder "resumed"
            let uninterrupted = Run.program "dotnet" (chapter01 whole []) Run.root (TimeSpan.FromMinutes 5.0)
            Expect.equal uninterrupted.ExitCode 0 $"the uninterrupted run succeeds:\n{uninterrupted.Output}"

            let checkpoint = killAfterFirstCheckpoint resumed
            Expect.isFalse (File.Exists(Path.Combine(resumed, "01_ctrnn.json"))) "the killed run did not finish (else nothing is resumed)"
            let written = JsonDocument.Parse(File.ReadAllText(Checkpoint.HistoryPath checkpoint)).RootElement
            let epochsDone = written.GetProperty("history").GetArrayLength()
            Expect.isLessThan epochsDone 30 "killed during one-step training"
            let again = Run.program "dotnet" (chapter01 resumed [ "--resume" ]) Run.root (TimeSpan.FromMinutes 5.0)
            Expect.equal again.ExitCode 0 $"the resumed run succeeds:\n{again.Output}"
            let log = File.ReadAllText(Path.Combine(Path.GetDirectoryName checkpoint, "log.txt"))
            Expect.stringContains log "resuming" "the main seed's run continues from its checkpoint"

            // Same seed, same batches, one thread: the resumed runs repeat the uninterrupted runs' arithmetic exactly.
            Expect.equal (runs resumed |> List.map Path.GetFileName) (runs whole |> List.map Path.GetFileName) "the same seeds"
            for whole, resumed in List.zip (runs whole) (runs resumed) do
                for file in [ "model.onestep.safetensors"; "model.safetensors" ] do
                    let a, b = tensors (Path.Combine(whole, file)) "", tensors (Path.Combine(resumed, file)) ""
                    Expect.isNonEmpty a $"{file} of {Path.GetFileName whole} has tensors"
                    Expect.equal b a $"{file} of {Path.GetFileName whole}: tensors identical"
            Expect.equal (figures resumed) (figures whole) "test MSE, VPT, D_stsp, D_H and epochs identical"
        }
    ]
