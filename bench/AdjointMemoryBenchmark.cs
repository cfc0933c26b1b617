using NeuroDyn.Solvers;
using System.Runtime.InteropServices;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Bench;

/// <summary>Peak memory of one gradient through TorchOde: backpropagation through the solver against the adjoint method
/// (Chen et al. 2018), as the number of RK4 steps over the same interval grows tenfold.</summary>
/// <remarks>
/// Measured as the growth of the process's peak resident set (VmHWM in /proc/self/status) over the resident set just before,
/// after resetting the peak (writing 5 to /proc/self/clear_refs) and returning freed heap to the system (glibc malloc_trim).
/// libtorch allocates tensor storage with malloc; blocks of 64 KiB and more are served by mmap (fixed threshold set with
/// mallopt, so freed tensors leave the resident set at once instead of fragmenting the heap), so this counts the tensors alive
/// at the peak: for backpropagation the autograd graph. The state is [64, 256] float64 (128 KiB). Linux (glibc) only.
/// </remarks>
public sealed class AdjointMemoryBenchmark : IBenchmark
{
    /// <summary>One measurement.</summary>
    public sealed record Figure(string Gradient, int Steps, double PeakMegabytes, double StateMegabytes);

    /// <summary>All measurements and the growth factor of each method's peak when the steps grow tenfold.</summary>
    public sealed record Figures(IReadOnlyList<Figure> Measurements, double BackpropGrowth, double AdjointGrowth, string Method);

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
        foreach (bool adjoint in new[] { true, false })
            foreach (int steps in new[] { 10, 100 })
            {
                Measure(adjoint, steps); // warm-up: first-call allocations are not the method's
                var figure = Measure(adjoint, steps);
                Console.WriteLine($"{figure.Gradient,-8} {steps,4} steps: peak +{figure.PeakMegabytes,7:F1} MB (state {figure.StateMegabytes:F3} MB)");
                figures.Add(figure);
            }
        double Growth(string gradient) =>
            figures.Single(f => f.Gradient == gradient && f.Steps == 100).PeakMegabytes / figures.Single(f => f.Gradient == gradient && f.Steps == 10).PeakMegabytes;
        return new Figures(figures, Math.Round(Growth("backprop"), 2), Math.Round(Growth("adjoint"), 2),
            "peak RSS growth (VmHWM after clear_refs 5 and malloc_trim; mmap threshold 64 KiB) during forward + backward; rk4 over [0, 1], f = tanh(y Wᵀ + b) − y, y [64, 256] float64");
    }

    static Figure Measure(bool adjoint, int steps)
    {
        using var generator = new Generator(3);
        var w = (torch.randn([256, 256], dtype: ScalarType.Float64, generator: generator) / 16).requires_grad_(true);
        var b = torch.randn([256], dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var y0 = torch.randn([64, 256], dtype: ScalarType.Float64, generator: generator);
        Tensor F(Tensor t, Tensor y) => torch.tanh(torch.nn.functional.linear(y, w, b)).sub(y);
        var options = new TorchOdeOptions { Method = OdeMethod.Rk4, Step = 1.0 / steps, MaxSteps = 10 * steps };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        MallocTrim(0);
        File.WriteAllText("/proc/self/clear_refs", "5");
        long before = StatusKilobytes("VmRSS");
        using (var scope = torch.NewDisposeScope())
        {
            var solution = adjoint ? TorchOde.OdeintAdjoint(F, y0, [0.0, 1.0], [w, b], options) : TorchOde.Odeint(F, y0, [0.0, 1.0], options);
            solution[1].square().sum().backward();
        }
        long peak = StatusKilobytes("VmHWM");
        return new Figure(adjoint ? "adjoint" : "backprop", steps, Math.Round((peak - before) / 1024.0, 2), 64 * 256 * 8 / 1048576.0);
    }

    static long StatusKilobytes(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(key + ":"))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0]);
        throw new InvalidOperationException($"{key} not found in /proc/self/status.");
    }
}
