using NeuroDyn.Models;
using NeuroDyn.Models.Reservoir;
using NeuroDyn.Models.Spiking;
using NeuroDyn.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Artifacts;

/// <summary>The kinds of model a <see cref="ModelArtifact"/> holds (the metadata key <c>kind</c>).</summary>
public enum ModelKind
{
    /// <summary><see cref="Models.CtRnn"/>.</summary>
    CtRnn,
    /// <summary><see cref="Models.EiRateNetwork"/>.</summary>
    EiRateNetwork,
    /// <summary><see cref="Models.Reservoir.SurrogateLifNetwork"/>.</summary>
    SurrogateLifNetwork,
    /// <summary><see cref="Models.Reservoir.ReservoirForecaster"/> (spiking reservoir and ridge readout).</summary>
    SpikingReservoir,
    /// <summary><see cref="Models.GruNetwork"/>.</summary>
    GruNetwork,
}

/// <summary>
/// One file per trained model: a safetensors file (<see cref="SafeTensors"/>) whose tensors are the model's weights and whose metadata
/// holds <c>format</c> = neurodyn-model, <c>format_version</c>, <c>kind</c>, every option the model was built with (<see cref="OptionsMetadata"/>:
/// a CT-RNN's keys are hidden, tau, sample_interval, solver, steps_per_sample, readout, increment_scale, input_size, output_size, adjoint,
/// rtol, atol, which interop/ctrnn_pytorch.py reads; a GRU's hidden, input_size, output_size, readout, increment_scale), and one SHA-256 over tensors and metadata, verified on loading. Torch models store
/// their state_dict by name (a CT-RNN's w_rec, w_in, b, w_out, b_out; a GRU's gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0, w_out, b_out); the spiking reservoir stores its wiring (connectivity, input
/// weights, drives, initial potentials) and readout. Loading rebuilds a model whose predictions equal the saved one's bit for bit.
/// </summary>
public static class ModelArtifact
{
    /// <summary>Value of the metadata key <c>format</c>.</summary>
    public const string Format = "neurodyn-model";
    /// <summary>Version of the layout; a file of another version is refused.</summary>
    public const int FormatVersion = 1;

    const string FormatKey = "format", VersionKey = "format_version", KindKey = "kind";
    const string ReservoirPrefix = "reservoir.";

    /// <summary>The kind of a model this format can hold, or null for any other object.</summary>
    public static ModelKind? TryKindOf(object? model) => model switch
    {
        CtRnn => ModelKind.CtRnn,
        EiRateNetwork => ModelKind.EiRateNetwork,
        SurrogateLifNetwork => ModelKind.SurrogateLifNetwork,
        ReservoirForecaster => ModelKind.SpikingReservoir,
        GruNetwork => ModelKind.GruNetwork,
        _ => null,
    };

    /// <summary>The kind of a model this format can hold; throws for any other object.</summary>
    public static ModelKind KindOf(object model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return TryKindOf(model)
            ?? throw new ArgumentException($"{model.GetType().Name} has no model file format; ModelArtifact saves CtRnn, EiRateNetwork, SurrogateLifNetwork, ReservoirForecaster and GruNetwork.", nameof(model));
    }

