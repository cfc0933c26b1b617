using NeuroDyn.IO;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>What a sweep's folder holds: sweep.json (the definition and its fingerprint) and runs/ID/ per run — run.json (its settings), and as it
/// runs checkpoint.PHASE.safetensors while a phase trains, model.PHASE.safetensors after each phase but the last and history.json (the finished
/// phases, <see cref="SweepRunFiles"/>), then model.safetensors and report.json (+ report.free_run.npy), or error.txt if it failed.</summary>
public static class SweepFolder
{
    /// <summary>The sweep's definition file.</summary>
    public const string DefinitionFile = "sweep.json";
    /// <summary>The folder holding one folder per run.</summary>
    public const string RunsFolder = "runs";
    /// <summary>A run's settings file.</summary>
    public const string SettingsFile = "run.json";
    /// <summary>A run's trained model (<see cref="Artifacts.ModelArtifact"/>).</summary>
    public const string ModelFile = "model.safetensors";
    /// <summary>A run's forecast report (<see cref="Evaluation.ForecastReportFile"/>), written last: its presence and checksums make a run finished.</summary>
    public const string ReportFile = "report.json";
    /// <summary>The finished phases' histories and seconds (<see cref="SweepRunFiles"/>), or the reservoir's ridge selection.</summary>
    public const string HistoryFile = "history.json";
    /// <summary>A failed run's error.</summary>
    public const string ErrorFile = "error.txt";

    /// <summary>The folder of run <paramref name="id"/>.</summary>
    public static string RunFolder(string folder, string id) => Path.Combine(Path.GetFullPath(folder), RunsFolder, id);

    /// <summary>The sweep.json file: the definition and its fingerprint.</summary>
    /// <param name="Format">"neurodyn-sweep".</param>
    /// <param name="Version">Layout version.</param>
    /// <param name="Fingerprint">The plan's fingerprint.</param>
    /// <param name="Definition">The definition (data path absolute).</param>
    public sealed record DefinitionFileContent(string Format, int Version, string Fingerprint, SweepDefinition Definition);

    const string FormatName = "neurodyn-sweep";
    const int FormatVersion = 2;

    /// <summary>Writes the plan into <paramref name="folder"/> (sweep.json and each run's run.json), keeping what an earlier preparation of the
    /// same sweep wrote. A folder that holds another sweep, or a run folder that is not one of this sweep's runs, is an error before anything is written.</summary>
    public static void Write(SweepPlan plan, string folder)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var root = Path.GetFullPath(folder);
        var definitionPath = Path.Combine(root, DefinitionFile);
        if (File.Exists(definitionPath))
        {
            var existing = ReadDefinition(root);
            if (existing.Fingerprint != plan.Fingerprint)
                throw new InvalidDataException($"'{root}' holds another sweep ({DefinitionFile} of fingerprint {existing.Fingerprint[..12]}…, model {existing.Definition.Model}, " +
                    $"grid {Describe(existing.Definition)}; this sweep is {plan.Fingerprint[..12]}…, model {plan.Definition.Model}, grid {Describe(plan.Definition)}). " +
                    "Give this sweep a new folder, or delete that one to start over.");
        }
        CheckRunFolders(plan, root);
        var runs = Path.Combine(root, RunsFolder);
        Directory.CreateDirectory(runs);
        if (!File.Exists(definitionPath))
            AtomicFile.WriteAllText(definitionPath, SweepJson.Write(new DefinitionFileContent(FormatName, FormatVersion, plan.Fingerprint, plan.Definition)));
        foreach (var run in plan.Runs)
        {
            var path = Path.Combine(runs, run.Id, SettingsFile);
            if (File.Exists(path)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.WriteAllText(path, SweepJson.Write(plan.SettingsOf(run)));
        }
    }

