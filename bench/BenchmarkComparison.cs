using System.Text.Json.Nodes;
using NeuroDyn.Evaluation;

namespace NeuroDyn.Bench;

/// <summary>
/// Compares the figures of two builds' benchmark runs (./build.sh bench-compare): each side is a folder of repeated runs
/// (run1/bench/NAME.json, run2/…); every timing and speed figure both sides report is reduced to its median over the runs, and
/// the later build's median is set against the earlier one's. A figure is named by the rows it sits in (the identifying fields
/// of each array element, e.g. hidden=64 solver=rk4 … threads=2) and its own name, so that rows either build added or reordered
/// are matched by what they measure, not by position.
/// </summary>
public static class BenchmarkComparison
{
    /// <summary>Fields that say which configuration an array element measured (never a measurement themselves).</summary>
    private static readonly HashSet<string> IdentityFields =
        ["method", "solver", "adjoint", "dtype", "threads", "hidden", "g", "eta", "path", "gradient", "steps", "excitatory_count", "inhibitory_count", "batch", "block_rows", "name"];

    /// <summary>Figures that are constants from elsewhere (published or other tools' timings), not this build's measurements.</summary>
    private static readonly string[] ForeignMarkers = ["reference", "brian2", "scipy", "numpy", "torchdiffeq"];

    /// <summary>
    /// Median of every comparable figure on both sides, with change = after/before − 1 for figures where lower is better (seconds,
    /// milliseconds, megabytes, bytes) and before/after − 1 where higher is better (…per_second), so that a positive change is
    /// always a slowdown; beside it the same change round by round (run k of one build against run k of the other, which ran next
    /// to it), whose median a machine drifting during the comparison disturbs less, and each side's run-to-run spread. Figures only
    /// one side has are left out (they are new or gone, not comparable).
    /// </summary>
    public static ComparisonReport Compare(string beforeRuns, string afterRuns, double tolerance = 0.05)
    {
        var (before, beforeCount) = Samples(beforeRuns);
        var (after, afterCount) = Samples(afterRuns);
        var rows = before.Keys.Intersect(after.Keys).OrderBy(k => k.Benchmark, StringComparer.Ordinal).ThenBy(k => k.Figure, StringComparer.Ordinal)
            .Select(key =>
            {
                var (benchmark, figure) = key;
                bool higherIsBetter = HigherIsBetter(figure);
                double Slowdown(double b, double a) => higherIsBetter ? b / a - 1 : a / b - 1;
                var (b, a) = (before[key], after[key]);
                var (beforeMedian, afterMedian) = (Median(b.Values), Median(a.Values));
                double slowdown = Slowdown(beforeMedian, afterMedian);
                var paired = b.Keys.Intersect(a.Keys).Select(run => Slowdown(b[run], a[run])).ToList();
                return new ComparedFigure(benchmark, figure, higherIsBetter ? "higher" : "lower", beforeMedian, afterMedian, slowdown,
                    paired.Count > 0 ? Median(paired) : double.NaN, Spread(b.Values), Spread(a.Values), slowdown <= tolerance);
            })
            .ToArray();
        return new ComparisonReport(beforeRuns, afterRuns, beforeCount, afterCount, tolerance, rows, rows.All(r => r.WithinTolerance));
    }

    /// <summary>Every figure's value in every run of a side, by run folder name.</summary>
    private static (Dictionary<(string Benchmark, string Figure), Dictionary<string, double>> Samples, int RunCount) Samples(string runsFolder)
    {
        if (!Directory.Exists(runsFolder))
            throw new DirectoryNotFoundException($"no benchmark runs in '{runsFolder}': expected run1/bench/NAME.json, run2/… from ./build.sh bench-compare");
        var runs = Directory.GetDirectories(runsFolder, "run*");
        var samples = new Dictionary<(string, string), Dictionary<string, double>>();
        foreach (var run in runs)
            foreach (var file in Directory.Exists(Path.Combine(run, "bench")) ? Directory.GetFiles(Path.Combine(run, "bench"), "*.json") : [])
            {
                var benchmark = Path.GetFileNameWithoutExtension(file);
                var root = Parse(file);
                foreach (var (figure, value) in Figures(root, ""))
                {
                    if (!samples.TryGetValue((benchmark, figure), out var values)) samples[(benchmark, figure)] = values = [];
                    values[Path.GetFileName(run)] = value;
                }
            }
        return (samples, runs.Length);
    }

