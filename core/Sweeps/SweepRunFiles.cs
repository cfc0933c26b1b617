using NeuroDyn.IO;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>A finished training phase of a sweep's run, as its history.json records it.</summary>
/// <param name="Name">The phase's name (<see cref="TrainingPhase.Name"/>).</param>
/// <param name="Seconds">Its training time: the sum of its epochs' wall-clock seconds (validation included; epochs before an interruption count too).</param>
/// <param name="Epochs">Every epoch of the phase (<see cref="TrainingResult.History"/>).</param>
/// <param name="BestEpoch">Its epoch of lowest validation loss, whose weights it kept (when <see cref="TrainingOptions.RestoreBestWeights"/>).</param>
/// <param name="BestValidationLoss">That validation loss.</param>
/// <param name="StopReason">Why the phase ended.</param>
public sealed record SweepPhaseHistory(string Name, double Seconds, IReadOnlyList<EpochRecord> Epochs, int BestEpoch, double BestValidationLoss, StopReason StopReason);

/// <summary>The reservoir's ridge fit (<see cref="Models.Reservoir.ReservoirForecaster.Train"/>), as its run's history.json records it.</summary>
/// <param name="Seconds">Wall-clock seconds of driving the reservoir and fitting.</param>
/// <param name="Lambdas">The ridge strengths tried.</param>
/// <param name="ValidationMse">The validation MSE of each.</param>
/// <param name="BestIndex">The index of the one kept.</param>
/// <param name="TrainMse">One-step MSE on the training features with it.</param>
public sealed record SweepRidgeHistory(double Seconds, IReadOnlyList<double> Lambdas, IReadOnlyList<double> ValidationMse, int BestIndex, double TrainMse);

/// <summary>The content of a run's history.json.</summary>
/// <param name="Format">"neurodyn-sweep-history".</param>
/// <param name="Version">Layout version.</param>
/// <param name="Phases">The finished phases, in order.</param>
/// <param name="Ridge">The reservoir's ridge fit, or null.</param>
internal sealed record SweepRunHistory(string Format, int Version, IReadOnlyList<SweepPhaseHistory> Phases, SweepRidgeHistory? Ridge)
{
    internal const string FormatName = "neurodyn-sweep-history";
    internal const int FormatVersion = 1;
}

/// <summary>The files of one run of a sweep, and what its history.json holds: <c>SweepRunFiles.Of(runFolder)</c> gives the model file and
/// report, the model at the end of each phase (<see cref="PhaseModelPath"/>), and the finished phases' histories and seconds (or the reservoir's
/// ridge fit). history.json is written atomically when a phase finishes, so it lists only finished phases; the run itself is finished only
/// when <see cref="State"/> says so (its report and model file complete and verified).</summary>
public sealed record SweepRunFiles
{
    /// <summary>The run's folder (absolute).</summary>
    public string Folder { get; }
    /// <summary>The run's settings (run.json).</summary>
    public SweepRunSettings Settings { get; }
    /// <summary>The phases finished when it was read, in order (every phase once the run is finished; empty for the reservoir).</summary>
    public IReadOnlyList<SweepPhaseHistory> Phases { get; }
    /// <summary>The reservoir's ridge fit once it is done; null for a torch kind.</summary>
    public SweepRidgeHistory? Ridge { get; }

    SweepRunFiles(string folder, SweepRunSettings settings, SweepRunHistory history) =>
        (Folder, Settings, Phases, Ridge) = (folder, settings, history.Phases, history.Ridge);

    /// <summary>The files of the run in <paramref name="runFolder"/> (a folder under a sweep's runs/), reading its run.json and history.json (if written yet).</summary>
    public static SweepRunFiles Of(string runFolder)
    {
        var folder = Path.GetFullPath(runFolder);
        var settings = SweepRunSettings.Read(Path.Combine(folder, SweepFolder.SettingsFile));
        return new SweepRunFiles(folder, settings, ReadHistory(folder));
    }

    /// <summary>The trained model (<see cref="Artifacts.ModelArtifact"/>): model.safetensors.</summary>
    public string ModelPath => Path.Combine(Folder, SweepFolder.ModelFile);
    /// <summary>The forecast report (<see cref="Evaluation.ForecastReportFile"/>): report.json.</summary>
    public string ReportPath => Path.Combine(Folder, SweepFolder.ReportFile);
    /// <summary>The finished phases' record: history.json.</summary>
    public string HistoryPath => Path.Combine(Folder, SweepFolder.HistoryFile);

    /// <summary>The model at the end of phase <paramref name="phase"/>: model.PHASE.safetensors, or <see cref="ModelPath"/> for the last phase; a name that is not one of the run's phases is an error listing them.</summary>
    public string PhaseModelPath(string phase) =>
        PhaseIndex(phase) == Settings.Phases.Count - 1 ? ModelPath : Path.Combine(Folder, $"model.{phase}.safetensors");

    /// <summary>The checkpoint of phase <paramref name="phase"/> while it trains: checkpoint.PHASE.safetensors (deleted when the run finishes).</summary>
    public string CheckpointPath(string phase) => Path.Combine(Folder, $"checkpoint.{Settings.Phases[PhaseIndex(phase)].Name}.safetensors");

    /// <summary>The run's state now: finished (report and model file verified), failed or pending.</summary>
    public SweepRunState State => SweepFolder.StateOf(Folder, Settings);

    int PhaseIndex(string phase)
    {
        for (int i = 0; i < Settings.Phases.Count; i++)
            if (Settings.Phases[i].Name == phase) return i;
        throw new ArgumentException($"'{phase}' is not a training phase of the run '{Folder}'; its phases are " +
            (Settings.Phases.Count == 0 ? "none (a reservoir trains without phases)." : string.Join(", ", Settings.Phases.Select(p => $"'{p.Name}'")) + "."), nameof(phase));
    }

    /// <summary>The history.json of the run folder, empty when it has none yet.</summary>
    internal static SweepRunHistory ReadHistory(string folder)
    {
        var path = Path.Combine(folder, SweepFolder.HistoryFile);
        if (!File.Exists(path)) return new(SweepRunHistory.FormatName, SweepRunHistory.FormatVersion, [], null);
        var history = SweepJson.Read<SweepRunHistory>(path, "sweep run history", "Delete it; running the run again retrains what it lacks.");
        if (history.Format != SweepRunHistory.FormatName || history.Version != SweepRunHistory.FormatVersion)
            throw new InvalidDataException($"'{path}' is a '{history.Format}' file of version {history.Version}, not a {SweepRunHistory.FormatName} file of version {SweepRunHistory.FormatVersion}; prepare the sweep again with this version.");
        return history;
    }

    /// <summary>Writes the run folder's history.json atomically.</summary>
    internal static void WriteHistory(string folder, IReadOnlyList<SweepPhaseHistory> phases, SweepRidgeHistory? ridge) =>
        AtomicFile.WriteAllText(Path.Combine(folder, SweepFolder.HistoryFile),
            SweepJson.Write(new SweepRunHistory(SweepRunHistory.FormatName, SweepRunHistory.FormatVersion, phases, ridge)));
}
