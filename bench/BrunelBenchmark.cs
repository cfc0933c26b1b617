using System.Diagnostics;
using NeuroDyn.Analysis.Spiking;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Bench;

/// <summary>
/// Brunel's (2000) model A at full size (12,500 neurons, 12.5 M synapses) in two states, (g, η) = (5, 2) and (6, 4):
/// wall time per second of biological time after a 100 ms warm-up, best of three 1 s segments on two threads, plus one
/// single-thread segment for comparison. Reference: Brian2 2.5 (Cython, one thread) takes 4.7 s and 7.6 s on this machine.
/// </summary>
public sealed class BrunelBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "brunel";

    private static readonly (double G, double Eta, double Brian2Seconds)[] Cases = [(5, 2, 4.7), (6, 4, 7.6)];

    /// <inheritdoc/>
    public object Run() => Cases.Select(c => Measure(c.G, c.Eta, c.Brian2Seconds)).ToArray();

    private static BrunelFigures Measure(double g, double eta, double brian2Seconds)
    {
        var parameters = new BrunelParameters { G = g, Eta = eta };
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        var clock = Stopwatch.StartNew();
        using var network = new LifNetwork(parameters, seed: 1, threads: 2);
        double setup = clock.Elapsed.TotalSeconds;
        network.Run(100.0);
        var walls = new double[3];
        var cpus = new double[3];
        SpikeRaster? last = null;
        for (int k = 0; k < walls.Length; k++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Restart();
            last = network.Run(1000.0);
            walls[k] = clock.Elapsed.TotalSeconds;
            cpus[k] = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            Console.WriteLine($"g = {g}, eta = {eta}: segment {k + 1}: {walls[k]:F2} s wall, {cpus[k]:F2} s CPU per biological second ({SpikeStatistics.MeanRate(last):F1} Hz)");
        }
        double best = walls.Min();
        long events = 0;
        foreach (int j in last!.Neurons) events += network.Connectivity.Offsets[j + 1] - network.Connectivity.Offsets[j];
        double singleThread = SingleThreadSegment(parameters);
        Console.WriteLine($"g = {g}, eta = {eta}: one thread {singleThread:F2} s per biological second");
        return new BrunelFigures(g, eta, network.Threads, SpikeStatistics.MeanRate(last), SpikeStatistics.IsiCv(last).Mean,
            best, walls, cpus.Min(), setup, events / best, singleThread, brian2Seconds, brian2Seconds / best, load);
    }

    private static double SingleThreadSegment(BrunelParameters parameters)
    {
        using var network = new LifNetwork(parameters, seed: 1, threads: 1);
        network.Run(100.0);
        var clock = Stopwatch.StartNew();
        network.Run(1000.0, recordNeurons: []);
        return clock.Elapsed.TotalSeconds;
    }
}

/// <summary>Figures of one Brunel benchmark case (times in seconds; rates in Hz).</summary>
/// <param name="G">Relative inhibition g.</param>
/// <param name="Eta">External drive η = ν_ext/ν_thr.</param>
/// <param name="Threads">Threads stepping the network.</param>
/// <param name="RateHz">Mean firing rate over the last measured second.</param>
/// <param name="CvIsi">Mean CV of inter-spike intervals over the last measured second (neurons with at least 5 spikes).</param>
/// <param name="WallSecondsPerBioSecond">Best wall time of the three 1 s segments.</param>
/// <param name="WallSecondsAllSegments">Wall time of every segment (the machine is shared: the spread shows the noise).</param>
/// <param name="CpuSecondsPerBioSecond">Least process CPU time of the three segments (both threads together): less sensitive than wall time to other load on the machine.</param>
/// <param name="SetupSeconds">Time to build the network (connectivity, tables), excluded from the above.</param>
/// <param name="SynapticEventsPerSecond">Recurrent spike deliveries (spikes × out-degree) of the last second per wall second of the best segment.</param>
/// <param name="SingleThreadWallSecondsPerBioSecond">Wall time of one 1 s segment on one thread.</param>
/// <param name="Brian2WallSecondsPerBioSecond">Brian2 2.5 (Cython, one thread) on this machine, for reference.</param>
/// <param name="SpeedupVsBrian2">Brian2's wall time over ours.</param>
/// <param name="LoadAverage">/proc/loadavg when the case started.</param>
public sealed record BrunelFigures(double G, double Eta, int Threads, double RateHz, double CvIsi, double WallSecondsPerBioSecond,
    double[] WallSecondsAllSegments, double CpuSecondsPerBioSecond, double SetupSeconds, double SynapticEventsPerSecond, double SingleThreadWallSecondsPerBioSecond,
    double Brian2WallSecondsPerBioSecond, double SpeedupVsBrian2, string LoadAverage);
