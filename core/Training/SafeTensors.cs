using NeuroDyn.IO;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Training;

/// <summary>Tensors and string metadata read from a safetensors file; disposing it releases the tensors.</summary>
/// <param name="Tensors">Tensors by name, in file order.</param>
/// <param name="Metadata">The <c>__metadata__</c> map (empty if absent).</param>
public sealed record SafeTensorsContent(IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata) : IDisposable
{
    /// <summary>Disposes every tensor.</summary>
    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}

/// <summary>
/// The safetensors format (huggingface/safetensors), written and read without dependencies:
/// an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// {"name": {"dtype": "F64", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {..}} padded with spaces
/// to a multiple of 8, then the raw little-endian tensor bytes, contiguous in header order.
/// PyTorch reads it with <c>safetensors.torch.load_file(path)</c>. Files written here carry, in the metadata key
/// <see cref="ChecksumKey"/>, one SHA-256 over every tensor's name, dtype and shape, every other metadata entry and the data
/// section (<see cref="Checksum"/>), so that an edited metadata value is caught like a corrupted tensor byte; it is verified on
/// reading when present (as is the older data-only <c>data_sha256</c>).
/// </summary>
public static class SafeTensors
{
    /// <summary>Metadata key holding the hex SHA-256 of <see cref="Checksum"/>: tensor names, dtypes and shapes, the other metadata, and the data.</summary>
    public const string ChecksumKey = "sha256";
    /// <summary>Metadata key of the data-only SHA-256 that earlier files carry (still verified when present).</summary>
    const string DataChecksumKey = "data_sha256";
    const string MetadataKey = "__metadata__";
    const long MaxHeaderBytes = 100_000_000;

    static readonly (ScalarType Type, string Name, int Size)[] DTypes =
    [
        (ScalarType.Float64, "F64", 8), (ScalarType.Float32, "F32", 4), (ScalarType.Float16, "F16", 2), (ScalarType.BFloat16, "BF16", 2),
        (ScalarType.Int64, "I64", 8), (ScalarType.Int32, "I32", 4), (ScalarType.Int16, "I16", 2), (ScalarType.Int8, "I8", 1),
        (ScalarType.Byte, "U8", 1), (ScalarType.Bool, "BOOL", 1),
    ];

