/// Sweeps: a tiny 2 × 2 sweep of the CT-RNN trained in two phases on 2 worker processes, killed in a run's second phase and started again,
/// equals the same sweep run by GNU parallel from its exported command lines bit for bit (every report number but the timings, the free runs,
/// the model files of every phase, the phases' histories); the Slurm script holds the same lines; a sweep run equals the same two phases
/// trained in-process bit for bit; the surrogate LIF network and the spiking reservoir (ridge readout) run as kinds of their own; a failing run
/// is recorded while the others finish; bad definitions are refused before any run.
module NeuroDyn.Tests.SweepTests

open System
open System.Diagnostics
open System.IO
open System.Threading
open Expecto
open NeuroDyn.Artifacts
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Models.Spiking
open NeuroDyn.Sweeps
open NeuroDyn.Training
open NeuroDyn.Tests.TestFixtures

/// A quick Lorenz data set (20 time units) in the folder.
let private quickData (folder: string) =
    let path = Path.Combine(folder, "data.npz")
    LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0)).Data.Save path
    path

/// The trainer's settings of the tests' phases, with a seed and thread count for training in-process (the sweep sets those itself).
let private phaseOptions (rollout: bool) (seed: int) (threads: Nullable<int>) =
    if rollout then TrainingOptions(Epochs = 20, MaxBatchesPerEpoch = 3, BatchSize = 16, Objective = TrainingObjective.Rollout(3, 4), LearningRate = 3e-4, Seed = seed, Threads = threads)
    else TrainingOptions(Epochs = 4, MaxBatchesPerEpoch = 3, BatchSize = 16, Seed = seed, Threads = threads)

/// The tests' recipe as the chapters': four one-step epochs of three batches of 16 windows, then twenty epochs of rollouts growing to 3 steps.
let private recipe = [ TrainingPhase("onestep", phaseOptions false 0 (Nullable())); TrainingPhase("rollout", phaseOptions true 0 (Nullable())) ]

/// A CT-RNN sweep on the data set, measured by the quick protocol.
let private sweepOf (data: string) (grid: SweepAxis list) (seeds: int list) (phases: TrainingPhase list) =
    SweepDefinition(Model = "ctrnn", Grid = grid, Seeds = seeds, Phases = phases, Protocol = ForecastProtocol.Quick, DataPath = data)

/// The tiny sweep: hidden 4 and 6 × seeds 0 and 1.
let private tiny (data: string) = sweepOf data [ SweepAxis("hidden", [ "4"; "6" ]) ] [ 0; 1 ] recipe

let private program = lazy (SweepProgram.Locate())

