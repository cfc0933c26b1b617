using System.Diagnostics;

namespace NeuroDyn.Bench;

/// <summary>Repeated timing of one computation, as medians (a shared machine disturbs single runs).</summary>
public static class Timing
{
    /// <summary>Median wall time, median process CPU time (less disturbed by other processes) and fastest wall time of <paramref name="repeats"/> runs, in seconds.</summary>
    public static (double Wall, double Cpu, double Fastest) Measure(int repeats, Action run)
    {
        var wall = new double[repeats];
        var cpu = new double[repeats];
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < repeats; r++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            run();
            wall[r] = clock.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[r] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (wall[repeats / 2], cpu[repeats / 2], wall[0]);
    }
}
