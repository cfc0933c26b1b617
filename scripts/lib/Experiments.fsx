/// The experiment contract as the chapters use it: each trained model is saved as a model file (`ModelArtifact`) and measured
/// once by the tutorial's `ForecastProtocol` into a report (`ForecastReport`), under `models/` and `reports/` of the output folder;
/// later chapters load both instead of reading each other's JSON.
module Experiments

open System
open System.IO
open NeuroDyn.Artifacts
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Sweeps
open NeuroDyn.Training

/// A model of the tutorial: its file name, its name on the pages, and the chapter that trains it.
type Entry = { Id: string; Name: string; Chapter: string }

let ctRnn = { Id = "ctrnn"; Name = "CT-RNN"; Chapter = "01_ctrnn" }
let gru = { Id = "gru"; Name = "GRU (discrete time)"; Chapter = "01_ctrnn" }
let eiRate = { Id = "ei_rate"; Name = "E/I rate network (Dale)"; Chapter = "02_ei_rate" }
let reservoir = { Id = "reservoir"; Name = "Spiking reservoir"; Chapter = "03_spiking" }
let surrogate = { Id = "surrogate_lif"; Name = "Surrogate-gradient LIF network"; Chapter = "03_spiking" }

/// Every model of the tutorial, in chapter order.
let all = [ ctRnn; gru; eiRate; reservoir; surrogate ]

/// The protocol of this run: the quick one on the quick data set, the tutorial's default otherwise.
let protocol (common: Output.ChapterOptions) = if common.Quick then ForecastProtocol.Quick else ForecastProtocol.Default

/// The model file of an entry in the output folder.
let modelPath (common: Output.ChapterOptions) (entry: Entry) = Path.Combine(common.OutDir, "models", entry.Id + ".safetensors")

/// The report of an entry in the output folder.
let reportPath (common: Output.ChapterOptions) (entry: Entry) = Path.Combine(common.OutDir, "reports", entry.Id + ".json")

/// The analysis of an entry by chapter 04 (`AnalysisReport`), beside its report: reports/ID.analysis.json.
let analysisPath (common: Output.ChapterOptions) (entry: Entry) = AnalysisReportFile.PathBeside(reportPath common entry)

/// Chapter 04's analysis of Lorenz-63 itself, the truth every model's analysis is read against: reports/lorenz63.analysis.json.
let truthAnalysisPath (common: Output.ChapterOptions) = Path.Combine(common.OutDir, "reports", "lorenz63.analysis.json")

/// Measures a trained model by this run's protocol, saves its model file and its report, and returns the report.
let evaluateAndSave (common: Output.ChapterOptions) (data: LorenzData) (entry: Entry) (model: obj) (trainingSeconds: float) =
    let report = Evaluate.Run(model, data, protocol common, ModelRun(entry.Name, common.Mode, int64 common.Seed, trainingSeconds))
    for path in [ modelPath common entry; reportPath common entry ] do Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    ModelArtifact.Save(model, modelPath common entry)
    let written = ForecastReportFile.Write(report, reportPath common entry)
    printfn "%s: saved %s and %s (one-step MSE %.3g, median VPT %.2f, D_stsp %.3f, D_H %.3f)"
        entry.Name (modelPath common entry) (reportPath common entry) report.OneStepMse report.Vpt.Median report.DStsp report.DH
    written

/// The command that makes an entry's files in this run's mode.
let private command (common: Output.ChapterOptions) (entry: Entry) =
    let flag = if common.Mode = "default" then "" else " --" + common.Mode
    $"dotnet fsi scripts/{entry.Chapter}.fsx{flag}"

/// An entry's report from this run's output folder (`reports/ID.json`), checked to exist beside its model file and to be of this run's
/// mode; otherwise an error that says which chapter to run.
let private readReport (common: Output.ChapterOptions) (entry: Entry) =
    let report, model = reportPath common entry, modelPath common entry
    for path in [ report; model ] do
        if not (File.Exists path) then
            failwithf "the %s has no %s (%s); run chapter %s first: %s" entry.Name (if path = report then "report" else "model file") path entry.Chapter (command common entry)
    let saved = ForecastReportFile.Read report
    if saved.Mode <> common.Mode then
        failwithf "the %s's report %s comes from a %s run, this is a %s run; run %s first" entry.Name report saved.Mode common.Mode (command common entry)
    saved

