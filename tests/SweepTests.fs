/// Sweeps: a tiny 2 × 2 sweep of the CT-RNN on 2 worker processes, killed mid-way and started again, equals the same sweep run by GNU parallel
/// from its exported command lines bit for bit (every report number but the timings, the free runs, the model files); the Slurm script holds
/// the same lines; a failing run is recorded while the others finish; bad definitions are refused before any run.
module NeuroDyn.Tests.SweepTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Sweeps
open NeuroDyn.Training
open NeuroDyn.Tests.TestFixtures

/// A quick Lorenz data set (20 time units) in the folder.
let private quickData (folder: string) =
    let path = Path.Combine(folder, "data.npz")
    LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0)).Data.Save path
    path

/// The tests' recipe: four epochs of three batches of 16 windows.
let private recipe = TrainingOptions(Epochs = 4, MaxBatchesPerEpoch = 3, BatchSize = 16)

/// A CT-RNN sweep on the data set, measured by the quick protocol.
let private sweepOf (data: string) (grid: SweepAxis list) (seeds: int list) (training: TrainingOptions) =
    SweepDefinition(Model = "ctrnn", Grid = grid, Seeds = seeds, Training = training, Protocol = ForecastProtocol.Quick, DataPath = data)

/// The tiny sweep: hidden 4 and 6 × seeds 0 and 1.
let private tiny (data: string) = sweepOf data [ SweepAxis("hidden", [ "4"; "6" ]) ] [ 0; 1 ] recipe

let private program = lazy (SweepProgram.Locate())

/// Runs the sweep program's local runner on the folder with 2 workers and kills it (with its workers) as soon as one run has finished and
/// an unfinished one has a checkpoint; returns the finished runs' folders and the checkpointed unfinished ones'.
let private startAndKill (folder: string) =
    let info = ProcessStartInfo("dotnet", [ program.Force(); "local"; folder; "--workers"; "2" ], RedirectStandardOutput = true, RedirectStandardError = true)
    use p = Process.Start info
    p.OutputDataReceived.Add ignore
    p.ErrorDataReceived.Add ignore
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    let runs = Path.Combine(folder, SweepFolder.RunsFolder)
    let folders name = Directory.GetFiles(runs, name, SearchOption.AllDirectories) |> Array.map Path.GetDirectoryName
    let state () =
        let finished = folders SweepFolder.ReportFile
        finished, folders SweepFolder.CheckpointFile |> Array.filter (fun f -> not (Array.contains f finished))
    let clock = Stopwatch.StartNew()
    let mutable current = state ()
    while (Array.isEmpty (fst current) || Array.isEmpty (snd current)) && not p.HasExited && clock.Elapsed < TimeSpan.FromMinutes 5.0 do
        Thread.Sleep 20
        current <- state ()
    let exited = p.HasExited
    if not exited then p.Kill true
    p.WaitForExit()
    let finished, checkpointed = state ()
    let ending = if exited then sprintf "exited by itself (code %d)" p.ExitCode else "was killed"
    finished, checkpointed, $"the runner {ending} after {clock.Elapsed.TotalSeconds:F1} s with {finished.Length} run(s) finished"

/// A table's rows with every number but the timings, as bits.
let private withoutTimings (table: SweepTable) =
    [ for row in table.Rows ->
        row.Id, row.Status, [ for m in SweepTable.Measures do if not m.IsTiming then yield m.Name, BitConverter.DoubleToInt64Bits(row.Value m) ] ]

let private bash (script: string) (folder: string) = Run.program "bash" [ "-c"; script ] folder (TimeSpan.FromMinutes 5.0)

/// Expects the sweep's preparation to fail with an ArgumentException or InvalidDataException naming each fragment.
let private refused (definition: SweepDefinition) (folder: string) (fragments: string list) =
    let e = Throws.capture<exn> (fun () -> Sweep.Prepare(definition, folder) |> ignore)
    Expect.isTrue (e :? ArgumentException || e :? InvalidDataException) $"a definition error is an ArgumentException or InvalidDataException, not {e.GetType().Name}: {e.Message}"
    for fragment in fragments do Expect.stringContains e.Message fragment $"the error names '{fragment}'"

