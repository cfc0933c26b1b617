using NeuroDyn.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Training;

/// <summary>The settings a resumed run must share with the run that wrote the checkpoint (they fix the batches drawn).</summary>
internal sealed record RunSettings(int Seed, int BatchSize, int SeqLength, string Objective, int? MaxBatchesPerEpoch, int TrainWindows, int Dimension);

/// <summary>Everything besides tensors needed to continue a run exactly: counters, schedule, early stopping and history.</summary>
internal sealed record TrainingState
{
    public int CompletedEpochs { get; init; }
    public double InitialLoss { get; init; } = double.NaN;
    public int BestEpoch { get; init; }
    public double BestValidationLoss { get; init; } = double.PositiveInfinity;
    public int EpochsWithoutImprovement { get; init; }
    public int PlateauReductions { get; init; }
    public int PlateauBadEpochs { get; init; }
    public Dictionary<string, long> AdamSteps { get; init; } = [];
    public List<EpochRecord> History { get; init; } = [];
    public required RunSettings Run { get; init; }
}

/// <summary>
/// Training checkpoints: one safetensors file holding the current weights ("model/NAME"), the best weights ("best/NAME"),
/// Adam's moments ("adam/exp_avg/NAME", "adam/exp_avg_sq/NAME") and, in the metadata key "training_state", the JSON
/// of counters, schedule, early-stopping state and history. Written atomically, verified by SHA-256 on reading.
/// </summary>
public static class Checkpoint
{
    const string StateKey = "training_state";
    const string FormatKey = "format";
    const string Format = "neurodyn-checkpoint-1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    static readonly JsonSerializerOptions CompactJson = new(Json) { WriteIndented = false };

    /// <summary>The history file that accompanies a checkpoint: same name, extension .history.json.</summary>
    public static string HistoryPath(string checkpointPath) => Path.ChangeExtension(checkpointPath, ".history.json");

    /// <summary>
    /// Throws <see cref="CheckpointException"/> naming the path unless a checkpoint can be written there: the folder exists or can be
    /// made, and a file can be created in it (checked by creating and deleting one), before training spends an epoch.
    /// </summary>
    internal static void EnsureWritable(string path)
    {
        const string advice = "Choose a CheckpointPath in a folder you can write to, or leave it unset to train without checkpoints.";
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CheckpointException($"The checkpoint path '{path}' is a folder; give a file in it, e.g. '{Path.Combine(path, "checkpoint.safetensors")}'.");
        var probe = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.probe");
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"Cannot write the checkpoint '{path}': {e.Message} {advice}", e);
        }
    }

    /// <summary>Loads the best (or, with <paramref name="best"/> false, the latest) weights of a training checkpoint into the module.</summary>
    public static void LoadWeights(nn.Module module, string path, bool best = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        using var content = ReadCheckpoint(path);
        ModelFiles.CopyInto(module, content.Tensors, path, best ? "best/" : "model/");
    }

    internal static void Save(string path, nn.Module module, IReadOnlyDictionary<string, Tensor> best,
        IReadOnlyList<(string Name, AdamOptimizer.ParameterState State)> adam, TrainingState state)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in module.state_dict()) tensors.Add(new("model/" + name, t));
        foreach (var (name, t) in best) tensors.Add(new("best/" + name, t));
        foreach (var (name, s) in adam)
        {
            tensors.Add(new("adam/exp_avg/" + name, s.ExpAvg));
            tensors.Add(new("adam/exp_avg_sq/" + name, s.ExpAvgSq));
        }
        var withSteps = state with { AdamSteps = adam.ToDictionary(a => a.Name, a => a.State.Step) };
        SafeTensors.Write(path, tensors, new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [StateKey] = JsonSerializer.Serialize(withSteps, CompactJson),
        });
    }

    /// <summary>Restores weights, best weights and Adam state from the checkpoint and returns the training state; checks it belongs to this run.</summary>
    internal static TrainingState Restore(string path, nn.Module module, IReadOnlyDictionary<string, Tensor> best,
        IReadOnlyList<(string Name, AdamOptimizer.ParameterState State)> adam, RunSettings expected)
    {
        using var content = ReadCheckpoint(path);
        TrainingState state;
        try { state = JsonSerializer.Deserialize<TrainingState>(content.Metadata[StateKey], Json) ?? throw new JsonException("empty state"); }
        catch (JsonException e)
        {
            throw new CheckpointException($"The training state in '{path}' does not parse ({e.Message}). Delete the checkpoint and train afresh.", e);
        }
        if (state.Run != expected)
            throw new CheckpointException(
                $"The checkpoint '{path}' was written by a run with {state.Run} but this run has {expected}. " +
                "Resume with the same seed, batch size, window length, objective, batch cap and data, or start afresh without Resume.");
        ModelFiles.CopyInto(module, content.Tensors, path, "model/");
        using (torch.no_grad())
        {
            foreach (var (name, t) in best) Copy(content, path, "best/" + name, t);
            foreach (var (name, s) in adam)
            {
                Copy(content, path, "adam/exp_avg/" + name, s.ExpAvg);
                Copy(content, path, "adam/exp_avg_sq/" + name, s.ExpAvgSq);
                s.Step = state.AdamSteps.TryGetValue(name, out var step) ? step
                    : throw new CheckpointException($"The checkpoint '{path}' has no Adam step count for '{name}'; it was written for another model. Start afresh without Resume.");
            }
        }
        return state;
    }

    static void Copy(SafeTensorsContent content, string path, string name, Tensor target)
    {
        if (!content.Tensors.TryGetValue(name, out var source) || !source.shape.SequenceEqual(target.shape))
            throw new CheckpointException($"The checkpoint '{path}' lacks '{name}' of shape [{string.Join(", ", target.shape)}]; it was written for another model. Start afresh without Resume.");
        target.copy_(source);
    }

    static SafeTensorsContent ReadCheckpoint(string path)
    {
        var content = ModelFiles.ReadChecked(path, "checkpoint", "Trainer.Fit (TrainingOptions.CheckpointPath)");
        if (!content.Metadata.TryGetValue(FormatKey, out var format) || format != Format || !content.Metadata.ContainsKey(StateKey))
        {
            content.Dispose();
            throw new CheckpointException($"'{path}' is a safetensors file but not a NeuroDyn training checkpoint (no '{Format}' state). " +
                "To load plain weights use ModelFiles.LoadSafeTensors; to resume, point CheckpointPath at a checkpoint written by Trainer.Fit.");
        }
        return content;
    }
}