/// An entry's report and model file from this run's output folder; missing files, or files of another mode, are an error that says which chapter to run.
let load (common: Output.ChapterOptions) (entry: Entry) =
    readReport common entry, ModelArtifact.Load(modelPath common entry)

/// The seeds of this run: `common.Seed` and the next ones, `common.SeedCount` in all (3 by default, 5 with --full, 2 with --quick, or --seeds N).
let seeds (common: Output.ChapterOptions) = List.init common.SeedCount (fun k -> common.Seed + k)

/// The folder of an entry's sweep over the seeds in the output folder: sweeps/ID.
let sweepPath (common: Output.ChapterOptions) (entry: Entry) = Path.Combine(common.OutDir, "sweeps", entry.Id)

/// A network trained over the seeds of this run: every seed's report in seed order, the main seed's (`common.Seed`, copied to the
/// entry's model file and report), and the main run's folder with its phase models and histories.
type SeedRuns =
    { Entry: Entry
      Reports: ForecastReport list
      Main: ForecastReport
      MainRun: SweepRunFiles
      /// Wall-clock seconds of the sweep in this run (0 when every seed had finished before, with --resume).
      Seconds: float }
    /// A measure over the seeds: the median of its finite values, their range and count.
    member runs.Spread(measure: ForecastReport -> float) = SeedSpread.Of(runs.Reports |> List.map measure)

/// How every seed of a network is trained: by trainer phases in order on the same model (`Models.phases`), or, the spiking reservoir,
/// by its ridge fit (`ReservoirForecaster.Train`).
type SeedTraining =
    | Phases of TrainingPhase list
    | Ridge of NeuroDyn.Models.Reservoir.ReservoirTrainingOptions

/// The runs of a sweep in its folder with their states, in the sweep's order (seed order), read without writing anything.
let private runStates (folder: string) =
    let plan = SweepFolder.ReadPlan folder
    [ for run in plan.Runs -> run, SweepFolder.StateOf(SweepFolder.RunFolder(folder, run.Id), plan.SettingsOf run) ]

/// A network to train over the seeds: its entry, its sweep model kind ("ctrnn", "gru", "ei_rate", "surrogate_lif", "reservoir"), its
/// options record (`CtRnnOptions`, …) and how each seed is trained.
type SeedJob = { Entry: Entry; Kind: string; Options: obj; Training: SeedTraining }

/// The sweep of a job over this run's seeds in sweeps/ID/, prepared (checked before any run): one grid point (a sweep needs a grid axis, so
/// one option with its one value; the others fixed), the seeds, one torch thread per run, the reports carrying the entry's name and this
/// run's mode. Without --resume an earlier sweep in the folder is deleted first; with it, its finished seeds are kept.
let private prepare (common: Output.ChapterOptions) (job: SeedJob) =
    let folder = sweepPath common job.Entry
    if not common.Resume && Directory.Exists folder then Directory.Delete(folder, true)
    let values = OptionsMetadata.Write job.Options
    let axis = if values.ContainsKey "hidden" then "hidden" else Seq.head values.Keys
    let phases, reservoir =
        match job.Training with
        | Phases phases -> Array.ofList phases, null
        | Ridge options -> [||], options
    let definition =
        SweepDefinition(
            Model = job.Kind, Name = job.Entry.Name, Mode = common.Mode, Grid = [| SweepAxis(axis, [| values.[axis] |]) |],
            Fixed = (values |> Seq.filter (fun kv -> kv.Key <> axis) |> Seq.map (fun kv -> kv.Key, kv.Value) |> readOnlyDict),
            Seeds = Array.ofList (seeds common), Phases = phases, Reservoir = reservoir, Protocol = protocol common, DataPath = common.DataPath,
            ThreadsPerRun = 1)
    Sweep.Prepare(definition, folder) |> ignore
    folder

