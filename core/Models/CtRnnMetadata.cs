using System.Globalization;
using NeuroDyn.Solvers;

namespace NeuroDyn.Models;

/// <summary>A <see cref="CtRnnOptions"/> as the string map stored in a model file's metadata (the safetensors <c>__metadata__</c>), so that
/// the file alone rebuilds the network, here or in PyTorch (interop/ctrnn_pytorch.py). Keys: hidden, tau, sample_interval, solver,
/// steps_per_sample, readout, increment_scale, input_size, output_size.</summary>
public static class CtRnnMetadata
{
    static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The options as metadata strings (numbers in invariant culture, round-trip precision).</summary>
    public static IReadOnlyDictionary<string, string> ToMetadata(this CtRnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Dictionary<string, string>
        {
            ["hidden"] = options.Hidden.ToString(Invariant),
            ["tau"] = options.Tau.ToString("R", Invariant),
            ["sample_interval"] = options.SampleInterval.ToString("R", Invariant),
            ["solver"] = options.Solver.ToString(),
            ["steps_per_sample"] = options.StepsPerSample.ToString(Invariant),
            ["readout"] = options.Readout.ToString(),
            ["increment_scale"] = options.IncrementScale.ToString("R", Invariant),
            ["input_size"] = options.InputSize.ToString(Invariant),
            ["output_size"] = options.OutputSize.ToString(Invariant),
        };
    }

    /// <summary>Options from metadata written by <see cref="ToMetadata"/>; hidden, tau, sample_interval and solver are required, the other keys
    /// (absent from older files) take the defaults (1 step per sample, state readout, scale 1, 3 inputs and outputs). A missing or unreadable entry throws an <see cref="ArgumentException"/> naming it.</summary>
    public static CtRnnOptions FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string Required(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new ArgumentException($"the model metadata has no '{key}' entry; it was not written by CtRnnMetadata.ToMetadata (save the model again).", nameof(metadata));
        T Parse<T>(string key, string text, Func<string, (bool, T)> parse)
        {
            var (ok, value) = parse(text);
            return ok ? value : throw new ArgumentException($"the model metadata's '{key}' entry '{text}' cannot be read.", nameof(metadata));
        }
        int Int(string key, string text) => Parse(key, text, s => (int.TryParse(s, NumberStyles.Integer, Invariant, out var v), v));
        double Double(string key, string text) => Parse(key, text, s => (double.TryParse(s, NumberStyles.Float, Invariant, out var v), v));
        string Optional(string key, string fallback) => metadata.TryGetValue(key, out var value) ? value : fallback;
        TEnum Enum<TEnum>(string key, string text) where TEnum : struct, System.Enum => Parse(key, text, s => (System.Enum.TryParse<TEnum>(s, true, out var v), v));
        return new CtRnnOptions
        {
            Hidden = Int("hidden", Required("hidden")),
            Tau = Double("tau", Required("tau")),
            SampleInterval = Double("sample_interval", Required("sample_interval")),
            Solver = Enum<OdeMethod>("solver", Required("solver")),
            StepsPerSample = Int("steps_per_sample", Optional("steps_per_sample", "1")),
            Readout = Enum<ReadoutTarget>("readout", Optional("readout", nameof(ReadoutTarget.State))),
            IncrementScale = Double("increment_scale", Optional("increment_scale", "1")),
            InputSize = Int("input_size", Optional("input_size", "3")),
            OutputSize = Int("output_size", Optional("output_size", "3")),
        };
    }
}
