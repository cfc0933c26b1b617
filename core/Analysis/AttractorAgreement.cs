namespace NeuroDyn.Analysis;

/// <summary>
/// How well a generated trajectory reproduces the long-term behaviour of the true one, as in Hess, Monfared,
/// Brenner &amp; Durstewitz 2023, "Generalized Teacher Forcing for Learning Chaotic Dynamics" (ICML):
/// geometry by the state-space divergence D_stsp and time structure by the power-spectrum distance D_H.
/// </summary>
public static class AttractorAgreement
{
    /// <summary>Laplace smoothing α added to every histogram bin before normalising.</summary>
    public const double LaplaceAlpha = 1e-5;

    /// <summary>
    /// D_stsp = KL(p_true ‖ p_gen) = Σ_b p_b log(p_b / q_b) between occupancy histograms with <paramref name="bins"/> bins per
    /// dimension over the true data's range widened by 0.1 standard deviation on each side, [min − 0.1σ, max + 0.1σ]
    /// per coordinate. Each histogram is normalised as p_b = (c_b + α)/(N_in + α·B), with c_b the count in bin b, N_in
    /// the number of states inside the range (generated states outside it are left out), B = binsⁿ and α = 1e-5.
    /// </summary>
    /// <remarks>Histograms have binsⁿ cells, so this is for low dimension (n ≤ 5); project higher-dimensional states first (e.g. with <see cref="Pca"/>).</remarks>
    public static double StateSpaceDivergence(double[,] trueStates, double[,] generated, int bins = 30)
    {
        StateMatrix.Check(trueStates, nameof(trueStates), minRows: 2);
        int n = trueStates.GetLength(1);
        StateMatrix.Check(generated, nameof(generated), columns: n);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "bins must be at least 1.");
        double cells = Math.Pow(bins, n);
        if (cells > 1e8)
            throw new ArgumentException($"A histogram with {bins}^{n} = {cells:G3} cells is too large; project the states to at most a few dimensions first (e.g. with Pca) or use fewer bins.", nameof(bins));

        var (lower, width) = WidenedRange(trueStates);
        var (trueCounts, trueInside) = Histogram(trueStates, lower, width, bins, (int)cells);
        var (generatedCounts, generatedInside) = Histogram(generated, lower, width, bins, (int)cells);
        if (generatedInside == 0)
            throw new ArgumentException($"None of the {generated.GetLength(0)} generated states lies inside the range of the true data, so D_stsp is undefined; the generated trajectory has left the attractor.", nameof(generated));

