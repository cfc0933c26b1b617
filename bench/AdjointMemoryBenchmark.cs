using NeuroDyn.Solvers;
using System.Runtime.InteropServices;
using NeuroDyn.Models;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Bench;

/// <summary>Peak memory of one gradient, backpropagation through the solver against the adjoint method (Chen et al. 2018), as the
/// number of RK4 steps over the same interval grows tenfold: for TorchOde on a plain field, and for the CT-RNN's fused recurrence.</summary>
/// <remarks>
/// Measured as the growth of the process's peak resident set (VmHWM in /proc/self/status) over the resident set just before,
/// after resetting the peak (writing 5 to /proc/self/clear_refs) and returning freed heap to the system (glibc malloc_trim).
/// libtorch allocates tensor storage with malloc; blocks of 64 KiB and more are served by mmap (fixed threshold set with
/// mallopt, so freed tensors leave the resident set at once instead of fragmenting the heap), so this counts the tensors alive
/// at the peak: for backpropagation the autograd graph or the recorded stages. The state is [64, 256] float64 (128 KiB). Linux
/// (glibc) only.
/// </remarks>
public sealed class AdjointMemoryBenchmark : IBenchmark
{
    /// <summary>One measurement: the path (torchode or ctrnn), the gradient method, the RK4 steps over the interval, the peak growth.</summary>
    public sealed record Figure(string Path, string Gradient, int Steps, double PeakMegabytes, double StateMegabytes);

    /// <summary>All measurements and, per path and gradient method, the growth factor of the peak when the steps grow tenfold.</summary>
    public sealed record Figures(IReadOnlyList<Figure> Measurements, IReadOnlyDictionary<string, double> Growth, string Method);

    /// <inheritdoc/>
    public string Name => "adjoint-memory";

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallocOption(int parameter, int value);

    const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    /// <inheritdoc/>
    public object Run()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("the adjoint memory benchmark reads /proc and needs Linux.");
        TorchRuntime.Initialize();
        torch.set_num_threads(2);
        MallocOption(MmapThreshold, 64 * 1024);
        var figures = new List<Figure>();
        // adjoint first: its small peaks are measured before the heap has ever grown large
        foreach (string path in new[] { "torchode", "ctrnn" })
            foreach (bool adjoint in new[] { true, false })
                foreach (int steps in new[] { 10, 100 })
                {
                    Measure(path, adjoint, steps); // warm-up: first-call allocations are not the method's
                    var figure = Measure(path, adjoint, steps);
                    Console.WriteLine($"{path,-8} {figure.Gradient,-8} {steps,4} steps: peak +{figure.PeakMegabytes,7:F1} MB (state {figure.StateMegabytes:F3} MB)");
                    figures.Add(figure);
                }
        var growth = figures.GroupBy(f => $"{f.Path} {f.Gradient}")
            .ToDictionary(g => g.Key, g => Math.Round(g.Single(f => f.Steps == 100).PeakMegabytes / g.Single(f => f.Steps == 10).PeakMegabytes, 2));
        return new Figures(figures, growth,
            "peak RSS growth (VmHWM after clear_refs 5 and malloc_trim; mmap threshold 64 KiB) during forward + backward, rk4, state [64, 256] float64; " +
            "torchode: f = tanh(y Wᵀ + b) − y over [0, 1]; ctrnn: hidden 256, a window of 5 samples, the steps per sample as given");
    }

    static Figure Measure(string path, bool adjoint, int steps)
    {
        using var generator = new Generator(3);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = StatusKilobytes("VmRSS");
        using (var scope = torch.NewDisposeScope())
        {
            if (path == "torchode") TorchOdeGradient(adjoint, steps, generator);
            else CtRnnGradient(adjoint, steps, generator);
        }
        long peak = StatusKilobytes("VmHWM");
        return new Figure(path, adjoint ? "adjoint" : "backprop", steps, Math.Round((peak - before) / 1024.0, 2), 64 * 256 * 8 / 1048576.0);
    }

    /// <summary>Odeint or OdeintAdjoint of f = tanh(y Wᵀ + b) − y over [0, 1] in <paramref name="steps"/> RK4 steps, then backward.</summary>
    static void TorchOdeGradient(bool adjoint, int steps, Generator generator)
    {
        var w = (torch.randn([256, 256], dtype: ScalarType.Float64, generator: generator) / 16).requires_grad_(true);
        var b = torch.randn([256], dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var y0 = torch.randn([64, 256], dtype: ScalarType.Float64, generator: generator);
        Tensor F(Tensor t, Tensor y) => torch.tanh(torch.nn.functional.linear(y, w, b)).sub(y);
        var options = new TorchOdeOptions { Method = OdeMethod.Rk4, Step = 1.0 / steps, MaxSteps = 10 * steps };
        var solution = adjoint ? TorchOde.OdeintAdjoint(F, y0, [0.0, 1.0], [w, b], options) : TorchOde.Odeint(F, y0, [0.0, 1.0], options);
        solution[1].square().sum().backward();
    }

    /// <summary>A CT-RNN's gradient on a batch of 64 five-sample windows, with <paramref name="steps"/> RK4 steps per sample.</summary>
    static void CtRnnGradient(bool adjoint, int steps, Generator generator)
    {
        using var model = new CtRnn(new CtRnnOptions { Hidden = 256, StepsPerSample = steps, Solver = OdeMethod.Rk4, Adjoint = adjoint }, seed: 1);
        var windows = torch.randn([64, 5, 3], dtype: ScalarType.Float64, generator: generator);
        model.PredictNext(windows).square().sum().backward();
    }

    static long StatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":"))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{key} not found in /proc/self/status.");
    }
}