/// A finished sweep's seeds: every run must have finished (else an error naming the failed runs); the main seed's model file and report
/// are loaded (checksums verified) and saved as the entry's, models/ID.safetensors and reports/ID.json, for the later chapters.
let private finish (common: Output.ChapterOptions) (entry: Entry) (folder: string) (seconds: float) =
    let states = runStates folder
    let failed = [ for run, state in states do if state.Status <> SweepRunStatus.Finished then yield $"{run.Id}: {state.Status} {state.Error}" ]
    if not failed.IsEmpty then
        failwithf "the %s did not finish every seed in %s:\n%s\nsee log.txt in the run's folder; run the chapter again with --resume to retry"
            entry.Name folder (String.concat "\n" failed)
    let mainRun, _ = states |> List.find (fun (run, _) -> run.Seed = common.Seed)
    let files = SweepRunFiles.Of(SweepFolder.RunFolder(folder, mainRun.Id))
    for path in [ modelPath common entry; reportPath common entry ] do Directory.CreateDirectory(Path.GetDirectoryName path) |> ignore
    let model = ModelArtifact.Load files.ModelPath
    ModelArtifact.Save(model, modelPath common entry)
    match model with :? IDisposable as d -> d.Dispose() | _ -> ()
    let main = ForecastReportFile.Write(ForecastReportFile.Read files.ReportPath, reportPath common entry)
    printfn "%s: %d seeds in %s; seed %d saved as %s and %s" entry.Name states.Length folder common.Seed (modelPath common entry) (reportPath common entry)
    { Entry = entry; Reports = [ for _, state in states -> state.Report ]; Main = main; MainRun = files; Seconds = seconds }

/// Trains several networks over this run's seeds at the same time: every sweep is prepared first (bad settings stop the chapter before
/// any training), then all run together, every seed at once on its own worker process (one torch thread each) and the system sharing
/// the cores among them — with one worker per core, the last seed of a network would train alone while the other cores idle; with every
/// seed started, the cores stay busy until the last one finishes (about 370 MB of memory per seed). With --resume finished seeds are kept
/// and an interrupted one continues from its checkpoint. Returns each network's seeds (`SeedRuns`), in the order of the jobs.
let trainAllOverSeeds (common: Output.ChapterOptions) (jobs: SeedJob list) =
    let folders = [ for job in jobs -> prepare common job ]
    let workers = Nullable(List.length (seeds common))
    let outcomes = folders |> List.map (fun folder -> Threading.Tasks.Task.Run(fun () -> Sweep.Run(folder, workers = workers))) |> Array.ofList
    Threading.Tasks.Task.WaitAll(outcomes |> Array.map (fun t -> t :> Threading.Tasks.Task))
    [ for job, folder, outcome in List.zip3 jobs folders (List.ofArray outcomes) -> finish common job.Entry folder outcome.Result.Seconds ]

/// Trains one network over this run's seeds (`trainAllOverSeeds` with one job): a sweep in sweeps/ID/, the main seed saved as the entry's
/// model file and report.
let trainOverSeeds (common: Output.ChapterOptions) (entry: Entry) (kind: string) (options: obj) (training: SeedTraining) =
    trainAllOverSeeds common [ { Entry = entry; Kind = kind; Options = options; Training = training } ] |> List.exactlyOne

/// Every seed's report of an entry (chapter 05 reads these), in seed order: its sweep's when the chapter trained it over seeds, else its
/// one report. Unfinished seeds, reports of another mode, or a sweep whose main seed is not the run behind reports/ID.json are errors
/// that say which chapter to run.
let seedReports (common: Output.ChapterOptions) (entry: Entry) =
    let main = readReport common entry
    let folder = sweepPath common entry
    if not (File.Exists(Path.Combine(folder, SweepFolder.DefinitionFile))) then [ main ]
    else
        let states = runStates folder
        let again = $"run chapter {entry.Chapter} again: {command common entry}"
        for run, state in states do
            if state.Status <> SweepRunStatus.Finished then
                failwithf "the %s's seed %d in %s is %A (%s); %s" entry.Name run.Seed folder state.Status state.Error again
            if state.Report.Mode <> common.Mode then
                failwithf "the %s's sweep %s comes from a %s run, this is a %s run; %s" entry.Name folder state.Report.Mode common.Mode again
        match states |> List.tryFind (fun (run, _) -> run.Seed = int main.Seed) with
        | Some(_, state) when state.Report.Vpt.PerStart = main.Vpt.PerStart && state.Report.OneStepMse.Equals main.OneStepMse -> ()
        | _ -> failwithf "the %s's sweep %s does not hold the run behind %s (seed %d); %s" entry.Name folder (reportPath common entry) main.Seed again
        [ for _, state in states -> state.Report ]
