using System.Globalization;
using System.Text;
using NeuroDyn.Evaluation;
using NeuroDyn.IO;

namespace NeuroDyn.Sweeps;

/// <summary>A number of a forecast report that the table shows for every run.</summary>
/// <param name="Name">Column name (snake_case).</param>
/// <param name="Title">What it is, for chart axes.</param>
/// <param name="Of">The number from a report.</param>
/// <param name="IsTiming">A wall-clock time, which differs from run to run of the same settings.</param>
public sealed record SweepMeasure(string Name, string Title, Func<ForecastReport, double> Of, bool IsTiming = false);

/// <summary>One run in the table: its settings, its state, and its report if it finished (its error if it failed).</summary>
/// <param name="Id">The run's folder name.</param>
/// <param name="Status">Finished, failed or pending.</param>
/// <param name="Values">Its value of each swept option.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Report">Its report when finished.</param>
/// <param name="Error">Its error when failed.</param>
public sealed record SweepRow(string Id, SweepRunStatus Status, IReadOnlyDictionary<string, string> Values, int Seed, ForecastReport? Report, string Error)
{
    /// <summary>The measure of this run's report, NaN when it has none.</summary>
    public double Value(SweepMeasure measure) => Report is null ? double.NaN : measure.Of(Report);
}

/// <summary>Every run of a sweep in one table: the swept options, seed and state of each run, and its report's numbers (<see cref="Measures"/>).</summary>
/// <param name="Options">The swept options, in grid order.</param>
/// <param name="Rows">One row per run, in grid order.</param>
public sealed record SweepTable(IReadOnlyList<string> Options, IReadOnlyList<SweepRow> Rows)
{
    /// <summary>The table's files in the sweep's folder.</summary>
    public const string CsvFile = "results.csv", MarkdownFile = "results.md";

    /// <summary>The report numbers in the table, in column order.</summary>
    public static IReadOnlyList<SweepMeasure> Measures { get; } =
    [
        new("parameters", "trained parameters", r => r.ParameterCount),
        new("one_step_mse", "one-step MSE (z-scored)", r => r.OneStepMse),
        new("vpt_median", "median VPT (Lyapunov times)", r => r.Vpt.Median),
        new("vpt_p10", "VPT, 10th percentile (Lyapunov times)", r => r.Vpt.P10),
        new("vpt_p90", "VPT, 90th percentile (Lyapunov times)", r => r.Vpt.P90),
        new("d_stsp", "D_stsp of the free run", r => r.DStsp),
        new("d_h", "D_H of the free run", r => r.DH),
        new("largest_lyapunov", "largest Lyapunov exponent of the free run (per time unit)", r => r.LargestLyapunov),
        new("training_seconds", "training time (s)", r => r.TrainingSeconds, IsTiming: true),
    ];

    /// <summary>Reads every run folder of the sweep in <paramref name="folder"/> (however it was run: locally, by GNU parallel or Slurm) and writes
    /// results.csv and results.md beside sweep.json. A folder under runs/ that is not one of the sweep's runs is an error.</summary>
    public static SweepTable Collect(string folder)
    {
        var plan = SweepFolder.ReadPlan(folder);
        var root = Path.GetFullPath(folder);
        SweepFolder.CheckRunFolders(plan, root);
        var rows = plan.Runs.Select(run =>
        {
            var state = SweepFolder.StateOf(SweepFolder.RunFolder(root, run.Id), plan.SettingsOf(run));
            return new SweepRow(run.Id, state.Status, run.Values, run.Seed, state.Report, state.Error);
        }).ToArray();
        var table = new SweepTable(plan.Definition.Grid.Select(a => a.Option).ToArray(), rows);
        AtomicFile.WriteAllText(Path.Combine(root, CsvFile), table.ToCsv());
        AtomicFile.WriteAllText(Path.Combine(root, MarkdownFile), table.ToMarkdown());
        return table;
    }

    /// <summary>The table as CSV (RFC 4180 quoting; numbers in the invariant culture with round-trip precision, NaN for none).</summary>
    public string ToCsv()
    {
        static string Cell(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : "\"" + text.Replace("\"", "\"\"") + "\"";
        var csv = new StringBuilder();
        csv.AppendJoin(",", Header().Select(Cell)).Append('\n');
        foreach (var row in Rows)
            csv.AppendJoin(",", Cells(row, v => v.ToString("R", CultureInfo.InvariantCulture), row.Error).Select(Cell)).Append('\n');
        return csv.ToString();
    }

    /// <summary>The table in Markdown (numbers to 4 significant digits, an error's first line).</summary>
    public string ToMarkdown()
    {
        static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
        var header = Header();
        var md = new StringBuilder();
        md.Append("| ").AppendJoin(" | ", header.Select(Cell)).Append(" |\n");
        md.Append('|').AppendJoin("|", header.Select(_ => "---")).Append("|\n");
        foreach (var row in Rows)
            md.Append("| ").AppendJoin(" | ", Cells(row, v => v.ToString("G4", CultureInfo.InvariantCulture), row.Error.Split('\n')[0]).Select(Cell)).Append(" |\n");
        return md.ToString();
    }

    IEnumerable<string> Header() => new[] { "id", "status" }.Concat(Options).Append("seed").Concat(Measures.Select(m => m.Name)).Append("error");

    IEnumerable<string> Cells(SweepRow row, Func<double, string> number, string error) =>
        new[] { row.Id, row.Status.ToString().ToLowerInvariant() }
            .Concat(Options.Select(o => row.Values[o]))
            .Append(row.Seed.ToString(CultureInfo.InvariantCulture))
            .Concat(Measures.Select(m => row.Report is null ? "" : number(row.Value(m))))
            .Append(error);
}
