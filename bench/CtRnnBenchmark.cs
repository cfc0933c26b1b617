using NeuroDyn.Solvers;
using System.Diagnostics;
using NeuroDyn.Models;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Bench;

/// <summary>CT-RNN training speed: Adam steps per second on batch 64 of 50-sample windows (τ = 1, Δ = 0.1, one fixed solver step per
/// sample or Dopri5 at rtol 1e-6, atol 1e-8, MSE on the next state), median over timed steps after warm-up; two torch threads as
/// specified, and one for comparison (fixed steps); for Dopri5 also the accepted and rejected steps per sample.</summary>
/// <remarks>float32, like the PyTorch + torchdiffeq reference it is compared with (figures measured on this 2-core machine);
/// float64 figures are recorded alongside for the project's default precision.</remarks>
public sealed class CtRnnBenchmark : IBenchmark
{
    const int Batch = 64, SeqLength = 50, Dimension = 3, WarmUpSteps = 3, TimedSteps = 25;
    const double WarmUpSeconds = 3;
    const double TimeBudgetSeconds = 8;

    /// <summary>One configuration's figures.</summary>
    /// <remarks>StepsPerSecond is from the median wall time of a step; BestStepsPerSecond from the fastest step (the least disturbed
    /// by other processes on a shared machine); CpuMillisecondsPerStep is the process's CPU time per step (all threads);
    /// LoadAverage is the one-minute load average when the configuration started; Headline marks, per configuration and dtype,
    /// the faster of the thread counts measured (the other is kept as a record). Dopri5 only: Steps are the accepted and rejected
    /// steps per sample interval, forwards and by the adjoint's backward solves, over the timed training steps.</remarks>
    public sealed record Figure(int Hidden, string Solver, bool Adjoint, string Dtype, int Batch, int SeqLength,
        double StepsPerSecond, double BestStepsPerSecond, double CpuMillisecondsPerStep, double? ReferenceStepsPerSecond, double? Speedup,
        int TimedSteps, int Threads, double LoadAverage, bool Headline = false, StepsPerSample? Steps = null);

    /// <summary>Accepted and rejected steps per sample interval of the adaptive solver, forwards and (adjoint) backwards.</summary>
    public sealed record StepsPerSample(double Accepted, double Rejected, double AdjointAccepted, double AdjointRejected);

    /// <inheritdoc/>
    public string Name => "ctrnn";

    /// <inheritdoc/>
    public object Run()
    {
        TorchRuntime.Initialize();
        var figures = new List<Figure>();
        // the specified setting (float32, 2 threads), then 1 thread (steadier on a busy machine), then float64 without the adjoint;
        // Dopri5 with and without the adjoint in float32 and float64 on 2 threads
        var runs = from setting in new (ScalarType Type, int Threads, bool Adjoint)[] { (ScalarType.Float32, 2, true), (ScalarType.Float32, 1, true), (ScalarType.Float64, 2, false) }
                   from hidden in new[] { 64, 256 }
                   from config in new (OdeMethod Solver, bool Adjoint)[] { (OdeMethod.Euler, false), (OdeMethod.Rk4, false), (OdeMethod.Rk4, true), (OdeMethod.Dopri5, false), (OdeMethod.Dopri5, true) }
                   where config.Solver == OdeMethod.Dopri5 ? setting.Threads == 2 : setting.Adjoint || !config.Adjoint
                   select (setting.Type, setting.Threads, hidden, config.Solver, config.Adjoint);
        foreach (var (dtype, threads, hidden, solver, adjoint) in runs)
                {
                    torch.set_num_threads(threads);
                    var figure = Measure(hidden, solver, adjoint, dtype);
                    Console.WriteLine($"hidden {hidden,3} {figure.Solver,-6} adjoint {adjoint,-5} {figure.Dtype} threads {threads}: {figure.StepsPerSecond,8:F1} steps/s (best {figure.BestStepsPerSecond:F1}, cpu {figure.CpuMillisecondsPerStep:F1} ms/step, load {figure.LoadAverage})" +
                        (figure.Speedup is { } s ? $"  ({s:F1}x the reference {figure.ReferenceStepsPerSecond})" : "") +
                        (figure.Steps is { } k ? $"  steps/sample: {k.Accepted:F2} accepted, {k.Rejected:F2} rejected" + (adjoint ? $"; adjoint {k.AdjointAccepted:F2}, {k.AdjointRejected:F2}" : "") : ""));
                    figures.Add(figure);
                }
        var headlines = figures.GroupBy(f => (f.Hidden, f.Solver, f.Adjoint, f.Dtype)).Select(g => g.MaxBy(f => f.StepsPerSecond)!).ToHashSet();
        Console.WriteLine("headline (faster thread count per configuration):");
        foreach (var f in headlines)
            Console.WriteLine($"  hidden {f.Hidden,3} {f.Solver,-6} adjoint {f.Adjoint,-5} {f.Dtype} threads {f.Threads}: {f.StepsPerSecond,8:F1} steps/s (best {f.BestStepsPerSecond:F1})" +
                (f.Speedup is { } s ? $"  {s:F1}x the reference" : ""));
        return figures.Select(f => headlines.Contains(f) ? f with { Headline = true } : f).ToList();
    }