    /// <summary>Throws if a folder under runs/ is not one of the plan's runs, or holds a run.json of another sweep.</summary>
    internal static void CheckRunFolders(SweepPlan plan, string root)
    {
        var runs = Path.Combine(root, RunsFolder);
        if (!Directory.Exists(runs)) return;
        var ids = plan.Runs.Select(r => r.Id).ToHashSet();
        foreach (var dir in Directory.GetDirectories(runs))
        {
            var settings = Path.Combine(dir, SettingsFile);
            if (!ids.Contains(Path.GetFileName(dir)) || !File.Exists(settings))
                throw new InvalidDataException($"'{dir}' is not a run of this sweep (its runs are {string.Join(", ", plan.Runs.Take(3).Select(r => r.Id))}…); " +
                    "it was written by another sweep or by hand. Move it away, or give this sweep a new folder.");
            var sweep = SweepRunSettings.Read(settings).Sweep;
            if (sweep != plan.Fingerprint)
                throw new InvalidDataException($"The run folder '{dir}' was written by another sweep (fingerprint {sweep[..Math.Min(12, sweep.Length)]}…, this sweep's is {plan.Fingerprint[..12]}…). " +
                    "Move it away, or give this sweep a new folder.");
        }
    }

    /// <summary>The sweep.json of <paramref name="folder"/>.</summary>
    public static DefinitionFileContent ReadDefinition(string folder)
    {
        var path = Path.Combine(Path.GetFullPath(folder), DefinitionFile);
        var content = SweepJson.Read<DefinitionFileContent>(path, "sweep definition file", "Prepare the sweep first (Sweep.Prepare), or name the sweep's folder.");
        if (content.Format != FormatName || content.Version != FormatVersion)
            throw new InvalidDataException($"'{path}' is a '{content.Format}' file of version {content.Version}, not a {FormatName} file of version {FormatVersion}; prepare the sweep again with this version.");
        return content;
    }

    /// <summary>The plan of the sweep in <paramref name="folder"/>, checked again (the data set must be unchanged since it was prepared).</summary>
    public static SweepPlan ReadPlan(string folder)
    {
        var content = ReadDefinition(folder);
        var plan = SweepPlan.Of(content.Definition);
        if (plan.Fingerprint != content.Fingerprint)
            throw new InvalidDataException($"The sweep in '{Path.GetFullPath(folder)}' no longer matches its {DefinitionFile}: its data set '{plan.Definition.DataPath}' changed " +
                "(or the file was edited) since the sweep was prepared. Restore the data set, or prepare the sweep anew in a new folder.");
        return plan;
    }

    /// <summary>A run's state from its folder: finished only when its report and model file are complete and their checksums verify.</summary>
    public static SweepRunState StateOf(string runFolder, SweepRunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var report = Path.Combine(runFolder, ReportFile);
        if (File.Exists(report))
        {
            try
            {
                var read = Evaluation.ForecastReportFile.Read(report);
                Torch.TorchRuntime.Initialize();
                using (SafeTensors.Read(Path.Combine(runFolder, ModelFile))) { }
                if (read.Name == settings.Name && read.Mode == settings.Mode && read.Seed == settings.Seed) return new SweepRunState(SweepRunStatus.Finished, "", read);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or CheckpointException)
            {
                // an incomplete or corrupt report or model file: the run is not finished, and runs again
            }
        }
        var error = Path.Combine(runFolder, ErrorFile);
        if (File.Exists(error)) return new SweepRunState(SweepRunStatus.Failed, File.ReadAllText(error).Trim(), null);
        return new SweepRunState(SweepRunStatus.Pending, "", null);
    }

    static string Describe(SweepDefinition d) => string.Join(" × ", d.Grid.Select(a => $"{a.Option} [{string.Join(", ", a.Values)}]")) + $", seeds [{string.Join(", ", d.Seeds)}]";
}

/// <summary>Where a run stands.</summary>
public enum SweepRunStatus
{
    /// <summary>Not run yet, or interrupted (its checkpoint, if any, is where it resumes).</summary>
    Pending,
    /// <summary>Its report and model file are complete and verified.</summary>
    Finished,
    /// <summary>It stopped with an error (error.txt); running it again retries it.</summary>
    Failed,
}

/// <summary>A run's state, its error if it failed, and its report if it finished.</summary>
public sealed record SweepRunState(SweepRunStatus Status, string Error, Evaluation.ForecastReport? Report);
