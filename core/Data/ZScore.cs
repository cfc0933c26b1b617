using MathNet.Numerics.LinearAlgebra;

namespace NeuroDyn.Data;

/// <summary>Per-component standardisation z = (x − mean) / std, with statistics taken from one series (the training split).</summary>
public sealed record ZScore(double[] Mean, double[] Std)
{
    /// <summary>
    /// Mean and population standard deviation (divided by n, as numpy's default std) of each column of a time × dim series,
    /// in two passes: mean = Σx/n, std = √(Σ(x − mean)²/n) (MathNet vector sums, in index order).
    /// </summary>
    public static ZScore Fit(double[,] series)
    {
        int n = series.GetLength(0), d = series.GetLength(1);
        if (n < 2) throw new ArgumentException($"need at least 2 samples to estimate a standard deviation, got {n}.", nameof(series));
        var mean = new double[d];
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            var column = Vector<double>.Build.Dense(n, i => series[i, j]);
            mean[j] = column.Sum() / n;
            var centred = column - mean[j];
            std[j] = Math.Sqrt(centred.DotProduct(centred) / n);
            if (!(std[j] > 0))
                throw new ArgumentException($"column {j} of the series is constant (std 0); it cannot be z-scored.", nameof(series));
        }
        return new ZScore(mean, std);
    }

    /// <summary>(x − mean) / std for every row.</summary>
    public double[,] Apply(double[,] series) => Map(series, (x, j) => (x - Mean[j]) / Std[j]);

    /// <summary>x = z·std + mean for every row: back to physical units.</summary>
    public double[,] Invert(double[,] normalised) => Map(normalised, (z, j) => z * Std[j] + Mean[j]);

    double[,] Map(double[,] series, Func<double, int, double> f)
    {
        int n = series.GetLength(0), d = series.GetLength(1);
        if (d != Mean.Length)
            throw new ArgumentException($"series has {d} columns but the statistics have {Mean.Length}.", nameof(series));
        var result = new double[n, d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++) result[i, j] = f(series[i, j], j);
        return result;
    }
}
