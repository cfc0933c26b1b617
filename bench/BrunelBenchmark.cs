using System.Diagnostics;
using NeuroDyn.Analysis.Spiking;
using NeuroDyn.Evaluation;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Bench;

/// <summary>
/// Brunel's (2000) model A. First at full size (12,500 neurons, 15.6 M synapses) in two states, (g, η) = (5, 2) and (6, 4):
/// wall time per second of biological time after a 100 ms warm-up, best of three 1 s segments on the default threads (one per core), plus one
/// single-thread segment for comparison. Reference: Brian2 2.5 (Cython, one thread) takes 4.7 s and 7.6 s on this machine
/// (bench/reference/brunel_brian2.py). Then the thread scaling, 1 → 2 (→ every power of two up to the processors), at 12,500
/// and at 100,000 neurons (N_E = 80,000, N_I = 20,000, ε = 1/80 so that C_E = 1,000 and C_I = 250 stay Brunel's, and with
/// them J and the regime) in the asynchronous irregular state (g = 5, η = 2): 1 s segments, rounds over the thread counts
/// repeated three times, medians and spread; at 100,000 also synaptic events per second and memory.
/// </summary>
public sealed class BrunelBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "brunel";

    private static readonly (double G, double Eta, double Brian2Seconds)[] Cases = [(5, 2, 4.7), (6, 4, 7.6)];
    private const int ScalingRounds = 3;

    /// <inheritdoc/>
    public object Run()
    {
        var cases = Cases.Select(c => Measure(c.G, c.Eta, c.Brian2Seconds)).ToArray();
        var scaling = new[] { (10_000, 2_500), (80_000, 20_000) }.Select(size => Scaling(size.Item1, size.Item2)).ToArray();
        return new BrunelReport(cases, scaling, Process.GetCurrentProcess().PeakWorkingSet64);
    }

    /// <summary>1, 2, 4, … up to the processor count, and the processor count itself.</summary>
    private static int[] ThreadCounts()
    {
        var counts = new SortedSet<int> { 1, Environment.ProcessorCount };
        for (int t = 2; t < Environment.ProcessorCount; t *= 2) counts.Add(t);
        return counts.ToArray();
    }

    private static BrunelScaling Scaling(int excitatory, int inhibitory)
    {
        // C_E = ε N_E = 1,000 and C_I = ε N_I = 250 at every size
        var parameters = new BrunelParameters { ExcitatoryCount = excitatory, InhibitoryCount = inhibitory, Epsilon = 1000.0 / excitatory, G = 5, Eta = 2 };
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        var clock = Stopwatch.StartNew();
        var connectivity = SparseConnectivity.FixedInDegree(excitatory, inhibitory, parameters.ExcitatoryInDegree, parameters.InhibitoryInDegree, seed: 1);
        double setup = clock.Elapsed.TotalSeconds;
        var counts = ThreadCounts();
        var networks = counts.Select(t => new LifNetwork(parameters, connectivity, seed: 1, threads: t)).ToArray();
        try
        {
            long managed = GC.GetTotalMemory(forceFullCollection: true);
            foreach (var network in networks) network.Run(100.0, recordNeurons: []);
            var walls = counts.Select(_ => new double[ScalingRounds]).ToArray();
            var events = counts.Select(_ => new double[ScalingRounds]).ToArray();
            var rates = counts.Select(_ => new double[ScalingRounds]).ToArray();
            for (int round = 0; round < ScalingRounds; round++)
                for (int k = 0; k < counts.Length; k++)
                {
                    long deliveries = 0;
                    clock.Restart();
                    var raster = networks[k].Run(1000.0, recordNeurons: [], afterStep: net =>
                    {
                        foreach (int j in net.LastSpikes) deliveries += connectivity.Offsets[j + 1] - connectivity.Offsets[j];
                    });
                    walls[k][round] = clock.Elapsed.TotalSeconds;
                    events[k][round] = deliveries / walls[k][round];
                    rates[k][round] = raster.PopulationCounts.Sum(c => (double)c) / parameters.NeuronCount;
                    Console.WriteLine($"N = {parameters.NeuronCount:N0}, {counts[k]} thread(s), round {round + 1}: {walls[k][round]:F2} s per biological second, " +
                        $"{events[k][round]:G3} synaptic events/s, {rates[k][round]:F1} Hz");
                }
            var rows = counts.Select((t, k) => new BrunelThreadFigures(t, Median(walls[k]), walls[k], Median(events[k]), Median(walls[0]) / Median(walls[k]), Median(rates[k]))).ToArray();
            foreach (var row in rows)
                Console.WriteLine($"N = {parameters.NeuronCount:N0}, {row.Threads} thread(s): median {row.WallSecondsPerBioSecond:F2} s per biological second " +
                    $"(spread {row.WallSecondsAllRounds.Min():F2}-{row.WallSecondsAllRounds.Max():F2}), {row.SynapticEventsPerSecond:G3} events/s, speed-up {row.SpeedupOverOneThread:F2}");
            return new BrunelScaling(excitatory, inhibitory, parameters.ExcitatoryInDegree, parameters.InhibitoryInDegree, connectivity.SynapseCount, setup, managed,
                Process.GetCurrentProcess().PeakWorkingSet64, rows, load, File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "");
        }
        finally
        {
            foreach (var network in networks) network.Dispose();
        }
    }

    private static double Median(double[] values) => Evaluate.Percentile(values, 0.5);

    private static BrunelFigures Measure(double g, double eta, double brian2Seconds)
    {
        var parameters = new BrunelParameters { G = g, Eta = eta };
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "";
        var clock = Stopwatch.StartNew();
        using var network = new LifNetwork(parameters, seed: 1);
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

/// <summary>Everything the Brunel benchmark measured.</summary>
/// <param name="Cases">The full-size network (12,500 neurons) in two states.</param>
/// <param name="Scaling">Thread scaling at 12,500 and 100,000 neurons (g = 5, η = 2).</param>
/// <param name="PeakWorkingSetBytes">Peak working set of the whole benchmark process.</param>
public sealed record BrunelReport(BrunelFigures[] Cases, BrunelScaling[] Scaling, long PeakWorkingSetBytes);

/// <summary>Thread scaling of one network size in the asynchronous irregular state (g = 5, η = 2), 1 s segments.</summary>
/// <param name="ExcitatoryCount">N_E.</param>
/// <param name="InhibitoryCount">N_I.</param>
/// <param name="ExcitatoryInDegree">C_E.</param>
/// <param name="InhibitoryInDegree">C_I.</param>
/// <param name="Synapses">Number of recurrent synapses.</param>
/// <param name="ConnectivitySeconds">Time to draw the connectivity.</param>
/// <param name="ManagedBytesAfterBuild">Managed heap after building one network per thread count (the connectivity is shared).</param>
/// <param name="PeakWorkingSetBytes">Peak working set of the process when this size was done (includes drawing the connectivity and earlier sizes).</param>
/// <param name="Threads">Figures per thread count.</param>
/// <param name="LoadAverageBefore">/proc/loadavg when the size started (the machine is shared: the load shows the noise).</param>
/// <param name="LoadAverageAfter">/proc/loadavg when it ended.</param>
public sealed record BrunelScaling(int ExcitatoryCount, int InhibitoryCount, int ExcitatoryInDegree, int InhibitoryInDegree, long Synapses, double ConnectivitySeconds,
    long ManagedBytesAfterBuild, long PeakWorkingSetBytes, BrunelThreadFigures[] Threads, string LoadAverageBefore, string LoadAverageAfter);

/// <summary>One thread count of a scaling measurement.</summary>
/// <param name="Threads">Threads stepping the network.</param>
/// <param name="WallSecondsPerBioSecond">Median wall time of the 1 s segments.</param>
/// <param name="WallSecondsAllRounds">Wall time of every segment (spread).</param>
/// <param name="SynapticEventsPerSecond">Median recurrent spike deliveries (spikes × out-degree) per wall second.</param>
/// <param name="SpeedupOverOneThread">Median one-thread wall time over this one.</param>
/// <param name="RateHz">Median mean firing rate of the segments.</param>
public sealed record BrunelThreadFigures(int Threads, double WallSecondsPerBioSecond, double[] WallSecondsAllRounds, double SynapticEventsPerSecond,
    double SpeedupOverOneThread, double RateHz);

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