    /// <summary>Writes the named tensors (in the given order) and metadata to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writing assumes a little-endian machine.");
        using var scope = torch.NewDisposeScope();
        var data = new MemoryStream();
        using var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            var names = new HashSet<string>();
            var entries = new List<(string Name, string DType, long[] Shape)>();
            foreach (var (name, tensor) in tensors)
            {
                if (string.IsNullOrEmpty(name) || name == MetadataKey || !names.Add(name))
                    throw new ArgumentException($"Tensor name '{name}' is empty, reserved or repeated; names must be unique.", nameof(tensors));
                var cpu = tensor.detach().cpu().contiguous();
                var dtypeName = Lookup(cpu.dtype).Name;
                long begin = data.Length;
                data.Write(cpu.bytes);
                entries.Add((name, dtypeName, cpu.shape));
                json.WriteStartObject(name);
                json.WriteString("dtype", dtypeName);
                json.WriteStartArray("shape");
                foreach (var d in cpu.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(begin);
                json.WriteNumberValue(data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            var kept = (metadata ?? new Dictionary<string, string>()).Where(m => m.Key is not (ChecksumKey or DataChecksumKey)).ToDictionary();
            json.WriteStartObject(MetadataKey);
            foreach (var (key, value) in kept) json.WriteString(key, value);
            json.WriteString(ChecksumKey, Checksum(entries, kept, data.GetBuffer().AsSpan(0, (int)data.Length)));
            json.WriteEndObject();
            json.WriteEndObject();
        }
        int padding = (int)((8 - header.Length % 8) % 8);
        for (int i = 0; i < padding; i++) header.WriteByte((byte)' ');
        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            stream.Write(length);
            stream.Write(header.GetBuffer().AsSpan(0, (int)header.Length));
            stream.Write(data.GetBuffer().AsSpan(0, (int)data.Length));
        });
    }

    /// <summary>Reads every tensor and the metadata of a safetensors file; throws <see cref="InvalidDataException"/> naming the file if it is malformed or fails its checksum.</summary>
    public static SafeTensorsContent Read(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No safetensors file at '{path}'.", path);
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string why) => new($"'{path}' is not a valid safetensors file: {why}.");
        if (bytes.Length < 8) throw Bad($"it has {bytes.Length} bytes, fewer than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
            throw Bad($"the header length {headerLength} does not fit in the file of {bytes.Length} bytes (truncated or corrupt)");
        var data = bytes.AsMemory(8 + (int)headerLength);
        JsonDocument document;
        try { document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw Bad($"its JSON header does not parse ({e.Message})"); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
            var metadata = new Dictionary<string, string>();
            var entries = new List<(string Name, ScalarType Type, string DType, long[] Shape, long Begin, long End)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString() ?? "";
                    continue;
                }
                try
                {
                    var dtypeName = property.Value.GetProperty("dtype").GetString();
                    var dtype = DTypes.FirstOrDefault(d => d.Name == dtypeName);
                    if (dtype.Name is null) throw Bad($"tensor '{property.Name}' has unsupported dtype '{dtypeName}'");
                    var shape = property.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                    var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
                    if (offsets.Length != 2 || shape.Any(d => d < 0)) throw Bad($"tensor '{property.Name}' has a malformed shape or offsets");
                    long elements = shape.Aggregate(1L, (a, d) => a * d);
                    if (offsets[1] - offsets[0] != elements * dtype.Size)
                        throw Bad($"tensor '{property.Name}' spans {offsets[1] - offsets[0]} bytes but its shape and dtype need {elements * dtype.Size}");
                    entries.Add((property.Name, dtype.Type, dtype.Name, shape, offsets[0], offsets[1]));
                }
                catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
                {
                    throw Bad($"tensor '{property.Name}' lacks a valid dtype, shape or data_offsets ({e.Message})");
                }
            }
            long expected = 0;
            foreach (var e in entries.OrderBy(e => e.Begin))
            {
                if (e.Begin != expected) throw Bad($"tensor '{e.Name}' starts at byte {e.Begin} of the data, expected {expected} (gap or overlap)");
                expected = e.End;
            }
            if (expected != data.Length) throw Bad($"the tensors cover {expected} data bytes but the file holds {data.Length} (truncated or padded)");
            if (metadata.TryGetValue(ChecksumKey, out var checksum)
                && Checksum(entries.Select(e => (e.Name, e.DType, e.Shape)), metadata.Where(m => m.Key != ChecksumKey).ToDictionary(), data.Span) != checksum)
                throw Bad($"its tensors and metadata do not match their SHA-256 checksum (metadata key '{ChecksumKey}'): a tensor byte or a metadata value was changed after writing (the file is corrupt or was edited)");
            if (metadata.TryGetValue(DataChecksumKey, out var dataChecksum) && Convert.ToHexStringLower(SHA256.HashData(data.Span)) != dataChecksum)
                throw Bad($"the data does not match its SHA-256 checksum (metadata key '{DataChecksumKey}'; the file is corrupt)");

            var tensors = new Dictionary<string, Tensor>();
            foreach (var e in entries)
            {
                var tensor = torch.empty(e.Shape, e.Type);
                data.Span[(int)e.Begin..(int)e.End].CopyTo(tensor.bytes);
                tensors[e.Name] = (device is null ? tensor : tensor.to(device)).DetachFromDisposeScope();
            }
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    /// <summary>Hex SHA-256 of the tensor entries in file order (name, dtype, shape), the metadata sorted by key (ordinal), and the data bytes,
    /// each string UTF-8 encoded and followed by a zero byte, so that no two different files give the same input.</summary>
    static string Checksum(IEnumerable<(string Name, string DType, long[] Shape)> entries, IReadOnlyDictionary<string, string> metadata, ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }
        foreach (var (name, dtype, shape) in entries)
        {
            Add(name);
            Add(dtype);
            Add(string.Join(",", shape));
        }
        Add(MetadataKey);
        foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Add(key);
            Add(value);
        }
        hash.AppendData(data);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static (ScalarType Type, string Name, int Size) Lookup(ScalarType type)
    {
        var d = DTypes.FirstOrDefault(d => d.Type == type);
        return d.Name is null ? throw new NotSupportedException($"Tensors of type {type} cannot be written to safetensors here; convert to float64 or float32.") : d;
    }
}
