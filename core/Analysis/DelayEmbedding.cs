using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Time-delay embedding of a scalar series (Takens 1981; Packard, Crutchfield, Farmer &amp; Shaw 1980).</summary>
public static class DelayEmbedding
{
    /// <summary>
    /// The delay vectors v_t = (x_t, x_{t+τ}, …, x_{t+(m−1)τ}) for t = 0 … N − 1 − (m−1)τ, one per row, with m =
    /// <paramref name="dimension"/> and τ = <paramref name="delay"/> samples.
    /// </summary>
    public static double[,] Embed(double[] series, int dimension, int delay)
    {
        ArgumentNullException.ThrowIfNull(series);
        Guard.Finite(series, nameof(series));
        if (dimension < 1) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1.");
        if (delay < 1) throw new ArgumentOutOfRangeException(nameof(delay), delay, "delay must be at least 1 sample.");
        int rows = series.Length - (dimension - 1) * delay;
        if (rows < 1)
            throw new ArgumentException($"A series of {series.Length} samples is too short to embed in {dimension} dimensions with delay {delay}; it needs more than {(dimension - 1) * delay}.", nameof(series));
        var result = new double[rows, dimension];
        for (int t = 0; t < rows; t++)
            for (int d = 0; d < dimension; d++) result[t, d] = series[t + d * delay];
        return result;
    }
}
