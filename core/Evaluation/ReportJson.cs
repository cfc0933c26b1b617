using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuroDyn.Evaluation;

/// <summary>The JSON layout the saved reports share (snake_case keys, NaN as "NaN", unknown or missing keys refused) and their versioned, strict reading.</summary>
internal static class ReportJson
{
    /// <summary>Serializer options of every report file: indented, snake_case, named floating-point literals, strict about keys and nulls.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>Reads the <typeparamref name="T"/> at <paramref name="path"/> if its numeric 'schema_version' equals <paramref name="schemaVersion"/>;
    /// a missing file is a <see cref="FileNotFoundException"/>, anything else wrong an <see cref="InvalidDataException"/> naming the file,
    /// each ending with <paramref name="advice"/> (what to run to write it anew). <paramref name="what"/> names the report, e.g. "forecast report".</summary>
    public static T Read<T>(string path, int schemaVersion, string what, string advice) where T : class =>
        Read<T>(path, Options, what, advice, root =>
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("schema_version", out var version) || version.ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"'{path}' is not a {what}: it has no numeric 'schema_version'.");
            if (version.GetInt32() != schemaVersion)
                throw new InvalidDataException($"'{path}' is a {what} of schema version {version.GetInt32()}, but this NeuroDyn reads version {schemaVersion}; {advice}");
        });

    /// <summary>Reads the <typeparamref name="T"/> at <paramref name="path"/> strictly with <paramref name="options"/>, after <paramref name="check"/> (if any)
    /// accepted the document's root; a missing file is a <see cref="FileNotFoundException"/>, anything else wrong an <see cref="InvalidDataException"/>
    /// naming the file, each ending with <paramref name="advice"/>.</summary>
    public static T Read<T>(string path, JsonSerializerOptions options, string what, string advice, Action<JsonElement>? check = null) where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No {what} at '{path}'; {advice}", path);
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            check?.Invoke(document.RootElement);
            return document.RootElement.Deserialize<T>(options) ?? throw new InvalidDataException($"'{path}' holds a null {what}.");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a valid {what} ({e.Message}); {advice}", e);
        }
    }
}
