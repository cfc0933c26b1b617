/// The experiment contract as the chapters use it: each trained model is saved as a model file (`ModelArtifact`) and measured
/// once by the tutorial's `ForecastProtocol` into a report (`ForecastReport`), under `models/` and `reports/` of the output folder;
/// later chapters load both instead of reading each other's JSON.
module Experiments

open System.IO
open NeuroDyn.Artifacts
open NeuroDyn.Data
open NeuroDyn.Evaluation

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

/// An entry's report and model file from this run's output folder; missing files, or files of another mode, are an error that says which chapter to run.
let load (common: Output.ChapterOptions) (entry: Entry) =
    let report, model = reportPath common entry, modelPath common entry
    for path in [ report; model ] do
        if not (File.Exists path) then
            failwithf "the %s has no %s (%s); run chapter %s first: %s" entry.Name (if path = report then "report" else "model file") path entry.Chapter (command common entry)
    let saved = ForecastReportFile.Read report
    if saved.Mode <> common.Mode then
        failwithf "the %s's report %s comes from a %s run, this is a %s run; run %s first" entry.Name report saved.Mode common.Mode (command common entry)
    saved, ModelArtifact.Load model