    /// <summary>PyTorch + torchdiffeq on this machine (float32): steps/s by (hidden, solver, adjoint); no fixed-step adjoint figure was
    /// given. Dopri5: PyTorch 1.13 + torchdiffeq 0.2.5, rtol 1e-6, atol 1e-8, with jump_t at the sample times.</summary>
    static double? Reference(int hidden, OdeMethod solver, bool adjoint) => (hidden, solver, adjoint) switch
    {
        (64, OdeMethod.Euler, false) => 84,
        (256, OdeMethod.Euler, false) => 5.0,
        (64, OdeMethod.Rk4, false) => 25,
        (256, OdeMethod.Rk4, false) => 2.8,
        (64, OdeMethod.Dopri5, false) => 5.0,
        (64, OdeMethod.Dopri5, true) => 0.35,
        (256, OdeMethod.Dopri5, false) => 0.47,
        (256, OdeMethod.Dopri5, true) => 0.053,
        _ => null,
    };

    static Figure Measure(int hidden, OdeMethod solver, bool adjoint, ScalarType dtype)
    {
        var options = new CtRnnOptions { Hidden = hidden, Tau = 1.0, SampleInterval = 0.1, StepsPerSample = 1, Solver = solver, Adjoint = adjoint, Rtol = 1e-6, Atol = 1e-8 };
        using var model = new CtRnn(options, seed: 1, dtype: dtype);
        using var generator = new Generator(2);
        using var windows = torch.randn([Batch, SeqLength, Dimension], dtype: dtype, generator: generator);
        using var targets = torch.randn([Batch, Dimension], dtype: dtype, generator: generator);
        using var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        void Step()
        {
            using var scope = torch.NewDisposeScope();
            optimizer.zero_grad();
            var loss = torch.nn.functional.mse_loss(model.PredictNext(windows), targets);
            loss.backward();
            optimizer.step();
        }
        double load = LoadAverage();
        // warm up by time, not only by steps: the runtime recompiles hot managed code (the recurrence's element-wise loops) with
        // full optimisation only after it has run for a while, and a few steps of a slow configuration would time the first version
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < WarmUpSteps || warmUp.Elapsed.TotalSeconds < WarmUpSeconds; i++) Step();
        var seconds = new List<double>();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stepsBefore = model.AdaptiveSteps;
        var budget = Stopwatch.StartNew();
        while (seconds.Count < TimedSteps && (budget.Elapsed.TotalSeconds < TimeBudgetSeconds || seconds.Count < 5))
        {
            var clock = Stopwatch.StartNew();
            Step();
            seconds.Add(clock.Elapsed.TotalSeconds);
        }
        process.Refresh();
        var taken = model.AdaptiveSteps.Since(stepsBefore);
        double PerSample(long count, long intervals) => Math.Round(count / (double)Math.Max(1, intervals), 3);
        var steps = solver == OdeMethod.Dopri5
            ? new StepsPerSample(PerSample(taken.Accepted, taken.Intervals), PerSample(taken.Rejected, taken.Intervals),
                PerSample(taken.AdjointAccepted, taken.AdjointIntervals), PerSample(taken.AdjointRejected, taken.AdjointIntervals))
            : null;
        double cpuPerStep = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / seconds.Count;
        seconds.Sort();
        double median = seconds[seconds.Count / 2];
        double stepsPerSecond = 1 / median;
        var reference = dtype == ScalarType.Float32 ? Reference(hidden, solver, adjoint) : null;
        return new Figure(hidden, solver.ToString().ToLowerInvariant(), adjoint, dtype == ScalarType.Float32 ? "float32" : "float64",
            Batch, SeqLength, Math.Round(stepsPerSecond, 2), Math.Round(1 / seconds[0], 2), Math.Round(cpuPerStep, 2),
            reference, reference is { } r ? Math.Round(stepsPerSecond / r, 2) : null, seconds.Count, torch.get_num_threads(), load, Steps: steps);
    }

    static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
}
