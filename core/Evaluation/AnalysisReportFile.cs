using System.Text.Json;
using NeuroDyn.IO;

namespace NeuroDyn.Evaluation;

/// <summary>
/// An <see cref="AnalysisReport"/> on disk: indented JSON with snake_case keys (NaN written as "NaN"), written atomically beside the model's
/// forecast report (<c>reports/ID.json</c> → <c>reports/ID.analysis.json</c>). Reading checks the schema version and refuses unknown or
/// missing keys and non-finite exponents; every error names the file.
/// </summary>
public static class AnalysisReportFile
{
    /// <summary>The layout version written and read; a report of another version is refused with the advice to analyse again
    /// (version 2 added 'periodic_orbit_source').</summary>
    public const int SchemaVersion = 2;

    const string Advice = "run chapter 04 (scripts/04_analysis.fsx) again to analyse the model anew.";

    /// <summary>The analysis report's path beside the forecast report at <paramref name="forecastReportPath"/> (ID.json → ID.analysis.json).</summary>
    public static string PathBeside(string forecastReportPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(forecastReportPath);
        return Path.Combine(Path.GetDirectoryName(forecastReportPath) ?? "", Path.GetFileNameWithoutExtension(forecastReportPath) + ".analysis.json");
    }

    /// <summary>Writes the report to <paramref name="path"/> (with this schema version) and returns it as written.</summary>
    public static AnalysisReport Write(AnalysisReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(path);
        Check(report, path);
        var written = report with { SchemaVersion = SchemaVersion };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(written, ReportJson.Options));
        return written;
    }

    /// <summary>Reads a report written by <see cref="Write"/>. A missing file is a <see cref="FileNotFoundException"/>; a corrupt or other-version
    /// report, or one with non-finite exponents, an <see cref="InvalidDataException"/> naming the file.</summary>
    public static AnalysisReport Read(string path)
    {
        var report = ReportJson.Read<AnalysisReport>(path, SchemaVersion, "analysis report", Advice);
        Check(report, path);
        return report;
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> naming the file and the key when a value cannot be a measurement.</summary>
    static void Check(AnalysisReport report, string path)
    {
        if (!report.LyapunovExponents.All(double.IsFinite))
            throw new InvalidDataException($"'{path}': 'lyapunov_exponents' holds a non-finite value; a spectrum that could not be measured is left empty. {Advice}");
        if (!report.PeriodicOrbitPeriods.All(p => p > 0 && double.IsFinite(p)))
            throw new InvalidDataException($"'{path}': 'periodic_orbit_periods' holds a value that is not a positive finite period. {Advice}");
        if (report.PeriodicOrbitPeriods.Length > 0 && string.IsNullOrWhiteSpace(report.PeriodicOrbitSource))
            throw new InvalidDataException($"'{path}': 'periodic_orbit_periods' are given but 'periodic_orbit_source' does not say what they were found in (e.g. \"trained map\"). {Advice}");
        if (report.FixedPoints.Any(p => p.UnstableDirections < 0))
            throw new InvalidDataException($"'{path}': a fixed point has negative 'unstable_directions'. {Advice}");
    }
}
