using System.Text;
using NeuroDyn.IO;

namespace NeuroDyn.Sweeps;

/// <summary>The files an export writes: one command line per run, and a Slurm job-array script holding the same lines.</summary>
/// <param name="Commands">commands.txt: one command line per run, in grid order (for GNU parallel: <c>parallel --jobs N &lt; commands.txt</c>).</param>
/// <param name="Slurm">slurm.sh: a job array of one task per line (<c>sbatch slurm.sh</c>).</param>
/// <param name="Lines">The command lines themselves.</param>
public sealed record SweepExportFiles(string Commands, string Slurm, IReadOnlyList<string> Lines);

/// <summary>A prepared sweep written out as plain command lines of the sweep program, one per run, each writing into its own run folder, so that
/// GNU parallel (locally or over ssh) or a Slurm job array can run them; a finished run's line does nothing, so any line can be run again.
/// <see cref="SweepTable.Collect"/> merges the folders afterwards.</summary>
public static class SweepExport
{
    /// <summary>The files' names in the sweep's folder.</summary>
    public const string CommandsFile = "commands.txt", SlurmFile = "slurm.sh";

    /// <summary>Writes commands.txt and slurm.sh into the sweep's folder (atomically) and returns them.</summary>
    /// <param name="folder">The prepared sweep's folder.</param>
    /// <param name="program">The sweep program's .dll as the running hosts see it (default <see cref="SweepProgram.Locate"/>).</param>
    public static SweepExportFiles Write(string folder, string? program = null)
    {
        var plan = SweepFolder.ReadPlan(folder);
        program ??= SweepProgram.Locate();
        var lines = plan.Runs.Select(r => SweepProgram.CommandLine(program, SweepFolder.RunFolder(folder, r.Id))).ToArray();
        var root = Path.GetFullPath(folder);
        var commands = Path.Combine(root, CommandsFile);
        var slurm = Path.Combine(root, SlurmFile);
        AtomicFile.WriteAllText(commands, string.Join("\n", lines) + "\n");
        AtomicFile.WriteAllText(slurm, SlurmScript(root, lines, plan.Definition.ThreadsPerRun));
        return new SweepExportFiles(commands, slurm, lines);
    }

    /// <summary>A Slurm job array of one task per command line, each task on as many cores as the run's torch threads.</summary>
    static string SlurmScript(string root, IReadOnlyList<string> lines, int threads)
    {
        var script = new StringBuilder();
        script.Append("#!/usr/bin/env bash\n");
        script.Append($"# A NeuroDyn sweep of {lines.Count} runs as a Slurm job array: sbatch {SweepProgram.ShellWord(Path.Combine(root, SlurmFile))}\n");
        script.Append("# Each task runs one line (a finished run's line does nothing); afterwards: dotnet PROGRAM collect FOLDER.\n");
        script.Append("#SBATCH --job-name=neurodyn-sweep\n");
        script.Append($"#SBATCH --array=0-{lines.Count - 1}\n");
        script.Append($"#SBATCH --cpus-per-task={threads}\n");
        script.Append($"#SBATCH --output={SweepProgram.ShellWord(Path.Combine(root, "slurm-%A_%a.out"))}\n");
        script.Append("set -euo pipefail\n");
        script.Append("commands=(\n");
        foreach (var line in lines) script.Append("  ").Append(SweepProgram.ShellWord(line)).Append('\n');
        script.Append(")\n");
        script.Append("task=${SLURM_ARRAY_TASK_ID:?run this script with sbatch, which sets SLURM_ARRAY_TASK_ID}\n");
        script.Append("eval \"${commands[$task]}\"\n");
        return script.ToString();
    }
}
