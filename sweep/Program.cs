using NeuroDyn.Sweeps;

/// <summary>The sweep program: one run per command line (what the local runner, GNU parallel and Slurm all call), and the steps around it.</summary>
static class Program
{
    const string Usage = """
        NeuroDyn sweep program
          run RUN_FOLDER                       train, save and measure one run of a prepared sweep (nothing if it is finished;
                                               resumes in the phase it was in, from that phase's checkpoint); exit code 0
                                               finished, 1 failed (see error.txt)
          local SWEEP_FOLDER [--workers N]     run every unfinished run on N worker processes (default: cores / threads per run)
          export SWEEP_FOLDER [--program DLL]  write commands.txt (one line per run, for GNU parallel) and slurm.sh (a job array)
          collect SWEEP_FOLDER                 write results.csv and results.md of every run
          prepare DEFINITION.json SWEEP_FOLDER check a sweep definition (JSON, as in sweep.json) and write the sweep's folder
        """;

    /// <summary>Runs the command; exit code 0 on success, 1 when a run failed, 2 for a usage or input error.</summary>
    static int Main(string[] args)
    {
        try
        {
            return args switch
            {
                ["run", var folder] => SweepRunExecution.Execute(folder).Status == SweepRunStatus.Finished ? 0 : 1,
                ["local", var folder] => Local(folder, null),
                ["local", var folder, "--workers", var n] => Local(folder, Count(n)),
                ["export", var folder] => Export(folder, null),
                ["export", var folder, "--program", var program] => Export(folder, program),
                ["collect", var folder] => Collect(folder),
                ["prepare", var definition, var folder] => Prepare(definition, folder),
                _ => Refuse(args.Length == 0 ? "no command given" : $"cannot read the arguments '{string.Join(" ", args)}'"),
            };
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    static int Refuse(string problem)
    {
        Console.Error.WriteLine($"error: {problem}.\n{Usage}");
        return 2;
    }

    static int Count(string text) =>
        int.TryParse(text, out int n) && n >= 1 ? n : throw new ArgumentException($"--workers takes a whole number of at least 1, not '{text}'.");

    static int Local(string folder, int? workers)
    {
        var outcome = Sweep.Run(folder, workers);
        Console.WriteLine($"{outcome.Finished + outcome.FinishedBefore}/{outcome.Total} runs finished, {outcome.Failed.Count} failed, in {outcome.Seconds:F1} s on {outcome.Workers} worker process(es)");
        foreach (var (id, error) in outcome.Failed) Console.WriteLine($"  failed: {id}: {error.Split('\n')[0]}");
        return outcome.Failed.Count == 0 ? 0 : 1;
    }

    static int Export(string folder, string? program)
    {
        var files = Sweep.Export(folder, program);
        Console.WriteLine($"{files.Lines.Count} command lines in {files.Commands}; Slurm job array in {files.Slurm}");
        return 0;
    }

    static int Collect(string folder)
    {
        var table = Sweep.Collect(folder);
        Console.Write(table.ToMarkdown());
        Console.WriteLine($"{table.Rows.Count} runs in {Path.Combine(Path.GetFullPath(folder), SweepTable.CsvFile)} and {SweepTable.MarkdownFile}");
        return 0;
    }

    static int Prepare(string definition, string folder)
    {
        var plan = Sweep.Prepare(Sweep.ReadDefinition(definition), folder);
        Console.WriteLine($"prepared {plan.Runs.Count} runs of {plan.Kind.Name} in {Path.GetFullPath(folder)}");
        return 0;
    }
}