[<Tests>]
let tests =
    testSequenced <| testList "sweeps" [
        test "a sweep killed mid-way and started again finishes only the missing runs and equals the same sweep run by GNU parallel, bit for bit" {
            use temp = new TempFolder()
            let data = quickData temp.Path
            let local, exported = Path.Combine(temp.Path, "local"), Path.Combine(temp.Path, "parallel")
            let plan = Sweep.Prepare(tiny data, local)
            // a run may finish between the check and the kill; then the runner is started and killed again, until one dies while training
            let rec killWhileTraining attempt =
                let finished, checkpointed, how = startAndKill local
                if Array.isEmpty checkpointed && finished.Length < plan.Runs.Count && attempt < 3 then killWhileTraining (attempt + 1)
                else finished, checkpointed, how
            let finished, checkpointed, how = killWhileTraining 1
            let unfinished = plan.Runs |> Seq.map (fun r -> SweepFolder.RunFolder(local, r.Id)) |> Seq.filter (fun f -> not (Array.contains f finished)) |> Array.ofSeq
            Expect.isNonEmpty finished $"a run finished before the kill ({how})"
            Expect.isNonEmpty unfinished $"the kill came while runs were unfinished ({how})"
            Expect.isNonEmpty checkpointed $"an unfinished run had written a checkpoint ({how})"
            let before = finished |> Array.map (fun f -> f, File.ReadAllBytes(Path.Combine(f, SweepFolder.ReportFile)))
            let resumed = Run.program "dotnet" [ program.Force(); "local"; local; "--workers"; "2" ] temp.Path (TimeSpan.FromMinutes 5.0)
            Expect.equal resumed.ExitCode 0 $"the restarted sweep finishes:\n{resumed.Output}"
            Expect.stringContains resumed.Output $"{finished.Length} finished before, {unfinished.Length} to run" "the restart runs only the missing runs"
            for folder, bytes in before do
                Expect.sequenceEqual (File.ReadAllBytes(Path.Combine(folder, SweepFolder.ReportFile))) bytes $"{folder}: a finished run is not run again"
            for folder in checkpointed do
                Expect.stringContains (File.ReadAllText(Path.Combine(folder, "log.txt"))) "resuming from" $"{folder} resumed from its checkpoint"

            Sweep.Prepare(tiny data, exported) |> ignore
            let files = Sweep.Export exported
            Expect.equal files.Lines.Count 4 "one command line per run"
            let gnu = bash $"parallel --jobs 2 < {SweepProgram.ShellWord files.Commands}" temp.Path
            Expect.equal gnu.ExitCode 0 $"GNU parallel runs every exported line:\n{gnu.Output}"

            let a, b = Sweep.Collect local, Sweep.Collect exported
            Expect.sequenceEqual (withoutTimings a) (withoutTimings b) "the killed and restarted sweep's table equals GNU parallel's, every number but the timings bit for bit"
            for row in a.Rows do
                let f (sweep: string) name = Path.Combine(SweepFolder.RunFolder(sweep, row.Id), name)
                Expect.sequenceEqual (File.ReadAllBytes(f local SweepFolder.ModelFile)) (File.ReadAllBytes(f exported SweepFolder.ModelFile)) $"{row.Id}: the same model file"
                Expect.equal row.Report.FreeRunSha256 (b.Rows |> Seq.find (fun r -> r.Id = row.Id)).Report.FreeRunSha256 $"{row.Id}: the same free run"
            Expect.sequenceEqual [ for r in a.Rows -> r.Id, r.Values["hidden"], r.Seed, r.Status ]
                [ "hidden=4,seed=0", "4", 0, SweepRunStatus.Finished; "hidden=4,seed=1", "4", 1, SweepRunStatus.Finished
                  "hidden=6,seed=0", "6", 0, SweepRunStatus.Finished; "hidden=6,seed=1", "6", 1, SweepRunStatus.Finished ] "a row per run with its settings"
            Expect.sequenceEqual [ for r in a.Rows -> r.Report.ParameterCount ] [ 47; 47; 81; 81 ] "hidden 4 and 6: n² + 3n + n + 3n + 3 parameters, as the grid says"
            let csv = File.ReadAllLines(Path.Combine(local, SweepTable.CsvFile))
            Expect.equal csv.Length 5 "results.csv: a header and a row per run"
            Expect.stringStarts csv[0] "id,status,hidden,seed,parameters,one_step_mse,vpt_median" "results.csv's columns: the run, its settings, then the numbers"
            Expect.equal (File.ReadAllLines(Path.Combine(local, SweepTable.MarkdownFile)).Length) 6 "results.md: header, rule and a row per run"
            let freeRun = Path.Combine(SweepFolder.RunFolder(local, "hidden=6,seed=1"), ForecastReportFile.FreeRunFileName SweepFolder.ReportFile)
            File.AppendAllText(freeRun, " ")
            Expect.equal (Sweep.Collect local).Rows[3].Status SweepRunStatus.Pending "a run whose free run no longer matches its checksum is not finished"

            let syntax = Run.program "bash" [ "-n"; files.Slurm ] temp.Path (TimeSpan.FromMinutes 1.0)
            Expect.equal syntax.ExitCode 0 $"bash -n accepts the Slurm script:\n{syntax.Output}"
            let held = bash $"eval \"$(sed -n '/^commands=(/,/^)/p' {SweepProgram.ShellWord files.Slurm})\"; printf '%%s\\n' \"${{commands[@]}}\"" temp.Path
            Expect.sequenceEqual (held.Output.TrimEnd('\n').Split('\n')) files.Lines "the Slurm script holds the exported command lines"
            Expect.stringContains (File.ReadAllText files.Slurm) "#SBATCH --array=0-3" "a job array of one task per run"
            let task = bash $"SLURM_ARRAY_TASK_ID=2 bash {SweepProgram.ShellWord files.Slurm}" temp.Path
            Expect.equal task.ExitCode 0 $"task 2 of the array runs its line:\n{task.Output}"
            Expect.stringContains task.Output "hidden=6,seed=0: already finished" "task 2 is the third run, which is finished"
        }

        test "a failing run is recorded with its error while the others finish" {
            use temp = new TempFolder()
            let definition =
                SweepDefinition(Model = "ctrnn", Grid = [ SweepAxis("increment_scale", [ "1"; "1e300" ]) ], Fixed = readOnlyDict [ "readout", "Increment"; "hidden", "4" ],
                                Training = TrainingOptions(Epochs = 1, MaxBatchesPerEpoch = 1, BatchSize = 16), Protocol = ForecastProtocol.Quick, DataPath = quickData temp.Path)
            let folder = Path.Combine(temp.Path, "sweep")
            Sweep.Prepare(definition, folder) |> ignore
            let outcome = Sweep.Run(folder, workers = 2, log = TextWriter.Null)
            Expect.equal outcome.Finished 1 "the good run finished"
            Expect.sequenceEqual outcome.Failed.Keys [ "increment_scale=1e300,seed=0" ] "the run whose predictions overflow failed"
            let table = Sweep.Collect folder
            let failed = table.Rows |> Seq.find (fun r -> r.Status = SweepRunStatus.Failed)
            Expect.stringContains failed.Error "TrainingDivergedException" "its row carries the error"
            Expect.stringContains (File.ReadAllText(Path.Combine(SweepFolder.RunFolder(folder, failed.Id), SweepFolder.ErrorFile))) "TrainingDivergedException" "error.txt records it"
        }

        test "bad definitions are refused before any run, naming what is wrong" {
            use temp = new TempFolder()
            let data = quickData temp.Path
            let good = tiny data
            let grid axes = sweepOf data axes [ 0; 1 ] recipe
            let folder = Path.Combine(temp.Path, "sweep")
            refused (grid [ SweepAxis("hiden", [ "4" ]) ]) folder [ "'hiden'"; "not an option of ctrnn"; "hidden" ]
            refused (grid []) folder [ "grid is empty"; "hidden" ]
            refused (grid [ SweepAxis("hidden", List.empty<string>) ]) folder [ "'hidden' has no values" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [] recipe) folder [ "no seeds" ]
            refused (grid [ SweepAxis("hidden", [ "4"; "four" ]) ]) folder [ "'four'"; "'hidden'"; "whole number" ]
            refused (grid [ SweepAxis("readout", [ "Incr" ]) ]) folder [ "'Incr'"; "State, Increment" ]
            refused (grid [ SweepAxis("tau", [ "0.1"; "1,5" ]) ]) folder [ "'1,5'"; "decimal point" ]
            refused (grid [ SweepAxis("hidden", [ "4"; "0" ]) ]) folder [ "hidden=0"; "Hidden" ]
            refused (grid [ SweepAxis("hidden", [ "4"; "4" ]) ]) folder [ "repeat"; "'4'" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] (TrainingOptions(CheckpointPath = "x.safetensors"))) folder [ "CheckpointPath" ]
            refused (sweepOf (Path.Combine(temp.Path, "missing.npz")) [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] recipe) folder [ "missing.npz"; "does not exist" ]
            refused (SweepDefinition(Model = "gru2", Grid = [ SweepAxis("hidden", [ "4" ]) ], DataPath = data)) folder [ "'gru2'"; "'ctrnn', 'ei_rate', 'gru'" ]
            Expect.isFalse (Directory.Exists folder) "nothing was written for a refused definition"
            let ei = SweepPlan.Of(SweepDefinition(Model = "ei_rate", Grid = [ SweepAxis("tau_i", [ "0.25"; "0.5" ]) ], Fixed = readOnlyDict [ "hidden", "5" ], DataPath = data))
            Expect.sequenceEqual [ for r in ei.Runs -> r.Id, r.Options["tau_i"], r.Options["hidden"], r.Options["excitatory_fraction"] ]
                [ "tau_i=0.25,seed=0", "0.25", "5", "0.8"; "tau_i=0.5,seed=0", "0.5", "5", "0.8" ] "an E/I sweep: swept, fixed and default options of each run"
            let gru = SweepPlan.Of(SweepDefinition(Model = "gru", Grid = [ SweepAxis("hidden", [ "8" ]) ], DataPath = data))
            Expect.sequenceEqual [ for r in gru.Runs -> r.Id, r.Options["hidden"], r.Options["input_size"] ] [ "hidden=8,seed=0", "8", "3" ] "a GRU sweep: swept and default options"

            Sweep.Prepare(good, folder) |> ignore
            refused (sweepOf data [ SweepAxis("hidden", [ "4"; "6" ]) ] [ 0; 1; 2 ] recipe) folder [ "holds another sweep"; "seeds [0, 1]"; "seeds [0, 1, 2]" ]
            Expect.isFalse (Directory.Exists(SweepFolder.RunFolder(folder, "hidden=4,seed=2"))) "the other sweep wrote no run folder"
            let other = Path.Combine(temp.Path, "other")
            Sweep.Prepare(sweepOf data [ SweepAxis("hidden", [ "4"; "6" ]) ] [ 5 ] recipe, other) |> ignore
            Directory.Delete(SweepFolder.RunFolder(folder, "hidden=4,seed=0"), true)
            Directory.Move(SweepFolder.RunFolder(other, "hidden=4,seed=5"), SweepFolder.RunFolder(folder, "hidden=4,seed=0"))
            refused good folder [ "hidden=4,seed=0"; "written by another sweep" ]
            let run = Run.program "dotnet" [ program.Force(); "run"; SweepFolder.RunFolder(folder, "hidden=4,seed=0") ] temp.Path (TimeSpan.FromMinutes 1.0)
            Expect.equal run.ExitCode 2 "the program refuses to run it"
            Expect.stringContains run.Output "written by another sweep" "and says why"
            Expect.isFalse (File.Exists(Path.Combine(SweepFolder.RunFolder(folder, "hidden=4,seed=0"), SweepFolder.CheckpointFile))) "before training"
        }
    ]
