using System.Collections.Concurrent;
using System.Diagnostics;

namespace NeuroDyn.Sweeps;

/// <summary>What a local sweep did: runs finished (before and now), failed (with their errors), and the wall time.</summary>
/// <param name="Total">Runs in the sweep.</param>
/// <param name="FinishedBefore">Runs already finished when it started (skipped).</param>
/// <param name="Finished">Runs finished by this call.</param>
/// <param name="Failed">Runs that failed in this call: folder name → error.</param>
/// <param name="Workers">Worker processes used.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
public sealed record SweepOutcome(int Total, int FinishedBefore, int Finished, IReadOnlyDictionary<string, string> Failed, int Workers, double Seconds);

/// <summary>The local runner: every unfinished run of a prepared sweep, each as its own command line of the sweep program, on a fixed number of
/// worker processes at a time; finished runs are skipped, a failed one is recorded while the others go on. Each run's output goes to log.txt in its folder.</summary>
public static class SweepRunner
{
    /// <summary>Runs the sweep in <paramref name="folder"/> on <paramref name="workers"/> processes at a time (default: the cores over the sweep's
    /// threads per run), printing a progress line to <paramref name="log"/> (default the console) after each run.</summary>
    public static SweepOutcome Run(string folder, int? workers = null, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        log ??= Console.Out;
        var plan = SweepFolder.ReadPlan(folder);
        int count = workers ?? Math.Max(1, Environment.ProcessorCount / plan.Definition.ThreadsPerRun);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(workers), workers, "A sweep needs at least 1 worker process.");
        var program = SweepProgram.Locate();
        var pending = plan.Runs.Where(r => SweepFolder.StateOf(SweepFolder.RunFolder(folder, r.Id), plan.SettingsOf(r)).Status != SweepRunStatus.Finished).ToArray();
        int before = plan.Runs.Count - pending.Length;
        log.WriteLine($"sweep {Path.GetFullPath(folder)}: {plan.Runs.Count} runs, {before} finished before, {pending.Length} to run on {count} worker process(es) " +
            $"of {plan.Definition.ThreadsPerRun} torch thread(s) each");
        var clock = Stopwatch.StartNew();
        var failed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int done = 0;
        var gate = new object();
        Parallel.ForEach(Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = count, CancellationToken = cancellationToken }, run =>
        {
            var runFolder = SweepFolder.RunFolder(folder, run.Id);
            int exit = RunProcess(program, runFolder, cancellationToken);
            var state = SweepFolder.StateOf(runFolder, plan.SettingsOf(run));
            lock (gate)
            {
                done++;
                if (state.Status != SweepRunStatus.Finished)
                    failed[run.Id] = state.Status == SweepRunStatus.Failed ? state.Error
                        : $"the run's process exited with code {exit} without a report or an error; see {Path.Combine(runFolder, "log.txt")}";
                log.WriteLine(Progress(before + done, plan.Runs.Count, failed.Count, done, pending.Length - done, clock.Elapsed)
                    + (failed.ContainsKey(run.Id) ? $"; {run.Id} failed: {FirstLine(failed[run.Id])}" : ""));
            }
        });
        return new SweepOutcome(plan.Runs.Count, before, done - failed.Count, failed, count, clock.Elapsed.TotalSeconds);
    }

    /// <summary>"5/8 runs done (1 failed), elapsed 0:01:10, about 0:00:42 left": the time left from this call's runs so far.</summary>
    internal static string Progress(int done, int total, int failed, int doneHere, int left, TimeSpan elapsed)
    {
        var remaining = doneHere == 0 ? "" : $", about {Clock(TimeSpan.FromSeconds(elapsed.TotalSeconds / doneHere * left))} left";
        return $"{done}/{total} runs done{(failed > 0 ? $" ({failed} failed)" : "")}, elapsed {Clock(elapsed)}{remaining}";
    }

    static string Clock(TimeSpan t) => $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}";

    static string FirstLine(string text) => text.Split('\n')[0];

    /// <summary>Runs one run's command line, its output appended to log.txt in the run's folder; returns the exit code.</summary>
    static int RunProcess(string program, string runFolder, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in SweepProgram.RunArguments(program, runFolder)) info.ArgumentList.Add(argument);
        using var output = new StreamWriter(Path.Combine(runFolder, "log.txt"), append: true) { AutoFlush = true };
        using var process = new Process { StartInfo = info };
        void Append(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is not null) lock (output) output.WriteLine(e.Data);
        }
        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellationToken.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            process.WaitForExit();
        return process.ExitCode;
    }
}
