using System.Security.Cryptography;
using NeuroDyn.Artifacts;
using NeuroDyn.Data;
using NeuroDyn.Torch;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>One run of a sweep: its folder name, its grid values and seed, and every option of its model (as the model file stores them).</summary>
/// <param name="Id">Folder name under runs/, e.g. "hidden=16,tau=0.1,seed=0".</param>
/// <param name="Values">Its value of each swept option.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Options">Every option of its model, key → text.</param>
public sealed record SweepRun(string Id, IReadOnlyDictionary<string, string> Values, int Seed, IReadOnlyDictionary<string, string> Options);

/// <summary>A checked sweep: its definition (data path made absolute), model kind, runs in grid order, the data set's SHA-256, and a fingerprint
/// (SHA-256 of the definition and the data's checksum) that every file of the sweep carries.</summary>
public sealed record SweepPlan(SweepDefinition Definition, SweepModelKind Kind, IReadOnlyList<SweepRun> Runs, string DataSha256, string Fingerprint)
{
    /// <summary>Checks every part of the definition before any run starts and lists its runs. Each problem is an <see cref="ArgumentException"/>
    /// naming the option, value or file: an unknown kind or option, an empty grid or axis, a value that does not parse or gives invalid options,
    /// repeated values or seeds, a recipe that does not fit the kind (no phases, repeated or unsafe phase names, a setting the sweep owns;
    /// phases for the reservoir or its settings missing), a missing or invalid data set.</summary>
    public static SweepPlan Of(SweepDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var kind = SweepModelKinds.Named(definition.Model);
        var defaults = OptionsMetadata.Write(kind.DefaultOptions());
        if (definition.Grid is null || definition.Grid.Count == 0)
            throw new ArgumentException($"The sweep's grid is empty; name at least one option of {kind.Name} with its values, e.g. SweepAxis(\"hidden\", [\"16\", \"32\"]) " +
                $"(one value repeats a single setting over the seeds). Its options are {string.Join(", ", defaults.Keys)}.", nameof(definition));
        foreach (var axis in definition.Grid)
        {
            CheckKey(kind, defaults, axis.Option, "grid");
            if (axis.Values is null || axis.Values.Count == 0)
                throw new ArgumentException($"The grid's option '{axis.Option}' has no values; give at least one.", nameof(definition));
            foreach (var value in axis.Values) CheckValue(kind, axis.Option, value, "grid");
            Distinct(axis.Values, $"The grid's option '{axis.Option}'");
        }
        Distinct(definition.Grid.Select(a => a.Option), "The grid");
        var fixedOptions = new SortedDictionary<string, string>((definition.Fixed ?? new Dictionary<string, string>()).ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in fixedOptions)
        {
            CheckKey(kind, defaults, key, "fixed options");
            CheckValue(kind, key, value, "fixed options");
            if (definition.Grid.Any(a => a.Option == key))
                throw new ArgumentException($"The option '{key}' is both swept in the grid and fixed; keep it in one of them.", nameof(definition));
        }
        if (definition.Seeds is null || definition.Seeds.Count == 0)
            throw new ArgumentException("The sweep has no seeds; give at least one (e.g. Seeds = [0, 1, 2]).", nameof(definition));
        Distinct(definition.Seeds.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), "The seeds");
        CheckRecipe(kind, definition);
        var name = string.IsNullOrEmpty(definition.Name) ? kind.Name : definition.Name;
        if (string.IsNullOrWhiteSpace(definition.Mode))
            throw new ArgumentException("The sweep's Mode is empty; give the mode its reports carry (default \"sweep\"; a chapter's \"default\", \"full\" or \"quick\").", "definition");
        ArgumentNullException.ThrowIfNull(definition.Protocol);
        definition.Protocol.Validate();
        if (definition.ThreadsPerRun < 1)
            throw new ArgumentOutOfRangeException(nameof(definition), definition.ThreadsPerRun, "ThreadsPerRun must be at least 1.");
        var (dataPath, dataSha256) = CheckData(definition.DataPath);

