using MathNet.Numerics.LinearAlgebra.Double;

namespace NeuroDyn.Analysis;

/// <summary>Principal components of a set of states and the states projected onto them.</summary>
/// <param name="Mean">Column means subtracted before the decomposition.</param>
/// <param name="Components">Row c is the c-th principal axis (unit length, sign fixed so its largest-magnitude entry is positive).</param>
/// <param name="ExplainedVariance">Variance along each axis, s_c²/(T−1).</param>
/// <param name="ExplainedVarianceRatio">Share of the total variance along each axis, s_c²/Σ s².</param>
/// <param name="Projection">The states in principal coordinates, (x − mean)·Vₖ, one row per state.</param>
public sealed record PcaResult(double[] Mean, double[,] Components, double[] ExplainedVariance, double[] ExplainedVarianceRatio, double[,] Projection)
{
    /// <summary>Projects other states (one per row) onto these components: (x − Mean)·Componentsᵀ.</summary>
    public double[,] Project(double[,] states)
    {
        StateMatrix.Check(states, nameof(states), columns: Mean.Length);
        int rows = states.GetLength(0), n = Mean.Length, k = Components.GetLength(0);
        var result = new double[rows, k];
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < k; c++)
            {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += (states[i, j] - Mean[j]) * Components[c, j];
                result[i, c] = acc;
            }
        return result;
    }
}

/// <summary>Principal component analysis (Pearson 1901; Hotelling 1933) by the singular value decomposition of the centred states.</summary>
public static class Pca
{
    /// <summary>The leading <paramref name="components"/> principal components (all min(T, n) by default) of the states, one per row.</summary>
    public static PcaResult Fit(double[,] states, int? components = null)
    {
        StateMatrix.Check(states, nameof(states), minRows: 2);
        int rows = states.GetLength(0), n = states.GetLength(1);
        int available = Math.Min(rows, n);
        int k = components ?? available;
        if (k < 1 || k > available)
            throw new ArgumentOutOfRangeException(nameof(components), k, $"components must be between 1 and min(states, dimension) = {available}.");

        var (mean, _) = StateMatrix.ColumnMoments(states);
        var centred = DenseMatrix.Create(rows, n, (i, j) => states[i, j] - mean[j]);
        var svd = centred.Svd(computeVectors: true);
        var singular = svd.S.ToArray();
        double total = singular.Sum(s => s * s);
        if (!(total > 0)) throw new ArgumentException("All states are identical, so there is no variance to decompose.", nameof(states));

        var axes = new double[k, n];
        for (int c = 0; c < k; c++)
        {
            var v = svd.VT.Row(c);
            double sign = v[v.AbsoluteMaximumIndex()] < 0 ? -1 : 1;
            for (int j = 0; j < n; j++) axes[c, j] = sign * v[j];
        }
        var variance = singular.Take(k).Select(s => s * s / (rows - 1)).ToArray();
        var ratio = singular.Take(k).Select(s => s * s / total).ToArray();
        var partial = new PcaResult(mean, axes, variance, ratio, new double[0, k]);
        return partial with { Projection = partial.Project(states) };
    }
}
