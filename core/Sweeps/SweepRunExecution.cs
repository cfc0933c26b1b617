using System.Diagnostics;
using System.Security.Cryptography;
using NeuroDyn.Artifacts;
using NeuroDyn.Data;
using NeuroDyn.Evaluation;
using NeuroDyn.Models;
using NeuroDyn.Models.Reservoir;
using NeuroDyn.IO;
using NeuroDyn.Torch;
using NeuroDyn.Training;
using TorchSharp;

namespace NeuroDyn.Sweeps;

/// <summary>One run of a sweep, in this process: what the sweep program's <c>run FOLDER</c> does. It trains the model of the folder's run.json
/// phase by phase (skipping finished phases, resuming the current one from its checkpoint; the reservoir by its ridge fit), saves the model
/// file, then the report; an error is written to error.txt instead.</summary>
public static class SweepRunExecution
{
    /// <summary>Runs the run in <paramref name="runFolder"/> unless it is finished, writing progress to <paramref name="log"/>; returns its state.
    /// A failure is recorded in error.txt and returned as <see cref="SweepRunStatus.Failed"/>; a folder without valid settings, or one that
    /// another process is running, throws.</summary>
    public static SweepRunState Execute(string runFolder, TextWriter? log = null)
    {
        log ??= Console.Out;
        var folder = Path.GetFullPath(runFolder);
        var settings = SweepRunSettings.Read(Path.Combine(folder, SweepFolder.SettingsFile));
        CheckSweep(folder, settings);
        using var runLock = Lock(folder);
        var state = SweepFolder.StateOf(folder, settings);
        if (state.Status == SweepRunStatus.Finished)
        {
            log.WriteLine($"{settings.Id}: already finished");
            return state;
        }
        File.Delete(Path.Combine(folder, SweepFolder.ErrorFile));
        try
        {
            var report = Train(folder, settings, log);
            log.WriteLine($"{settings.Id}: one-step MSE {report.OneStepMse:G4}, median VPT {report.Vpt.Median:F2}, D_stsp {report.DStsp:F3}, D_H {report.DH:F3}");
            return SweepFolder.StateOf(folder, settings);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, SweepFolder.ErrorFile), $"{e.GetType().Name}: {e.Message}\n\n{e}\n");
            log.WriteLine($"{settings.Id}: failed: {e.Message}");
            return new SweepRunState(SweepRunStatus.Failed, $"{e.GetType().Name}: {e.Message}", null);
        }
    }

    static ForecastReport Train(string folder, SweepRunSettings settings, TextWriter log)
    {
        TorchRuntime.Initialize();
        torch.set_num_threads(settings.Threads);
        var data = LoadData(settings);
        var kind = SweepModelKinds.Named(settings.Model);
        var options = OptionsMetadata.Read(kind.OptionsType, new MetadataReader(settings.Options, Path.Combine(folder, SweepFolder.SettingsFile)));
        var files = SweepRunFiles.Of(folder);
        var (model, seconds) = kind.Method == SweepTrainingMethod.Reservoir
            ? TrainReservoir(files, (SpikingReservoirOptions)options, data, log)
            : TrainPhases(files, kind.Create!(options, settings.Seed), data, log);
        var report = Evaluate.Run(model, data, settings.Protocol, new ModelRun(settings.Name, settings.Mode, settings.Seed, seconds));
        var written = ForecastReportFile.Write(report, files.ReportPath);
        foreach (var phase in settings.Phases) DeleteCheckpoint(files.CheckpointPath(phase.Name));
        return written;
    }

    /// <summary>Trains the phases in order on <paramref name="model"/>, skipping those history.json records as finished (their model file verified; the
    /// model continues from the last one's), each resuming from its checkpoint if it has one; after each phase its model file (the last one's is
    /// model.safetensors), then history.json.
    /// Returns the model and the phases' seconds.</summary>
    static (object Model, double Seconds) TrainPhases(SweepRunFiles files, ISequenceModel model, LorenzData data, TextWriter log)
    {
        var settings = files.Settings;
        var finished = FinishedPhases(files, model, log);
        if (finished.Count < files.Phases.Count) SweepRunFiles.WriteHistory(files.Folder, finished, null);
        for (int i = finished.Count; i < settings.Phases.Count; i++)
        {
            var phase = settings.Phases[i];
            foreach (var later in settings.Phases.Skip(i + 1)) DeleteCheckpoint(files.CheckpointPath(later.Name));
            var checkpoint = files.CheckpointPath(phase.Name);
            bool resume = File.Exists(checkpoint);
            log.WriteLine(resume ? $"{settings.Id}: phase {phase.Name}: resuming from {checkpoint}" : $"{settings.Id}: phase {phase.Name}: training");
            var training = phase.Options with { Seed = settings.Seed, CheckpointPath = checkpoint, Resume = resume, Threads = settings.Threads };
            var fit = Trainer.Fit(model, data.Train, data.Val, training, new ConsoleProgress(log, showBar: false, every: Math.Max(1, training.Epochs / 10)));
            log.WriteLine($"{settings.Id}: phase {phase.Name}: {fit.Message}");
            ModelArtifact.Save(model, files.PhaseModelPath(phase.Name));
            finished.Add(new SweepPhaseHistory(phase.Name, fit.History.Sum(e => e.Seconds), fit.History, fit.BestEpoch, fit.BestValidationLoss, fit.StopReason));
            SweepRunFiles.WriteHistory(files.Folder, finished, null);
        }
        return (model, finished.Sum(p => p.Seconds));
    }

    /// <summary>The phases history.json records as finished, in the run's order, as far as their model files verify; the model is loaded from the last of them.</summary>
    static List<SweepPhaseHistory> FinishedPhases(SweepRunFiles files, ISequenceModel model, TextWriter log)
    {
        var finished = new List<SweepPhaseHistory>();
        foreach (var (recorded, phase) in files.Phases.Zip(files.Settings.Phases))
        {
            if (recorded.Name != phase.Name) break;
            try { ModelFiles.LoadSafeTensors(model.Module, files.PhaseModelPath(phase.Name)); }
            catch (CheckpointException e)
            {
                log.WriteLine($"{files.Settings.Id}: phase {phase.Name} trains again: its model file does not verify ({e.Message})");
                break;
            }
            finished.Add(recorded);
        }
        if (finished.Count > 0) log.WriteLine($"{files.Settings.Id}: phase(s) {string.Join(", ", finished.Select(p => p.Name))} finished before; continuing");
        return finished;
    }

    /// <summary>Trains the spiking reservoir's readout as <see cref="ReservoirForecaster.Train"/> does (wiring and input noise from the run's seed)
    /// and saves it, then records the ridge fit in history.json. Returns the forecaster and its seconds.</summary>
    static (object Model, double Seconds) TrainReservoir(SweepRunFiles files, SpikingReservoirOptions options, LorenzData data, TextWriter log)
    {
        var settings = files.Settings;
        log.WriteLine($"{settings.Id}: driving the reservoir and fitting its readout");
        var training = ReservoirForecaster.Train(options, settings.Seed, data.Train, data.Val, settings.Reservoir! with { NoiseSeed = settings.Seed });
        var selection = training.Selection;
        log.WriteLine($"{settings.Id}: λ = {training.Forecaster.Readout.Lambda:G3}, training MSE {training.TrainMse:G4} ({training.Seconds:F1} s)");
        ModelArtifact.Save(training.Forecaster, files.ModelPath);
        SweepRunFiles.WriteHistory(files.Folder, [], new SweepRidgeHistory(training.Seconds, selection.Lambdas, selection.ValidationMse, selection.BestIndex, training.TrainMse));
        return (training.Forecaster, training.Seconds);
    }

    static void DeleteCheckpoint(string checkpoint)
    {
        File.Delete(checkpoint);
        File.Delete(Checkpoint.HistoryPath(checkpoint));
    }

    static LorenzData LoadData(SweepRunSettings settings)
    {
        using (var stream = File.OpenRead(settings.DataPath))
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
            if (sha != settings.DataSha256)
                throw new InvalidDataException($"The data set '{settings.DataPath}' changed since the sweep was prepared (SHA-256 {sha[..12]}…, expected {settings.DataSha256[..12]}…); restore it, or prepare the sweep anew in a new folder.");
        }
        return LorenzData.Load(settings.DataPath);
    }

    /// <summary>Refuses a run folder whose sweep.json (two levels up, when present) belongs to another sweep.</summary>
    static void CheckSweep(string folder, SweepRunSettings settings)
    {
        var sweep = Path.GetFullPath(Path.Combine(folder, "..", ".."));
        if (!File.Exists(Path.Combine(sweep, SweepFolder.DefinitionFile))) return;
        var fingerprint = SweepFolder.ReadDefinition(sweep).Fingerprint;
        if (fingerprint != settings.Sweep)
            throw new InvalidDataException($"The run folder '{folder}' was written by another sweep than the one in '{sweep}' (fingerprints {settings.Sweep[..Math.Min(12, settings.Sweep.Length)]}… and {fingerprint[..12]}…); move it away, or prepare the sweep again.");
    }

    /// <summary>An exclusive lock on the run folder, held while the run runs (released by the system if the process dies).</summary>
    static FileStream Lock(string folder)
    {
        var path = Path.Combine(folder, ".lock");
        try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException e)
        {
            throw new IOException($"The run '{folder}' is being run by another process (it holds '{path}'); wait for it, or stop it first.", e);
        }
    }
}