    /// <summary>Writes the model (weights, every option, kind and format) to <paramref name="path"/> atomically.</summary>
    public static void Save(object model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var kind = KindOf(model);
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [VersionKey] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [KindKey] = kind.ToString(),
        };
        if (model is ReservoirForecaster reservoir)
        {
            foreach (var (key, value) in OptionsMetadata.Write(new ReservoirSettings(reservoir))) metadata.Add(key, value);
            foreach (var (key, value) in OptionsMetadata.Write(reservoir.Options, ReservoirPrefix)) metadata.Add(key, value);
            using var scope = torch.NewDisposeScope();
            SafeTensors.Write(path, ReservoirTensors(reservoir), metadata);
            return;
        }
        var options = model switch
        {
            CtRnn m => (object)m.Options,
            EiRateNetwork m => m.Options,
            SurrogateLifNetwork m => m.Options,
            GruNetwork m => m.Options,
            _ => throw new InvalidOperationException("unreachable: KindOf accepted the model"),
        };
        foreach (var (key, value) in OptionsMetadata.Write(options)) metadata.Add(key, value);
        SafeTensors.Write(path, ((ISequenceModel)model).Module.state_dict(), metadata);
    }

    /// <summary>The model in <paramref name="path"/>: a <see cref="CtRnn"/>, <see cref="EiRateNetwork"/>, <see cref="SurrogateLifNetwork"/>,
    /// <see cref="ReservoirForecaster"/> or <see cref="GruNetwork"/>. A missing, corrupt or edited file, another format version, or a missing or unknown metadata key is an
    /// <see cref="InvalidDataException"/> naming the file (and the key).</summary>
    public static object Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No model file at '{path}'. Check the path, or train and save the model first (ModelArtifact.Save).", path);
        using var content = SafeTensors.Read(path);
        if (!content.Metadata.ContainsKey(SafeTensors.ChecksumKey))
            throw new InvalidDataException($"'{path}' has no metadata key '{SafeTensors.ChecksumKey}' (the checksum over tensors and metadata), so it cannot be verified; save the model again with ModelArtifact.Save.");
        var reader = new MetadataReader(content.Metadata, path);
        reader.Text(SafeTensors.ChecksumKey);
        if (reader.Text(FormatKey) != Format)
            throw new InvalidDataException($"'{path}': metadata key '{FormatKey}' is '{content.Metadata[FormatKey]}', not '{Format}'; it is not a NeuroDyn model file.");
        int version = reader.Parse(VersionKey, int.Parse);
        if (version != FormatVersion)
            throw new InvalidDataException($"'{path}': metadata key '{VersionKey}' is {version}, but this NeuroDyn reads model files of version {FormatVersion}; save the model again with this version.");
        var kind = reader.Parse(KindKey, text => Enum.TryParse<ModelKind>(text, out var k) && Enum.IsDefined(k) ? k : throw new FormatException());
        object model = kind switch
        {
            ModelKind.CtRnn => LoadModule(content, path, () => new CtRnn(Options<CtRnnOptions>(reader), 0, dtype: DTypeOf(content, path))),
            ModelKind.EiRateNetwork => LoadModule(content, path, () => new EiRateNetwork(Options<EiRateNetworkOptions>(reader), 0, dtype: DTypeOf(content, path))),
            ModelKind.SurrogateLifNetwork => LoadModule(content, path, () => new SurrogateLifNetwork(Options<SurrogateLifOptions>(reader), 0, dtype: DTypeOf(content, path))),
            ModelKind.SpikingReservoir => LoadReservoir(reader, content, path),
            ModelKind.GruNetwork => LoadModule(content, path, () => new GruNetwork(Options<GruOptions>(reader), 0, dtype: DTypeOf(content, path))),
            _ => throw new InvalidDataException($"'{path}': metadata key '{KindKey}' names the kind {kind}, which this version cannot load."),
        };
        reader.CheckAllRead();
        return model;
    }

    /// <summary>The model in <paramref name="path"/> as a <typeparamref name="T"/>; a file holding another kind is an error naming both.</summary>
    public static T Load<T>(string path) where T : class =>
        Load(path) as T ?? throw new InvalidDataException($"'{path}' holds a {KindName(path)}, not a {typeof(T).Name}.");

    static string KindName(string path)
    {
        using var content = SafeTensors.Read(path);
        return content.Metadata.TryGetValue(KindKey, out var kind) ? kind : "model of unknown kind";
    }

    static T Options<T>(MetadataReader reader, string prefix = "") where T : class => OptionsMetadata.Read<T>(reader, prefix);

    /// <summary>Runs <paramref name="build"/>, turning an invalid option (an <see cref="ArgumentException"/> naming it) into an error that also names the file.</summary>
    static T Built<T>(string path, Func<T> build)
    {
        try { return build(); }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}': its metadata does not describe a valid {typeof(T).Name}: {e.Message} Save the model again.", e);
        }
    }

    static ScalarType DTypeOf(SafeTensorsContent content, string path) =>
        content.Tensors.Values.FirstOrDefault()?.dtype ?? throw new InvalidDataException($"'{path}' holds no tensors; save the model again.");

    static T LoadModule<T>(SafeTensorsContent content, string path, Func<T> build) where T : nn.Module
    {
        var model = Built(path, build);
        var expected = model.state_dict().Keys.ToHashSet();
        var unknown = content.Tensors.Keys.Where(k => !expected.Contains(k)).ToArray();
        if (unknown.Length > 0)
            throw new InvalidDataException($"'{path}' holds tensor(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))} that a {typeof(T).Name} does not have; it was saved from another model.");
        try { ModelFiles.CopyInto(model, content.Tensors, path); }
        catch (CheckpointException e) { throw new InvalidDataException(e.Message, e); }
        return model;
    }

    /// <summary>The reservoir's wiring and readout as tensors (the connectivity's offsets as int64, its targets as int32).</summary>
    static IEnumerable<KeyValuePair<string, Tensor>> ReservoirTensors(ReservoirForecaster reservoir)
    {
        var w = reservoir.Wiring;
        int n = reservoir.Options.NeuronCount, d = reservoir.Options.InputSize;
        yield return new("connectivity_offsets", torch.tensor(w.Connectivity.Offsets));
        yield return new("connectivity_targets", torch.tensor(w.Connectivity.Targets));
        yield return new("input_weights", torch.tensor(w.InputWeights).reshape(n, d));
        yield return new("biases", torch.tensor(w.Biases));
        yield return new("initial_potentials", torch.tensor(w.InitialPotentials));
        yield return new("readout_weights", torch.tensor(reservoir.Readout.Weights));
        yield return new("readout_intercept", torch.tensor(reservoir.Readout.Intercept));
    }

    static ReservoirForecaster LoadReservoir(MetadataReader reader, SafeTensorsContent content, string path)
    {
        var settings = Options<ReservoirSettings>(reader);
        var options = Built(path, () => Options<SpikingReservoirOptions>(reader, ReservoirPrefix).Validate());
        Tensor Get(string name, ScalarType type, int dimensions)
        {
            if (!content.Tensors.TryGetValue(name, out var t))
                throw new InvalidDataException($"'{path}' has no tensor '{name}', which a spiking reservoir needs; save the model again.");
            if (t.dtype != type || t.dim() != dimensions)
                throw new InvalidDataException($"'{path}': tensor '{name}' is {t.dtype} with {t.dim()} dimensions, but a spiking reservoir stores it as {type} with {dimensions}.");
            return t.contiguous();
        }
        var names = new[] { "connectivity_offsets", "connectivity_targets", "input_weights", "biases", "initial_potentials", "readout_weights", "readout_intercept" };
        var unknown = content.Tensors.Keys.Except(names).ToArray();
        if (unknown.Length > 0)
            throw new InvalidDataException($"'{path}' holds tensor(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))} that a spiking reservoir does not have; it was saved from another model.");
        double[] Vector(string name) => Get(name, ScalarType.Float64, 1).data<double>().ToArray();
        var inputWeights = Get("input_weights", ScalarType.Float64, 2);
        var readoutWeights = Get("readout_weights", ScalarType.Float64, 2);
        var weights = new double[readoutWeights.shape[0], readoutWeights.shape[1]];
        readoutWeights.data<double>().CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref weights[0, 0], weights.Length));
        return Built(path, () =>
        {
            var connectivity = new SparseConnectivity(options.NeuronCount,
                Get("connectivity_offsets", ScalarType.Int64, 1).data<long>().ToArray(), Get("connectivity_targets", ScalarType.Int32, 1).data<int>().ToArray());
            var wiring = new ReservoirWiring(connectivity, inputWeights.data<double>().ToArray(), Vector("biases"), Vector("initial_potentials"), settings.NoiseSeed);
            return new ReservoirForecaster(options, wiring, new RidgeReadout(weights, Vector("readout_intercept"), settings.RidgeLambda), settings.ReadoutFeatures);
        });
    }

    /// <summary>What a saved reservoir stores beside its options and arrays: the readout's features and ridge strength, and the Poisson streams' seed.</summary>
    sealed record ReservoirSettings
    {
        /// <summary>Empty settings, filled by <see cref="OptionsMetadata.Read{T}"/>.</summary>
        public ReservoirSettings() { }
        /// <summary>The settings of a forecaster.</summary>
        public ReservoirSettings(ReservoirForecaster reservoir) =>
            (ReadoutFeatures, RidgeLambda, NoiseSeed) = (reservoir.Features, reservoir.Readout.Lambda, reservoir.Wiring.NoiseSeed);
        /// <summary>The features the readout reads.</summary>
        public ReadoutFeatures ReadoutFeatures { get; init; }
        /// <summary>The ridge strength the readout was fitted with.</summary>
        public double RidgeLambda { get; init; }
        /// <summary>Seed of the external Poisson streams.</summary>
        public long NoiseSeed { get; init; }
    }
}
