using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>The stage arithmetic of a <see cref="ButcherTableau"/> on double vectors: stage arguments and weighted sums of stages.</summary>
internal static class RungeKuttaStages
{
    /// <summary>
    /// Evaluates stages first..last-1 into rows of <paramref name="k"/> (row i at [i·n, (i+1)·n)), given the earlier rows;
    /// <paramref name="work"/> (length n) receives the stage arguments. Returns the number of evaluations.
    /// </summary>
    public static int Evaluate(ButcherTableau tableau, IVectorField field, ReadOnlySpan<double> y, double h, Span<double> k, Span<double> work, int first, int last)
    {
        int n = y.Length;
        for (int s = first; s < last; s++)
        {
            Combine(y, h, tableau.A[s], k, work);
            field.Evaluate(work, k.Slice(s * n, n));
        }
        return last - first;
    }

    /// <summary>Writes y + h·Σⱼ wⱼ kⱼ into <paramref name="result"/> (kⱼ is row j of <paramref name="k"/>).</summary>
    public static void Combine(ReadOnlySpan<double> y, double h, ReadOnlySpan<double> weights, ReadOnlySpan<double> k, Span<double> result)
    {
        int n = y.Length;
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = 0; j < weights.Length; j++) sum += weights[j] * k[j * n + i];
            result[i] = y[i] + h * sum;
        }
    }
}
