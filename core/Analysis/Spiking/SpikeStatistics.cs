using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Analysis.Spiking;

/// <summary>
/// Firing statistics of a <see cref="SpikeRaster"/>: rates, irregularity (CV of inter-spike intervals, Fano factor)
/// and synchrony (Golomb–Hansel χ, population-rate variance, oscillation peak), the measures that tell Brunel's
/// (2000) regimes apart: synchronous regular, synchronous irregular (fast or slow) and asynchronous irregular.
/// Rates are in Hz (spikes per second), times in ms.
/// </summary>
public static class SpikeStatistics
{
    /// <summary>Mean firing rate of the whole population (Hz): total spikes / (N × duration).</summary>
    public static double MeanRate(SpikeRaster raster) =>
        raster.PopulationCounts.Sum(c => (double)c) / raster.PopulationSize / raster.Duration * 1000.0;

    /// <summary>Population rate A(t) (Hz per neuron) of the whole population in consecutive bins of <paramref name="binWidth"/> ms (a whole number of steps).</summary>
    public static RateHistogram PopulationRate(SpikeRaster raster, double binWidth)
    {
        var counts = PopulationCountsPerBin(raster, binWidth);
        double scale = 1000.0 / (raster.PopulationSize * binWidth);
        var rates = counts.Select(c => c * scale).ToArray();
        var starts = Enumerable.Range(0, counts.Length).Select(b => raster.StartTime + b * binWidth).ToArray();
        return new RateHistogram(starts, rates, binWidth);
    }

    /// <summary>Firing rate (Hz) of every recorded neuron, in the order of <see cref="SpikeRaster.RecordedNeurons"/>.</summary>
    public static double[] NeuronRates(SpikeRaster raster)
    {
        var counts = SpikeTrains(raster).Select(t => (double)t.Count).ToArray();
        return counts.Select(c => c / raster.Duration * 1000.0).ToArray();
    }

    /// <summary>
    /// Coefficient of variation of inter-spike intervals, CV = std(ISI)/mean(ISI), of every recorded neuron with at least
    /// <paramref name="minSpikes"/> spikes (NaN for the others), and its mean over those neurons (1 for a Poisson process, 0 for a clock).
    /// </summary>
    public static IsiVariability IsiCv(SpikeRaster raster, int minSpikes = 5)
    {
        if (minSpikes < 3) throw new ArgumentOutOfRangeException(nameof(minSpikes), minSpikes, "minSpikes must be at least 3 (two intervals are needed for a spread).");
        var trains = SpikeTrains(raster);
        var cv = new double[trains.Length];
        double sum = 0;
        int used = 0;
        for (int k = 0; k < trains.Length; k++)
        {
            var t = trains[k];
            if (t.Count < minSpikes) { cv[k] = double.NaN; continue; }
            double mean = (t[^1] - t[0]) / (t.Count - 1), ss = 0;
            for (int s = 1; s < t.Count; s++) { double d = t[s] - t[s - 1] - mean; ss += d * d; }
            cv[k] = Math.Sqrt(ss / (t.Count - 2)) / mean;
            sum += cv[k];
            used++;
        }
        return new IsiVariability(cv, used > 0 ? sum / used : double.NaN, used);
    }

    /// <summary>
    /// Fano factor of spike counts in consecutive windows of <paramref name="window"/> ms: Var(count)/mean(count) per recorded
    /// neuron, averaged over neurons that fired (1 for a Poisson process, below 1 for regular firing).
    /// </summary>
    public static double FanoFactor(SpikeRaster raster, double window)
    {
        var counts = RecordedCountsPerBin(raster, window);
        double sum = 0;
        int used = 0;
        foreach (var c in counts)
        {
            var (mean, variance) = MeanVariance(c);
            if (mean <= 0) continue;
            sum += variance / mean;
            used++;
        }
        return used > 0 ? sum / used : double.NaN;
    }

    /// <summary>
    /// Golomb–Hansel synchrony χ (Golomb and Rinzel 1993, Physica D 72:259; Golomb 2007, Scholarpedia 2:1347) on spike counts
    /// of the recorded neurons in bins of <paramref name="binWidth"/> ms: χ² = Var_t[mean_i c_i(t)] / mean_i Var_t[c_i(t)].
    /// χ ≈ 1 for full synchrony and ≈ 1/√(recorded neurons) for independent neurons.
    /// </summary>
    public static double Synchrony(SpikeRaster raster, double binWidth)
    {
        var counts = RecordedCountsPerBin(raster, binWidth);
        if (counts.Length == 0) return double.NaN;
        int bins = counts[0].Length;
        var populationMean = new double[bins];
        double meanSingleVariance = 0;
        foreach (var c in counts)
        {
            for (int b = 0; b < bins; b++) populationMean[b] += c[b] / (double)counts.Length;
            meanSingleVariance += MeanVariance(c).Variance / counts.Length;
        }
        return meanSingleVariance > 0 ? Math.Sqrt(MeanVariance(populationMean).Variance / meanSingleVariance) : double.NaN;
    }

