using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuroDyn.Data;
using NeuroDyn.IO;

namespace NeuroDyn.Evaluation;

/// <summary>
/// A <see cref="ForecastReport"/> on disk: indented JSON with snake_case keys (NaN written as "NaN"), and its free run beside it as
/// <c>NAME.free_run.npy</c> (numpy's <c>np.load</c> reads it), both written atomically. Reading checks the schema version, refuses
/// unknown or missing keys, and verifies the free run's SHA-256; every error names the file.
/// </summary>
public static class ForecastReportFile
{
    /// <summary>The layout version written and read; a report of another version is refused with the advice to measure again.</summary>
    public const int SchemaVersion = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    /// <summary>The file name of the free run written beside the report at <paramref name="path"/>.</summary>
    public static string FreeRunFileName(string path) => Path.GetFileNameWithoutExtension(path) + ".free_run.npy";

    /// <summary>Writes the free run, then the report (naming the free run and its checksum) to <paramref name="path"/>; returns the report as written.</summary>
    public static ForecastReport Write(ForecastReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var freeRun = NpyArray.Matrix(report.FreeRun).ToNpy();
        var freeRunPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, FreeRunFileName(path));
        AtomicFile.WriteAllBytes(freeRunPath, freeRun);
        var written = report with { SchemaVersion = SchemaVersion, FreeRunFile = FreeRunFileName(path), FreeRunSha256 = Convert.ToHexStringLower(SHA256.HashData(freeRun)) };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(written, Json));
        return written;
    }

    /// <summary>Reads a report written by <see cref="Write"/>, with its free run. A missing, corrupt or other-version report, or a free run that
    /// does not match its checksum, is an <see cref="InvalidDataException"/> (a missing file a <see cref="FileNotFoundException"/>) naming the file.</summary>
    public static ForecastReport Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No forecast report at '{path}'; run the chapter that trains this model to write it.", path);
        ForecastReport report;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("schema_version", out var version) || version.ValueKind != JsonValueKind.Number)
                throw new InvalidDataException($"'{path}' is not a forecast report: it has no numeric 'schema_version'.");
            if (version.GetInt32() != SchemaVersion)
                throw new InvalidDataException($"'{path}' is a forecast report of schema version {version.GetInt32()}, but this NeuroDyn reads version {SchemaVersion}; run the chapter that wrote it again to measure the model anew.");
            report = document.RootElement.Deserialize<ForecastReport>(Json) ?? throw new InvalidDataException($"'{path}' holds a null report.");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' is not a valid forecast report ({e.Message}); run the chapter that wrote it again.", e);
        }
        var freeRunPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, report.FreeRunFile);
        if (!File.Exists(freeRunPath))
            throw new InvalidDataException($"'{path}' names its free run '{report.FreeRunFile}', but there is no file '{freeRunPath}'; run the chapter that wrote the report again.");
        var bytes = File.ReadAllBytes(freeRunPath);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != report.FreeRunSha256)
            throw new InvalidDataException($"'{freeRunPath}' does not match the SHA-256 recorded in '{path}' (key 'free_run_sha256'): the free run was changed or corrupted; run the chapter that wrote the report again.");
        return report with { FreeRun = NpyArray.FromNpy(bytes, freeRunPath).AsMatrix() };
    }
}
