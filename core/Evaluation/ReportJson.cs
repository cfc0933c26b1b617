using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NeuroDyn.Evaluation;

/// <summary>The JSON layout the saved reports share (snake_case keys, NaN as "NaN", unknown or missing keys refused, nested ones too) and their versioned, strict reading.</summary>
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

    /// <summary>The options a versioned report is read with: <see cref="Options"/> with every key required, at every depth. Constructor parameters
    /// are required already; this adds the init properties of options records such as <see cref="ForecastProtocol"/>, which would otherwise
    /// silently keep their defaults when a key is missing.</summary>
    static readonly JsonSerializerOptions EveryKeyRequired = new(Options)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RequireEverySettableProperty } },
    };

    /// <summary>Marks every property the reader can set as required (properties without a setter are not read).</summary>
    static void RequireEverySettableProperty(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
            if (property.Set is not null) property.IsRequired = true;
    }

    /// <summary>Reads the <typeparamref name="T"/> at <paramref name="path"/> if its numeric 'schema_version' equals <paramref name="schemaVersion"/>
    /// and it has every key, nested objects' included; a missing file is a <see cref="FileNotFoundException"/>, anything else wrong an
    /// <see cref="InvalidDataException"/> naming the file, each ending with <paramref name="advice"/> (what to run to write it anew).
    /// <paramref name="what"/> names the report, e.g. "forecast report".</summary>
    public static T Read<T>(string path, int schemaVersion, string what, string advice) where T : class =>
        Read<T>(path, EveryKeyRequired, what, advice, root =>
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
            // where in the document, when the serializer's message does not say (e.g. a missing key of a nested object: "$.protocol")
            string at = e is JsonException { Path: { } where } && !e.Message.Contains("Path: ", StringComparison.Ordinal) ? $" Path: {where}." : "";
            throw new InvalidDataException($"'{path}' is not a valid {what} ({e.Message}{at}); {advice}", e);
        }
    }
}
