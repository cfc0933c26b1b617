namespace NeuroDyn.Sweeps;

/// <summary>Parameter sweeps in a few calls: <see cref="Prepare"/> a definition into a folder, <see cref="Run"/> it on local worker processes (or
/// <see cref="Export"/> its command lines for GNU parallel or Slurm), then <see cref="Collect"/> the table. Every step can be repeated: finished
/// runs are kept, interrupted ones resume from their checkpoints.</summary>
public static class Sweep
{
    /// <summary>Checks the definition (every error before any run) and writes the sweep's folder: sweep.json and runs/ID/run.json per run.</summary>
    public static SweepPlan Prepare(SweepDefinition definition, string folder)
    {
        var plan = SweepPlan.Of(definition);
        SweepFolder.Write(plan, folder);
        return plan;
    }

    /// <summary>A definition from a JSON file laid out as the "definition" of a sweep.json (snake_case keys; options and values as text).</summary>
    public static SweepDefinition ReadDefinition(string path) =>
        SweepJson.Read<SweepDefinition>(path, "sweep definition", "Write it as the \"definition\" part of a sweep.json is written.");

    /// <summary>Runs the prepared sweep's unfinished runs on local worker processes (<see cref="SweepRunner.Run"/>).</summary>
    public static SweepOutcome Run(string folder, int? workers = null, TextWriter? log = null, CancellationToken cancellationToken = default) =>
        SweepRunner.Run(folder, workers, log, cancellationToken);

    /// <summary>Writes the prepared sweep's command lines and Slurm script (<see cref="SweepExport.Write"/>).</summary>
    public static SweepExportFiles Export(string folder, string? program = null) => SweepExport.Write(folder, program);

    /// <summary>The table of every run, also written as results.csv and results.md (<see cref="SweepTable.Collect"/>).</summary>
    public static SweepTable Collect(string folder) => SweepTable.Collect(folder);
}
