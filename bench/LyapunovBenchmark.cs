using System.Diagnostics;
using NeuroDyn.Analysis;
using NeuroDyn.Models;
using NeuroDyn.Systems;

namespace NeuroDyn.Bench;

/// <summary>
/// Lorenz-63 Lyapunov spectrum by RK4 + QR every step (10⁴ transient + 10⁵ steps at dt 0.01), the full spectrum of a 64-unit
/// CT-RNN field (dense Jacobian), and a fixed-point search from 256 starts.
/// </summary>
public sealed class LyapunovBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "lyapunov";

    /// <summary>Figures of one run: the spectrum, its median wall time, the 64-unit network's spectrum, and the fixed-point search.</summary>
    public sealed record Figures(
        int Steps, int Transient, double Dt, double Seconds, double CpuSeconds, double FastestSeconds, double[] Exponents, double ExponentSum, int Repeats,
        int NetworkUnits, int NetworkSteps, double NetworkSeconds, double NetworkCpuSeconds, double NetworkFastestSeconds, double NetworkLargestExponent,
        int FixedPointStarts, double FixedPointSeconds, double FixedPointCpuSeconds, int FixedPointsFound, double NumpyReferenceSeconds, double SpeedupOverNumpy);

    /// <inheritdoc/>
    public object Run()
    {
        var lorenz = new Lorenz63();
        var options = new LyapunovOptions { Dt = 0.01, Steps = 100_000, TransientSteps = 10_000, RenormEvery = 1 };
        double[] x0 = [1.0, 1.0, 1.0];
        const int repeats = 15;

        // warm-up for a second, not a few calls: the runtime starts counting calls for its optimising recompilation only after
        // 100 ms without new compilations, so three 15 ms calls left part of the timed runs in unoptimised code
        var warmUp = System.Diagnostics.Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 1.0) LyapunovSpectrum.Compute(lorenz, x0, options);
        LyapunovSpectrumResult? result = null;
        var (seconds, cpuSeconds, fastestSeconds) = Timing.Measure(repeats, () => result = LyapunovSpectrum.Compute(lorenz, x0, options));
        Console.WriteLine($"Lyapunov spectrum: {string.Join(", ", result!.Exponents.Select(v => v.ToString("F4")))} in {seconds * 1e3:F2} ms wall, {cpuSeconds * 1e3:F2} ms CPU (medians of {repeats}), fastest {fastestSeconds * 1e3:F2} ms");

        var (network, h0) = RandomNetwork(units: 64, gain: 1.8, seed: 1);
        var networkOptions = new LyapunovOptions { Dt = 0.05, Steps = 400, TransientSteps = 200 };
        const int networkRepeats = 5;
        LyapunovSpectrum.Compute(network, h0, networkOptions);   // warm-up
        LyapunovSpectrumResult? networkResult = null;
        var (netSeconds, netCpuSeconds, netFastest) = Timing.Measure(networkRepeats, () => networkResult = LyapunovSpectrum.Compute(network, h0, networkOptions));
        Console.WriteLine($"64-unit CT-RNN, all 64 exponents over {networkOptions.Steps} steps (λ1 = {networkResult!.Exponents[0]:F4}): {netSeconds * 1e3:F1} ms wall, {netCpuSeconds * 1e3:F1} ms CPU (medians of {networkRepeats}), fastest {netFastest * 1e3:F1} ms");

        var starts = Trajectories.SampleRk4(lorenz, x0, 0.01, 5000, transientSteps: 1000);   // 50 time units: both wings and near the origin
        var search = new FixedPointOptions { StartCount = 256 };
        FixedPoints.Find(lorenz, starts, search);   // warm-up
        FixedPointResult? found = null;
        var (fpSeconds, fpCpuSeconds, _) = Timing.Measure(repeats, () => found = FixedPoints.Find(lorenz, starts, search));
        Console.WriteLine($"Fixed points from {search.StartCount} starts: {found!.FixedPoints.Count} found in {fpSeconds * 1e3:F2} ms wall, {fpCpuSeconds * 1e3:F2} ms CPU (medians of {repeats})");

        const double numpySeconds = 0.73;   // the same computation in numpy on this machine
        return new Figures(options.Steps, options.TransientSteps, options.Dt, seconds, cpuSeconds, fastestSeconds, result.Exponents, result.Sum, repeats,
            network.Dimension, networkOptions.Steps, netSeconds, netCpuSeconds, netFastest, networkResult.Exponents[0],
            search.StartCount, fpSeconds, fpCpuSeconds, found.FixedPoints.Count, numpySeconds, numpySeconds / seconds);
    }

    /// <summary>
    /// A closed-loop CT-RNN field dh/dt = −h + tanh(W h + b) with W_ij ~ N(0, gain²/n) (chaotic for gain well above 1;
    /// Sompolinsky, Crisanti &amp; Sommers 1988, Phys. Rev. Lett. 61:259) and no readout feedback, and a random start: the size of a trained network's field.
    /// </summary>
    private static (CtRnnVectorField Field, double[] Start) RandomNetwork(int units, double gain, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var weights = Enumerable.Range(0, units * units).Select(_ => gain * Normal() / Math.Sqrt(units)).ToArray();
        var bias = Enumerable.Range(0, units).Select(_ => 0.1 * Normal()).ToArray();
        var field = new CtRnnVectorField(weights, inputWeight: new double[units], bias, outputWeight: new double[units], outputBias: [0.0], tau: 1.0);
        return (field, Enumerable.Range(0, units).Select(_ => 0.5 * Normal()).ToArray());
    }
}
