using NeuroDyn.Models;

namespace NeuroDyn.Sweeps;

/// <summary>A kind of model a sweep can train: its name in grids and run files, its options record (swept by option name), and how to build one.</summary>
/// <param name="Name">The kind's name, e.g. "ctrnn".</param>
/// <param name="OptionsType">The options record (an init-only record with defaults, read and written by <see cref="Artifacts.OptionsMetadata"/>).</param>
/// <param name="Create">Builds the model from options of <paramref name="OptionsType"/> and an initialisation seed.</param>
public sealed record SweepModelKind(string Name, Type OptionsType, Func<object, long, ISequenceModel> Create)
{
    /// <summary>A kind whose options record is <typeparamref name="TOptions"/>.</summary>
    public static SweepModelKind Of<TOptions>(string name, Func<TOptions, long, ISequenceModel> create) where TOptions : class, new() =>
        new(name, typeof(TOptions), (options, seed) => create((TOptions)options, seed));

    /// <summary>The options record with every default.</summary>
    public object DefaultOptions() => Activator.CreateInstance(OptionsType)!;
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
    ];

    /// <summary>The kind called <paramref name="name"/>; an unknown name is an error listing the known ones.</summary>
    public static SweepModelKind Named(string name) =>
        All.FirstOrDefault(k => k.Name == name)
        ?? throw new ArgumentException($"A sweep cannot train a model of kind '{name}'; the kinds are {string.Join(", ", All.Select(k => $"'{k.Name}'"))}.", nameof(name));
}
