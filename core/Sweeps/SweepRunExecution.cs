using System.Diagnostics;
using System.Security.Cryptography;
using NeuroDyn.Artifacts;
using NeuroDyn.Data;
using NeuroDyn.Evaluation;
using NeuroDyn.IO;
using NeuroDyn.Torch;
using NeuroDyn.Training;
using TorchSharp;

namespace NeuroDyn.Sweeps;

/// <summary>One run of a sweep, in this process: what the sweep program's <c>run FOLDER</c> does. It trains the model of the folder's run.json
/// (resuming from the folder's checkpoint if there is one), saves the model file, then the report; an error is written to error.txt instead.</summary>
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
        var model = kind.Create(options, settings.Seed);
        var checkpoint = Path.Combine(folder, SweepFolder.CheckpointFile);
        bool resume = File.Exists(checkpoint);
        log.WriteLine(resume ? $"{settings.Id}: resuming from {checkpoint}" : $"{settings.Id}: training");
        var clock = Stopwatch.StartNew();
        var training = settings.Training with { Seed = settings.Seed, CheckpointPath = checkpoint, Resume = resume, Threads = settings.Threads };
        var fit = Trainer.Fit(model, data.Train, data.Val, training, new ConsoleProgress(log, showBar: false, every: Math.Max(1, training.Epochs / 10)));
        double seconds = clock.Elapsed.TotalSeconds;
        log.WriteLine($"{settings.Id}: {fit.Message}");
        var report = Evaluate.Run(model, data, settings.Protocol, new ModelRun(settings.Id, "sweep", settings.Seed, seconds));
        ModelArtifact.Save(model, Path.Combine(folder, SweepFolder.ModelFile));
        var written = ForecastReportFile.Write(report, Path.Combine(folder, SweepFolder.ReportFile));
        File.Delete(checkpoint);
        File.Delete(Checkpoint.HistoryPath(checkpoint));
        return written;
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
