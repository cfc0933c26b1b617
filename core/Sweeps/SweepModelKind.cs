using NeuroDyn.Models;
using NeuroDyn.Models.Reservoir;

namespace NeuroDyn.Sweeps;

/// <summary>How a sweep trains a kind of model.</summary>
public enum SweepTrainingMethod
{
    /// <summary>By <see cref="Training.Trainer.Fit"/>, one call per <see cref="SweepDefinition.Phases"/> entry, on a torch model built by <see cref="SweepModelKind.Create"/>.</summary>
    Phases,
    /// <summary>By <see cref="ReservoirForecaster.Train"/> (ridge regression) with <see cref="SweepDefinition.Reservoir"/>; no phases.</summary>
    Reservoir,
}

/// <summary>A kind of model a sweep can train: its name in grids and run files, its options record (swept by option name), how it trains, and
/// (for a torch kind) how to build one.</summary>
/// <param name="Name">The kind's name, e.g. "ctrnn".</param>
/// <param name="OptionsType">The options record (an init-only record with defaults, read and written by <see cref="Artifacts.OptionsMetadata"/>).</param>
/// <param name="Method">How a run of this kind trains.</param>
/// <param name="Create">Builds the untrained model from options of <paramref name="OptionsType"/> and an initialisation seed; null for the reservoir.</param>
public sealed record SweepModelKind(string Name, Type OptionsType, SweepTrainingMethod Method, Func<object, long, ISequenceModel>? Create)
{
    /// <summary>A torch kind whose options record is <typeparamref name="TOptions"/>, trained by phases.</summary>
    public static SweepModelKind Of<TOptions>(string name, Func<TOptions, long, ISequenceModel> create) where TOptions : class, new() =>
        new(name, typeof(TOptions), SweepTrainingMethod.Phases, (options, seed) => create((TOptions)options, seed));

    /// <summary>The options record with every default.</summary>
    public object DefaultOptions() => Activator.CreateInstance(OptionsType)!;

    /// <summary>Throws an <see cref="ArgumentException"/> if the options make no model: a torch kind builds one (and disposes it), the reservoir validates them.</summary>
    public void Check(object options)
    {
        if (Create is not null) Create(options, 0).Module.Dispose();
        else ((SpikingReservoirOptions)options).Validate();
    }
}

/// <summary>The kinds of model a sweep can train; a new kind is one line here.</summary>
public static class SweepModelKinds
{
    /// <summary>Every kind, by name.</summary>
    public static IReadOnlyList<SweepModelKind> All { get; } =
    [
        SweepModelKind.Of<CtRnnOptions>("ctrnn", (options, seed) => new CtRnn(options, seed)),
        SweepModelKind.Of<EiRateNetworkOptions>("ei_rate", (options, seed) => new EiRateNetwork(options, seed)),
        SweepModelKind.Of<GruOptions>("gru", (options, seed) => new GruNetwork(options, seed)),
        SweepModelKind.Of<SurrogateLifOptions>("surrogate_lif", (options, seed) => new SurrogateLifNetwork(options, seed)),
        new("reservoir", typeof(SpikingReservoirOptions), SweepTrainingMethod.Reservoir, null),
    ];

    /// <summary>The kind called <paramref name="name"/>; an unknown name is an error listing the known ones.</summary>
    public static SweepModelKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"A sweep cannot train a model of kind '{name}'; the kinds are {string.Join(", ", All.Select(k => $"'{k.Name}'"))}.", nameof(name));
}