        TorchRuntime.Initialize();
        var runs = new List<SweepRun>();
        foreach (var point in Points(definition.Grid))
        {
            var options = new Dictionary<string, string>(defaults);
            foreach (var (key, value) in fixedOptions) options[key] = value;
            foreach (var (key, value) in point) options[key] = value;
            CheckBuilds(kind, options, point);
            foreach (int seed in definition.Seeds)
            {
                var id = string.Join(",", point.Select(p => $"{p.Key}={FileSafe(p.Value)}").Append($"seed={seed}"));
                runs.Add(new SweepRun(id, point, seed, options));
            }
        }
        Distinct(runs.Select(r => r.Id), "The runs' folder names (values differ only in characters a folder name cannot hold)");
        var absolute = definition with
        {
            Name = name,
            Phases = (definition.Phases ?? []).ToArray(),
            DataPath = dataPath,
            Fixed = fixedOptions,
            Grid = definition.Grid.Select(a => new SweepAxis(a.Option, a.Values.ToArray())).ToArray(),
            Seeds = definition.Seeds.ToArray(),
        };
        var fingerprint = SweepJson.Sha256(SweepJson.Write(absolute) + dataSha256);
        return new SweepPlan(absolute, kind, runs, dataSha256, fingerprint);
    }

    /// <summary>The settings file of one of the runs.</summary>
    public SweepRunSettings SettingsOf(SweepRun run) => new(SweepRunSettings.FormatName, SweepRunSettings.FormatVersion, Fingerprint, run.Id, Kind.Name,
        Definition.Name!, Definition.Mode, run.Values, run.Seed, run.Options, Definition.Phases, Definition.Reservoir, Definition.Protocol, Definition.DataPath,
        DataSha256, Definition.ThreadsPerRun);

    static void CheckKey(SweepModelKind kind, Dictionary<string, string> defaults, string key, string where)
    {
        if (string.IsNullOrEmpty(key) || !defaults.ContainsKey(key))
            throw new ArgumentException($"'{key}' in the sweep's {where} is not an option of {kind.Name} ({kind.OptionsType.Name}); its options are {string.Join(", ", defaults.Keys)}.", "definition");
    }

    static void CheckValue(SweepModelKind kind, string key, string value, string where)
    {
        var type = OptionsMetadata.TypeOf(kind.OptionsType, key)!;
        try
        {
            if (value is null) throw new FormatException();
            OptionsMetadata.Parse(type, value);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException($"The value '{value}' of option '{key}' in the sweep's {where} does not parse: it must be {Expected(type)}.", "definition", e);
        }
    }

    /// <summary>What text a value of <paramref name="type"/> must be, in words.</summary>
    static string Expected(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null) return Expected(underlying) + ", or null";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type));
        if (type == typeof(int) || type == typeof(long)) return "a whole number (e.g. 32)";
        if (type == typeof(double) || type == typeof(float)) return "a number with a decimal point (e.g. 0.1 or 1e-3)";
        if (type == typeof(bool)) return "true or false";
        return "a " + type.Name;
    }

    /// <summary>Builds the options and a model from them once, so that an invalid combination (e.g. hidden = 0) is refused before any run.</summary>
    static void CheckBuilds(SweepModelKind kind, Dictionary<string, string> options, IReadOnlyDictionary<string, string> point)
    {
        string where = point.Count == 0 ? "The sweep's options" : "The grid point " + string.Join(", ", point.Select(p => $"{p.Key}={p.Value}"));
        try
        {
            kind.Check(OptionsMetadata.Read(kind.OptionsType, new MetadataReader(options, "sweep definition")));
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new ArgumentException($"{where} gives options that a {kind.Name} refuses: {e.Message}", "definition", e);
        }
    }

    /// <summary>Checks the recipe the kind trains by: non-empty phases with distinct file-safe names and the sweep's own settings at their defaults
    /// (no reservoir settings) for a torch kind; reservoir settings with the noise seed at its default (and no phases) for the reservoir.</summary>
    static void CheckRecipe(SweepModelKind kind, SweepDefinition definition)
    {
        var phases = definition.Phases ?? [];
        if (kind.Method == SweepTrainingMethod.Reservoir)
        {
            if (phases.Count > 0)
                throw new ArgumentException($"The sweep gives {phases.Count} training phase(s) to the kind '{kind.Name}', which trains by ridge regression, not by the trainer; " +
                    "leave Phases empty and give its settings as SweepDefinition.Reservoir (ReservoirTrainingOptions).", "definition");
            if (definition.Reservoir is null)
                throw new ArgumentException($"The kind '{kind.Name}' needs its training settings: set SweepDefinition.Reservoir to a ReservoirTrainingOptions (washout, λ grid, features, standardize, input noise).", "definition");
            if (definition.Reservoir.NoiseSeed != 0)
                throw new ArgumentException("The sweep's Reservoir sets NoiseSeed, which the sweep sets itself (each run's seed from SweepDefinition.Seeds); leave it at its default.", "definition");
            if (definition.Reservoir.Lambdas is null || definition.Reservoir.Lambdas.Count == 0 || definition.Reservoir.Lambdas.Any(l => !(l > 0 && double.IsFinite(l))))
                throw new ArgumentException("The sweep's Reservoir.Lambdas must hold at least one finite ridge strength > 0 (e.g. RidgeRegression.LogGrid(1e-8, 1e4, 25)).", "definition");
            if (definition.Reservoir.Washout < 0)
                throw new ArgumentException($"The sweep's Reservoir.Washout is {definition.Reservoir.Washout}; it must be >= 0 samples.", "definition");
            return;
        }
        if (definition.Reservoir is not null)
            throw new ArgumentException($"The sweep sets Reservoir (ridge-regression settings), but the kind '{kind.Name}' trains by phases of the trainer; leave Reservoir null.", "definition");
        if (phases.Count == 0)
            throw new ArgumentException($"The sweep has no training phases; a {kind.Name} trains by Phases, e.g. [TrainingPhase(\"onestep\", TrainingOptions(Epochs = 20))] " +
                "(phases train in order on the same model).", "definition");
        foreach (var phase in phases)
        {
            ArgumentNullException.ThrowIfNull(phase, nameof(definition));
            if (string.IsNullOrEmpty(phase.Name) || !phase.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new ArgumentException($"The training phase name '{phase.Name}' is not file-safe; name each phase with letters, digits, '-' and '_' (e.g. \"onestep\", \"rollout\"): it names the phase's files.", "definition");
            CheckTraining(phase);
        }
        Distinct(phases.Select(p => p.Name), "The training phases' names");
    }

    static void CheckTraining(TrainingPhase phase)
    {
        var training = phase.Options;
        if (training is null) throw new ArgumentException($"The training phase '{phase.Name}' has no Options; give it a TrainingOptions.", "definition");
        void Owned(bool set, string name, string why)
        {
            if (set) throw new ArgumentException($"The sweep's training phase '{phase.Name}' sets TrainingOptions.{name}, which the sweep sets itself ({why}); leave it at its default.", "definition");
        }
        Owned(training.CheckpointPath is not null, nameof(training.CheckpointPath), "each phase checkpoints into the run's folder");
        Owned(training.Resume, nameof(training.Resume), "a run resumes whenever its folder holds a checkpoint");
        Owned(training.StopAfterEpochs is not null, nameof(training.StopAfterEpochs), "a run trains to the end");
        Owned(training.Threads is not null, nameof(training.Threads), "use SweepDefinition.ThreadsPerRun");
        Owned(training.Seed != 0, nameof(training.Seed), "each run's seed comes from SweepDefinition.Seeds");
        try { Trainer.Validate(training); }
        catch (ArgumentException e) { throw new ArgumentException($"The training phase '{phase.Name}': {e.Message}", "definition", e); }
    }

    static (string Path, string Sha256) CheckData(string path)
    {
        if (string.IsNullOrEmpty(path))
            throw new ArgumentException("The sweep has no DataPath; name the Lorenz data set (.npz) the runs train on, e.g. the one chapter 00 writes.", "definition");
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new ArgumentException($"The sweep's data set '{full}' does not exist; run chapter 00 to write it, or correct DataPath.", "definition");
        LorenzData.Load(full);
        using var stream = File.OpenRead(full);
        return (full, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    static void Distinct(IEnumerable<string> items, string what)
    {
        var repeated = items.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => $"'{g.Key}'").ToArray();
        if (repeated.Length > 0) throw new ArgumentException($"{what} repeat(s) {string.Join(", ", repeated)}; give each once.", "definition");
    }

    /// <summary>Every combination of the axes' values, the first axis varying slowest.</summary>
    static IEnumerable<IReadOnlyDictionary<string, string>> Points(IReadOnlyList<SweepAxis> grid)
    {
        IEnumerable<List<KeyValuePair<string, string>>> points = [[]];
        foreach (var axis in grid)
            points = points.SelectMany(p => axis.Values.Select(v => new List<KeyValuePair<string, string>>(p) { new(axis.Option, v) }));
        return points.Select(p => (IReadOnlyDictionary<string, string>)new OrderedDictionary<string, string>(p));
    }

    /// <summary>The value with every character a folder name should not hold replaced by '_'.</summary>
    static string FileSafe(string value) =>
        new(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' ? c : '_').ToArray());
}