/// Runs the sweep program's local runner on the folder with 2 workers and kills it (with its workers) as soon as one run has finished and
/// an unfinished one is in its second phase (the first recorded finished, a rollout checkpoint written); returns the finished runs' folders and
/// those killed in the second phase.
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
        let inRollout f = not (Array.contains f finished) && (try [ for p in (SweepRunFiles.Of f).Phases -> p.Name ] = [ "onestep" ] with _ -> false)
        finished, folders "checkpoint.rollout.safetensors" |> Array.filter inRollout
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
            Expect.isNonEmpty checkpointed $"an unfinished run was in its second phase with a checkpoint ({how})"
            let before = finished |> Array.map (fun f -> f, File.ReadAllBytes(Path.Combine(f, SweepFolder.ReportFile)))
            let resumed = Run.program "dotnet" [ program.Force(); "local"; local; "--workers"; "2" ] temp.Path (TimeSpan.FromMinutes 5.0)
            Expect.equal resumed.ExitCode 0 $"the restarted sweep finishes:\n{resumed.Output}"
            Expect.stringContains resumed.Output $"{finished.Length} finished before, {unfinished.Length} to run" "the restart runs only the missing runs"
            for folder, bytes in before do
                Expect.sequenceEqual (File.ReadAllBytes(Path.Combine(folder, SweepFolder.ReportFile))) bytes $"{folder}: a finished run is not run again"
            for folder in checkpointed do
                let log = File.ReadAllText(Path.Combine(folder, "log.txt"))
                Expect.stringContains log "phase(s) onestep finished before" $"{folder} kept its finished first phase"
                Expect.stringContains log "phase rollout: resuming from" $"{folder} resumed its second phase from its checkpoint"

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
                let files (sweep: string) = SweepRunFiles.Of(SweepFolder.RunFolder(sweep, row.Id))
                let la, lb = files local, files exported
                Expect.sequenceEqual (File.ReadAllBytes(la.PhaseModelPath "onestep")) (File.ReadAllBytes(lb.PhaseModelPath "onestep")) $"{row.Id}: the same model after the first phase"
                let losses (run: SweepRunFiles) = [ for p in run.Phases do for e in p.Epochs -> p.Name, e.Epoch, BitConverter.DoubleToInt64Bits e.TrainLoss, BitConverter.DoubleToInt64Bits e.ValidationLoss, e.RolloutSteps ]
                Expect.sequenceEqual (losses la) (losses lb) $"{row.Id}: the same losses in both phases, bit for bit"
                Expect.equal [ for p in la.Phases -> p.Name, p.Epochs.Count ] [ "onestep", 4; "rollout", 20 ] $"{row.Id}: both phases recorded with their epochs"
                Expect.isEmpty (Directory.GetFiles(SweepFolder.RunFolder(local, row.Id), "checkpoint.*")) $"{row.Id}: no checkpoint left once finished"
                Expect.equal (row.Report.Name, row.Report.Mode) ("ctrnn", "sweep") $"{row.Id}: the report carries the default name (the kind's) and mode"
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
                                Phases = [ TrainingPhase("onestep", TrainingOptions(Epochs = 1, MaxBatchesPerEpoch = 1, BatchSize = 16)) ], Protocol = ForecastProtocol.Quick, DataPath = quickData temp.Path)
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

        test "a sweep run on one thread equals the same two phases trained in-process bit for bit, and keeps each phase's model and history" {
            use temp = new TempFolder()
            let path = quickData temp.Path
            let data = LorenzData.Load path
            let seed = 3
            let increments = [| for i in 1 .. Array2D.length1 data.Train - 1 do for j in 0 .. 2 -> (data.Train.[i, j] - data.Train.[i - 1, j]) ** 2.0 |]
            // as a chapter builds its network: an increment readout scaled by the training data's RMS increment (a number with every digit)
            let options = CtRnnOptions(Hidden = 5, Readout = ReadoutTarget.Increment, IncrementScale = sqrt (Array.average increments))
            let fixedOptions = OptionsMetadata.Write options |> Seq.filter (fun kv -> kv.Key <> "hidden") |> Seq.map (fun kv -> kv.Key, kv.Value) |> readOnlyDict
            let definition =
                SweepDefinition(Model = "ctrnn", Name = "CT-RNN", Mode = "quick", Grid = [ SweepAxis("hidden", [ "5" ]) ], Fixed = fixedOptions, Seeds = [ seed ],
                                Phases = recipe, Protocol = ForecastProtocol.Quick, DataPath = path)
            let folder = Path.Combine(temp.Path, "sweep")
            let plan = Sweep.Prepare(definition, folder)
            let runFolder = SweepFolder.RunFolder(folder, plan.Runs[0].Id)
            let run = Run.program "dotnet" [ program.Force(); "run"; runFolder ] temp.Path (TimeSpan.FromMinutes 5.0)
            Expect.equal run.ExitCode 0 $"the run finishes:\n{run.Output}"

            use model = new CtRnn(options, int64 seed)
            let oneStep = Trainer.Fit(model, data.Train, data.Val, phaseOptions false seed (Nullable 1))
            let afterOneStep = weights model
            let rollout = Trainer.Fit(model, data.Train, data.Val, phaseOptions true seed (Nullable 1))
            let files = SweepRunFiles.Of runFolder
            Expect.equal files.State.Status SweepRunStatus.Finished "the run is finished"
            use first = ModelArtifact.Load<CtRnn>(files.PhaseModelPath "onestep")
            expectSameBits (weights first) afterOneStep "the model after the sweep's first phase equals the in-process one's"
            use final = ModelArtifact.Load<CtRnn>(files.ModelPath)
            expectSameBits (weights final) (weights model) "the sweep's trained model equals the in-process one"
            Expect.equal (files.PhaseModelPath "rollout") files.ModelPath "the last phase's model is the run's model file"
            let history (r: TrainingResult) = [ for e in r.History -> e.Epoch, BitConverter.DoubleToInt64Bits e.TrainLoss, BitConverter.DoubleToInt64Bits e.ValidationLoss, BitConverter.DoubleToInt64Bits e.LearningRate, e.RolloutSteps ]
            let recorded (p: SweepPhaseHistory) = [ for e in p.Epochs -> e.Epoch, BitConverter.DoubleToInt64Bits e.TrainLoss, BitConverter.DoubleToInt64Bits e.ValidationLoss, BitConverter.DoubleToInt64Bits e.LearningRate, e.RolloutSteps ]
            Expect.equal [ for p in files.Phases -> p.Name ] [ "onestep"; "rollout" ] "history.json holds both phases in order"
            Expect.sequenceEqual (recorded files.Phases[0]) (history oneStep) "the first phase's epochs as in-process, bit for bit"
            Expect.sequenceEqual (recorded files.Phases[1]) (history rollout) "the second phase's epochs as in-process, bit for bit"
            Expect.equal (files.Phases[1].BestEpoch, files.Phases[1].StopReason) (rollout.BestEpoch, rollout.StopReason) "the second phase's best epoch and end"
            for p in files.Phases do
                Expect.floatClose Accuracy.veryHigh p.Seconds (p.Epochs |> Seq.sumBy (fun e -> e.Seconds)) $"{p.Name}: its seconds are its epochs' seconds"
            let report = ForecastReportFile.Read files.ReportPath
            Expect.equal (report.Name, report.Mode, report.Seed) ("CT-RNN", "quick", int64 seed) "the report carries the definition's name and mode and the run's seed"
            Expect.floatClose Accuracy.veryHigh report.TrainingSeconds (files.Phases |> Seq.sumBy (fun p -> p.Seconds)) "the report's training time is the phases' sum"
            let e = Throws.capture<ArgumentException> (fun () -> files.PhaseModelPath "warmup" |> ignore)
            Expect.stringContains e.Message "'onestep', 'rollout'" "an unknown phase is an error listing the phases"

            // a phase's model file that no longer verifies does not count as finished: the run trains from that phase again, to the same weights
            File.Delete files.ReportPath
            File.AppendAllText(files.PhaseModelPath "onestep", " ")
            let again = Run.program "dotnet" [ program.Force(); "run"; runFolder ] temp.Path (TimeSpan.FromMinutes 5.0)
            Expect.equal again.ExitCode 0 $"the run finishes again:\n{again.Output}"
            Expect.stringContains again.Output "phase onestep trains again" "the damaged phase is trained again"
            use retrained = ModelArtifact.Load<CtRnn>(files.ModelPath)
            expectSameBits (weights retrained) (weights model) "the retrained model equals the in-process one"
            Expect.equal [ for p in (SweepRunFiles.Of runFolder).Phases -> p.Name ] [ "onestep"; "rollout" ] "history.json holds both phases again"
        }

        test "the surrogate LIF network and the spiking reservoir train as kinds of their own; the reservoir's files are its in-process training's" {
            use temp = new TempFolder()
            let path = quickData temp.Path
            let data = LorenzData.Load path
            let runOnly (definition: SweepDefinition) (name: string) =
                let folder = Path.Combine(temp.Path, name)
                let plan = Sweep.Prepare(definition, folder)
                let outcome = Sweep.Run(folder, workers = 1, log = TextWriter.Null)
                Expect.isEmpty outcome.Failed $"the {name} run finishes: %A{outcome.Failed}"
                SweepRunFiles.Of(SweepFolder.RunFolder(folder, plan.Runs[0].Id))

            let surrogate =
                runOnly (SweepDefinition(Model = "surrogate_lif", Grid = [ SweepAxis("hidden", [ "8" ]) ], Protocol = ForecastProtocol.Quick, DataPath = path,
                                         Phases = [ TrainingPhase("onestep", TrainingOptions(Epochs = 2, MaxBatchesPerEpoch = 2, BatchSize = 16, SeqLength = 20)) ])) "surrogate"
            Expect.equal ((ModelArtifact.Load surrogate.ModelPath).GetType()) typeof<SurrogateLifNetwork> "its model file holds a surrogate LIF network"
            Expect.equal [ for p in surrogate.Phases -> p.Name, p.Epochs.Count ] [ "onestep", 2 ] "its one phase is recorded"
            Expect.equal (ForecastReportFile.Read surrogate.ReportPath).ParameterCount (8 * 3 + 8 * 8 + 8 + 3 * 8 + 3) "n = 8, D = 3: W_in, W_rec, b, W_out, b_out"

            // as chapter 03 builds its reservoir (Brunel's network with C_E J = 100 mV), shrunk to 50 neurons
            let options = SpikingReservoirOptions(Network = BrunelParameters(ExcitatoryCount = 40, InhibitoryCount = 10, Epsilon = 0.5, J = 5.0, G = 5.0, Eta = 2.0, Delay = 1.5))
            let fixedOptions = OptionsMetadata.Write options |> Seq.filter (fun kv -> kv.Key <> "input_scale") |> Seq.map (fun kv -> kv.Key, kv.Value) |> readOnlyDict
            let training seed = ReservoirTrainingOptions(Washout = 50, Lambdas = RidgeRegression.LogGrid(1e-6, 1e2, 5), Features = ReadoutFeatures.InputTracesAndSquares,
                                                         Standardize = true, InputNoise = 0.01, NoiseSeed = seed)
            let reservoir =
                runOnly (SweepDefinition(Model = "reservoir", Name = "Spiking reservoir", Mode = "quick", Grid = [ SweepAxis("input_scale", [ "30" ]) ], Fixed = fixedOptions,
                                         Seeds = [ 2 ], Reservoir = training 0, Protocol = ForecastProtocol.Quick, DataPath = path)) "reservoir"
            // the ridge fit runs in libtorch, whose sums depend on the thread count: one thread, as the sweep's runs have by default
            let threads = TorchSharp.torch.get_num_threads()
            TorchSharp.torch.set_num_threads 1
            let trained = try ReservoirForecaster.Train(options, 2L, data.Train, data.Val, training 2) finally TorchSharp.torch.set_num_threads threads
            let inProcess = Path.Combine(temp.Path, "reservoir.safetensors")
            ModelArtifact.Save(trained.Forecaster, inProcess)
            Expect.sequenceEqual (File.ReadAllBytes reservoir.ModelPath) (File.ReadAllBytes inProcess) "the run's model file is the in-process forecaster's, byte for byte (wiring and noise from the run's seed)"
            let saved = ForecastReportFile.Read reservoir.ReportPath
            let measured = Evaluate.Run(trained.Forecaster, data, ForecastProtocol.Quick, ModelRun("Spiking reservoir", "quick", 2L, 0.0))
            Expect.equal (saved.Name, saved.Mode, saved.Seed) ("Spiking reservoir", "quick", 2L) "the report carries the definition's name and mode"
            Expect.sequenceEqual (bits [| saved.OneStepMse; saved.DStsp; saved.DH; yield! saved.Vpt.PerStart |]) (bits [| measured.OneStepMse; measured.DStsp; measured.DH; yield! measured.Vpt.PerStart |])
                "the report's numbers are those Evaluate.Run gives the in-process forecaster, bit for bit"
            Expect.isEmpty reservoir.Phases "the reservoir trains without phases"
            let ridge = reservoir.Ridge
            Expect.sequenceEqual (bits (Array.ofSeq ridge.ValidationMse)) (bits trained.Selection.ValidationMse) "history.json holds the λ selection"
            Expect.equal (ridge.Lambdas.Count, ridge.BestIndex) (5, trained.Selection.BestIndex) "with every λ tried and the one kept"
            Expect.floatClose Accuracy.veryHigh saved.TrainingSeconds ridge.Seconds "the report's training time is the fit's"
            Expect.stringContains (Throws.capture<ArgumentException> (fun () -> reservoir.PhaseModelPath "onestep" |> ignore)).Message "none" "the reservoir has no phase models"
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
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] [ TrainingPhase("onestep", TrainingOptions(CheckpointPath = "x.safetensors")) ]) folder [ "'onestep'"; "CheckpointPath" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] [ TrainingPhase("rollout", TrainingOptions(Seed = 3)) ]) folder [ "'rollout'"; "Seed"; "SweepDefinition.Seeds" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] []) folder [ "no training phases"; "TrainingPhase" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] [ recipe[0]; TrainingPhase("onestep", phaseOptions true 0 (Nullable())) ]) folder [ "phases' names"; "'onestep'" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] [ TrainingPhase("one step", TrainingOptions()) ]) folder [ "'one step'"; "file-safe" ]
            refused (sweepOf data [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] [ TrainingPhase("onestep", TrainingOptions(Epochs = 0)) ]) folder [ "'onestep'"; "Epochs" ]
            refused (SweepDefinition(Grid = [ SweepAxis("hidden", [ "4" ]) ], Phases = recipe, Reservoir = ReservoirTrainingOptions(), DataPath = data)) folder [ "Reservoir"; "'ctrnn'"; "leave Reservoir null" ]
            let reservoir (phases: TrainingPhase list) (training: ReservoirTrainingOptions) =
                SweepDefinition(Model = "reservoir", Grid = [ SweepAxis("input_scale", [ "30" ]) ], Phases = phases, Reservoir = training, DataPath = data)
            refused (reservoir [] null) folder [ "'reservoir'"; "SweepDefinition.Reservoir" ]
            refused (reservoir recipe (ReservoirTrainingOptions())) folder [ "2 training phase(s)"; "'reservoir'"; "ridge regression"; "leave Phases empty" ]
            refused (reservoir [] (ReservoirTrainingOptions(NoiseSeed = 4))) folder [ "NoiseSeed"; "run's seed" ]
            refused (reservoir [] (ReservoirTrainingOptions(Lambdas = [||]))) folder [ "Lambdas" ]
            refused (SweepDefinition(Grid = [ SweepAxis("hidden", [ "4" ]) ], Phases = recipe, Mode = "", DataPath = data)) folder [ "Mode" ]
            refused (sweepOf (Path.Combine(temp.Path, "missing.npz")) [ SweepAxis("hidden", [ "4" ]) ] [ 0 ] recipe) folder [ "missing.npz"; "does not exist" ]
            refused (SweepDefinition(Model = "gru2", Grid = [ SweepAxis("hidden", [ "4" ]) ], DataPath = data)) folder [ "'gru2'"; "'ctrnn', 'ei_rate', 'gru', 'surrogate_lif', 'reservoir'" ]
            Expect.isFalse (Directory.Exists folder) "nothing was written for a refused definition"
            let ei = SweepPlan.Of(SweepDefinition(Model = "ei_rate", Grid = [ SweepAxis("tau_i", [ "0.25"; "0.5" ]) ], Fixed = readOnlyDict [ "hidden", "5" ], Phases = recipe, DataPath = data))
            Expect.sequenceEqual [ for r in ei.Runs -> r.Id, r.Options["tau_i"], r.Options["hidden"], r.Options["excitatory_fraction"] ]
                [ "tau_i=0.25,seed=0", "0.25", "5", "0.8"; "tau_i=0.5,seed=0", "0.5", "5", "0.8" ] "an E/I sweep: swept, fixed and default options of each run"
            let gru = SweepPlan.Of(SweepDefinition(Model = "gru", Grid = [ SweepAxis("hidden", [ "8" ]) ], Phases = recipe, DataPath = data))
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
            Expect.isEmpty (Directory.GetFiles(SweepFolder.RunFolder(folder, "hidden=4,seed=0"), "checkpoint.*")) "before training"
        }
    ]