    /// <summary>
    /// Normalised variance of the population activity: Var/mean of the whole population's spike count in bins of
    /// <paramref name="binWidth"/> ms. It is 1 for independent Poisson neurons and grows with the amplitude of population oscillations.
    /// </summary>
    public static double PopulationFanoFactor(SpikeRaster raster, double binWidth)
    {
        var (mean, variance) = MeanVariance(PopulationCountsPerBin(raster, binWidth).Select(c => (double)c).ToArray());
        return mean > 0 ? variance / mean : double.NaN;
    }

    /// <summary>
    /// The strongest oscillation of the population rate (binned at <paramref name="binWidth"/> ms, mean removed, Hann window):
    /// its frequency (Hz) and the fraction of the spectral power (excluding zero frequency) within ±2 frequency bins of it.
    /// </summary>
    public static OscillationPeak DominantOscillation(SpikeRaster raster, double binWidth)
    {
        var rate = PopulationCountsPerBin(raster, binWidth).Select(c => (double)c).ToArray();
        int m = rate.Length;
        if (m < 8) throw new ArgumentException($"the raster has only {m} bins of {binWidth} ms; run longer or use narrower bins.", nameof(raster));
        double mean = rate.Average();
        var signal = new System.Numerics.Complex[m];
        for (int k = 0; k < m; k++) signal[k] = (rate[k] - mean) * (0.5 - 0.5 * Math.Cos(2 * Math.PI * k / (m - 1)));
        MathNet.Numerics.IntegralTransforms.Fourier.Forward(signal, MathNet.Numerics.IntegralTransforms.FourierOptions.NoScaling);
        int half = m / 2;
        var power = new double[half + 1];
        for (int f = 1; f <= half; f++) power[f] = signal[f].Magnitude * signal[f].Magnitude;
        int peak = 1;
        for (int f = 2; f <= half; f++) if (power[f] > power[peak]) peak = f;
        double total = power.Sum(), near = 0;
        for (int f = Math.Max(1, peak - 2); f <= Math.Min(half, peak + 2); f++) near += power[f];
        return new OscillationPeak(peak * 1000.0 / (m * binWidth), total > 0 ? near / total : 0);
    }

    /// <summary>Raster data ready to plot: spike times (ms) and neuron indices of the recorded spikes, optionally within [from, to) ms.</summary>
    public static RasterPoints Raster(SpikeRaster raster, double from = double.NegativeInfinity, double to = double.PositiveInfinity)
    {
        var keep = Enumerable.Range(0, raster.Count).Where(k => raster.Times[k] >= from && raster.Times[k] < to).ToArray();
        return new RasterPoints(keep.Select(k => raster.Times[k]).ToArray(), keep.Select(k => raster.Neurons[k]).ToArray());
    }

    private static List<double>[] SpikeTrains(SpikeRaster raster)
    {
        var position = RecordedPositions(raster);
        var trains = raster.RecordedNeurons.Select(_ => new List<double>()).ToArray();
        for (int k = 0; k < raster.Count; k++) trains[position[raster.Neurons[k]]].Add(raster.Times[k]);
        return trains;
    }

    private static Dictionary<int, int> RecordedPositions(SpikeRaster raster) =>
        raster.RecordedNeurons.Select((neuron, position) => (neuron, position)).ToDictionary(p => p.neuron, p => p.position);

    private static int BinSteps(SpikeRaster raster, double binWidth)
    {
        double steps = binWidth / raster.Dt;
        int whole = (int)Math.Round(steps);
        if (!double.IsFinite(binWidth) || whole < 1 || Math.Abs(steps - whole) > 1e-6 * steps)
            throw new ArgumentOutOfRangeException(nameof(binWidth), binWidth, $"the bin width must be a positive whole multiple of dt = {raster.Dt} ms.");
        if (whole > raster.PopulationCounts.Length)
            throw new ArgumentOutOfRangeException(nameof(binWidth), binWidth, $"the bin width exceeds the run's duration {raster.Duration} ms.");
        return whole;
    }

    private static int[] PopulationCountsPerBin(SpikeRaster raster, double binWidth)
    {
        int steps = BinSteps(raster, binWidth), bins = raster.PopulationCounts.Length / steps;
        var counts = new int[bins];
        for (int s = 0; s < bins * steps; s++) counts[s / steps] += raster.PopulationCounts[s];
        return counts;
    }

    private static double[][] RecordedCountsPerBin(SpikeRaster raster, double binWidth)
    {
        int steps = BinSteps(raster, binWidth), bins = raster.PopulationCounts.Length / steps;
        var position = RecordedPositions(raster);
        var counts = raster.RecordedNeurons.Select(_ => new double[bins]).ToArray();
        for (int k = 0; k < raster.Count; k++)
        {
            int step = (int)Math.Round((raster.Times[k] - raster.StartTime) / raster.Dt) - 1;
            if (step / steps < bins) counts[position[raster.Neurons[k]]][step / steps]++;
        }
        return counts;
    }

    private static (double Mean, double Variance) MeanVariance(double[] x)
    {
        double mean = x.Average(), ss = 0;
        foreach (double v in x) ss += (v - mean) * (v - mean);
        return (mean, x.Length > 1 ? ss / (x.Length - 1) : 0);
    }
}