        double pNorm = trueInside + LaplaceAlpha * cells, qNorm = generatedInside + LaplaceAlpha * cells;
        double kl = 0;
        for (int b = 0; b < trueCounts.Length; b++)
        {
            double p = (trueCounts[b] + LaplaceAlpha) / pNorm;
            double q = (generatedCounts[b] + LaplaceAlpha) / qNorm;
            kl += p * Math.Log(p / q);
        }
        return kl;
    }

    /// <summary>
    /// D_H = mean over dimensions of the Hellinger distance H(p, q) = (1/√2)·‖√p − √q‖₂ between power spectra of the
    /// z-scored series (|FFT|², k = 0 … ⌊T/2⌋), each smoothed by a Gaussian kernel of <paramref name="smoothingSigma"/>
    /// frequency bins (truncated at 4σ, reflecting at the ends) and normalised to sum 1. Both trajectories need the same length.
    /// </summary>
    public static double PowerSpectrumDistance(double[,] trueStates, double[,] generated, double smoothingSigma = 20)
    {
        StateMatrix.Check(trueStates, nameof(trueStates), minRows: 4);
        StateMatrix.Check(generated, nameof(generated), columns: trueStates.GetLength(1));
        if (generated.GetLength(0) != trueStates.GetLength(0))
            throw new ArgumentException($"generated has {generated.GetLength(0)} time steps but trueStates has {trueStates.GetLength(0)}; the spectra are compared bin by bin, so give trajectories of the same length and time step.", nameof(generated));
        if (!(smoothingSigma >= 0) || !double.IsFinite(smoothingSigma))
            throw new ArgumentOutOfRangeException(nameof(smoothingSigma), smoothingSigma, "smoothingSigma must be a finite number ≥ 0 (0 for no smoothing).");

        int n = trueStates.GetLength(1);
        double sum = 0;
        for (int d = 0; d < n; d++)
        {
            var p = SmoothedSpectrum(StateMatrix.Column(trueStates, d), smoothingSigma, $"trueStates column {d}");
            var q = SmoothedSpectrum(StateMatrix.Column(generated, d), smoothingSigma, $"generated column {d}");
            double squared = 0;
            for (int k = 0; k < p.Length; k++)
            {
                double diff = Math.Sqrt(p[k]) - Math.Sqrt(q[k]);
                squared += diff * diff;
            }
            sum += Math.Sqrt(squared / 2);
        }
        return sum / n;
    }

    /// <summary>Lower edge and width of the histogram range per coordinate: [min − 0.1σ, max + 0.1σ].</summary>
    private static (double[] Lower, double[] Width) WidenedRange(double[,] states)
    {
        int rows = states.GetLength(0), n = states.GetLength(1);
        var (_, std) = StateMatrix.ColumnMoments(states);
        var lower = new double[n];
        var width = new double[n];
        for (int d = 0; d < n; d++)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            for (int i = 0; i < rows; i++) { min = Math.Min(min, states[i, d]); max = Math.Max(max, states[i, d]); }
            if (!(std[d] > 0))
                throw new ArgumentException($"Coordinate {d} of the true states is constant, so its histogram range is empty; drop that coordinate.", nameof(states));
            lower[d] = min - 0.1 * std[d];
            width[d] = max - min + 0.2 * std[d];
        }
        return (lower, width);
    }

    /// <summary>Bin counts (row-major over the coordinates) and the number of states inside the range.</summary>
    private static (int[] Counts, int Inside) Histogram(double[,] states, double[] lower, double[] width, int bins, int cells)
    {
        var counts = new int[cells];
        int inside = 0;
        for (int i = 0; i < states.GetLength(0); i++)
        {
            int index = 0;
            bool inRange = true;
            for (int d = 0; d < lower.Length && inRange; d++)
            {
                double position = Math.Floor(bins * (states[i, d] - lower[d]) / width[d]);
                inRange = position >= 0 && position < bins;
                index = index * bins + (int)position;
            }
            if (!inRange) continue;
            counts[index]++;
            inside++;
        }
        return (counts, inside);
    }

    /// <summary>Power spectrum of the z-scored series, Gaussian-smoothed and normalised to sum 1.</summary>
    private static double[] SmoothedSpectrum(double[] series, double sigma, string name)
    {
        double mean = series.Average();
        double std = Math.Sqrt(series.Sum(v => (v - mean) * (v - mean)) / (series.Length - 1));
        if (!(std > 0)) throw new ArgumentException($"{name} is constant, so it cannot be z-scored and has no power spectrum.");
        var spectrum = PowerSpectrum.SquaredMagnitudes(series.Select(v => (v - mean) / std).ToArray());
        var smoothed = sigma > 0 ? GaussianSmooth(spectrum, sigma) : spectrum;
        double total = smoothed.Sum();
        return smoothed.Select(v => v / total).ToArray();
    }

    /// <summary>Convolution with a normalised Gaussian of standard deviation σ, radius ⌊4σ + ½⌋, mirror-reflecting at the ends (d c b a | a b c d | d c b a).</summary>
    private static double[] GaussianSmooth(double[] values, double sigma)
    {
        int radius = (int)(4 * sigma + 0.5), length = values.Length;
        var kernel = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) kernel[i + radius] = Math.Exp(-0.5 * i * i / (sigma * sigma));
        double kernelSum = kernel.Sum();
        var result = new double[length];
        for (int t = 0; t < length; t++)
        {
            double acc = 0;
            for (int i = -radius; i <= radius; i++) acc += kernel[i + radius] * values[Reflect(t + i, length)];
            result[t] = acc / kernelSum;
        }
        return result;
    }

    /// <summary>Index into [0, length) after mirror reflection about the half-sample edges, periodic with period 2·length.</summary>
    private static int Reflect(int index, int length)
    {
        int period = 2 * length;
        int r = ((index % period) + period) % period;
        return r < length ? r : period - 1 - r;
    }
}
