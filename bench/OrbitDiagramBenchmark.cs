using NeuroDyn.Analysis;
using NeuroDyn.Systems;

namespace NeuroDyn.Bench;

/// <summary>
/// Orbit diagram of Lorenz-63 over 500 values of ρ in [25, 325]: transient 50 time units, then 200 maxima of z each (DOP853 at
/// rtol 1e-9, each maximum refined to 1e-10), on every processor. The same computation in scipy is
/// bench/reference/orbit_diagram_scipy.py; it is compared on 50 values of ρ over the same range (scipy needs minutes for 500).
/// </summary>
public sealed class OrbitDiagramBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "orbit-diagram";

    /// <summary>
    /// Figures: the size of the diagram, the threads, median wall and CPU times and the fastest run for 500 values, the median
    /// wall time for 50 values, and the scipy script's median wall time for the same 50 values.
    /// </summary>
    public sealed record Figures(int Values, int MaximaPerValue, double Transient, int Threads, int IncompleteColumns, double Seconds, double CpuSeconds,
        double FastestSeconds, int Repeats, double Seconds50Values, double ScipySeconds50Values, int ScipyWorkers, double SpeedupOverScipy);

    /// <inheritdoc/>
    public object Run()
    {
        double[] Rhos(int count) => [.. Enumerable.Range(0, count).Select(k => 25 + 300.0 * k / (count - 1))];
        double[] start = [1, 1, 1];
        var options = new OrbitDiagramOptions();
        OrbitDiagramResult Diagram(double[] rhos) => OrbitDiagram.OfMaxima(new Lorenz63(), "rho", rhos, start, 2, options);
        Diagram(Rhos(50));   // warm-up
        const int repeats = 3;
        OrbitDiagramResult? result = null;
        var (seconds, cpu, fastest) = Timing.Measure(repeats, () => result = Diagram(Rhos(500)));
        int incomplete = result!.Columns.Count(c => !c.Complete);
        Console.WriteLine($"Orbit diagram, 500 values of ρ × 200 maxima on {result.Threads} threads: {seconds:F2} s wall, {cpu:F2} s CPU (medians of {repeats}), fastest {fastest:F2} s; {incomplete} incomplete columns");
        var (seconds50, _, _) = Timing.Measure(repeats, () => Diagram(Rhos(50)));
        Console.WriteLine($"50 values: {seconds50:F2} s wall (median of {repeats}); scipy: {ScipySeconds50Values:F1} s on {ScipyWorkers} workers");
        return new Figures(500, options.Section.MaxEvents, options.Section.Transient, result.Threads, incomplete, seconds, cpu, fastest, repeats,
            seconds50, ScipySeconds50Values, ScipyWorkers, ScipySeconds50Values / seconds50);
    }

    /// <summary>
    /// Median wall time (3 repeats) of `orbit_diagram_scipy.py --values 50` on this machine (scipy 1.10.1, solve_ivp DOP853 with event
    /// location, 2 worker processes), measured while the machine was loaded by other work (load average ≈ 16 on 2 cores; runs of 198, 255 and 156 s).
    /// </summary>
    private const double ScipySeconds50Values = 198.2;

    /// <summary>Worker processes of the scipy measurement.</summary>
    private const int ScipyWorkers = 2;
}