    private static JsonNode Parse(string file)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(file)) ?? throw new InvalidDataException($"'{file}' holds no JSON: run the benchmark again");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"'{file}' is not valid JSON ({e.Message}): run the benchmark again", e);
        }
    }

    /// <summary>(max − min)/median of a side's runs: how much the machine alone moved the figure.</summary>
    private static double Spread(IEnumerable<double> values)
    {
        var all = values.ToArray();
        return (all.Max() - all.Min()) / Median(all);
    }

    /// <summary>Every timing or speed figure below <paramref name="node"/>, named by the identifying fields of the rows it sits in.</summary>
    private static IEnumerable<(string Figure, double Value)> Figures(JsonNode? node, string rows)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    if (child is JsonValue value && IsMeasurement(name) && value.TryGetValue(out double number))
                        yield return ((rows.Length > 0 ? rows + " " : "") + name, number);
                    else if (child is JsonObject or JsonArray)
                        foreach (var figure in Figures(child, rows)) yield return figure;
                }
                break;
            case JsonArray array:
                foreach (var element in array.OfType<JsonObject>())
                {
                    var identity = string.Join(" ", element.Where(p => IdentityFields.Contains(p.Key) && p.Value is JsonValue).Select(p => $"{p.Key}={p.Value}"));
                    foreach (var figure in Figures(element, string.Join(" ", new[] { rows, identity }.Where(s => s.Length > 0))))
                        yield return figure;
                }
                break;
        }
    }

    private static bool IsMeasurement(string name) =>
        !IdentityFields.Contains(name) && !ForeignMarkers.Any(name.Contains) && !name.StartsWith("speedup")
        && (HigherIsBetter(name) || name.EndsWith("seconds") || name.EndsWith("_second") || name.EndsWith("_per_step") || name.EndsWith("bytes"));

    private static bool HigherIsBetter(string figure) => figure.EndsWith("per_second") && !figure.EndsWith("seconds_per_bio_second");

    private static double Median(IEnumerable<double> values) => Evaluate.Percentile(values.ToArray(), 0.5);
}

/// <summary>The comparison of two builds' benchmark runs.</summary>
/// <param name="BeforeRuns">Folder of the earlier build's runs.</param>
/// <param name="AfterRuns">Folder of the later build's runs.</param>
/// <param name="BeforeRunCount">Runs of the earlier build.</param>
/// <param name="AfterRunCount">Runs of the later build.</param>
/// <param name="Tolerance">Largest slowdown accepted (0.05 = 5%).</param>
/// <param name="Figures">Every figure both builds reported, medians side by side.</param>
/// <param name="AllWithinTolerance">Whether no figure slowed down by more than the tolerance.</param>
public sealed record ComparisonReport(string BeforeRuns, string AfterRuns, int BeforeRunCount, int AfterRunCount, double Tolerance,
    ComparedFigure[] Figures, bool AllWithinTolerance);

/// <summary>One figure's medians in both builds.</summary>
/// <param name="Benchmark">Benchmark name.</param>
/// <param name="Figure">The rows' identifying fields and the figure's name.</param>
/// <param name="Better">"lower" (times, memory) or "higher" (rates).</param>
/// <param name="Before">Median over the earlier build's runs.</param>
/// <param name="After">Median over the later build's runs.</param>
/// <param name="Slowdown">How much worse the later build's median is (after/before − 1 for times, before/after − 1 for rates); negative = faster.</param>
/// <param name="PairedSlowdown">The median over rounds of the same change between the two builds' runs of one round.</param>
/// <param name="BeforeSpread">(max − min)/median over the earlier build's runs.</param>
/// <param name="AfterSpread">(max − min)/median over the later build's runs.</param>
/// <param name="WithinTolerance">Slowdown ≤ tolerance.</param>
public sealed record ComparedFigure(string Benchmark, string Figure, string Better, double Before, double After, double Slowdown, double PairedSlowdown,
    double BeforeSpread, double AfterSpread, bool WithinTolerance);
