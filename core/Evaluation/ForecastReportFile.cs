using System.Security.Cryptography;
using System.Text.Json;
using NeuroDyn.Data;
using NeuroDyn.IO;

namespace NeuroDyn.Evaluation;

/// <summary>
/// A <see cref="ForecastReport"/> on disk: indented JSON with snake_case keys (NaN written as "NaN"), and its free run beside it as
/// <c>NAME.free_run.npy</c> (numpy's <c>np.load</c> reads it), both written atomically. Reading checks the schema version, refuses
/// unknown or missing keys (the protocol's settings too), and verifies the free run's SHA-256; every error names the file.
/// </summary>
public static class ForecastReportFile
{
    /// <summary>The layout version written and read; a report of another version is refused with the advice to measure again.</summary>
    public const int SchemaVersion = 1;

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
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(written, ReportJson.Options));
        return written;
    }

    /// <summary>Reads a report written by <see cref="Write"/>, with its free run. A missing, corrupt or other-version report, or a free run that
    /// does not match its checksum, is an <see cref="InvalidDataException"/> (a missing file a <see cref="FileNotFoundException"/>) naming the file.</summary>
    public static ForecastReport Read(string path)
    {
        var report = ReportJson.Read<ForecastReport>(path, SchemaVersion, "forecast report", "run the chapter that trains this model again to measure it anew.");
        var freeRunPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, report.FreeRunFile);
        if (!File.Exists(freeRunPath))
            throw new InvalidDataException($"'{path}' names its free run '{report.FreeRunFile}', but there is no file '{freeRunPath}'; run the chapter that wrote the report again.");
        var bytes = File.ReadAllBytes(freeRunPath);
        if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != report.FreeRunSha256)
            throw new InvalidDataException($"'{freeRunPath}' does not match the SHA-256 recorded in '{path}' (key 'free_run_sha256'): the free run was changed or corrupted; run the chapter that wrote the report again.");
        return report with { FreeRun = NpyArray.FromNpy(bytes, freeRunPath).AsMatrix() };
    }
}
