using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// An explicit Runge–Kutta method: kᵢ = f(y + h·Σⱼ₍ⱼ₌₀..ᵢ₋₁₎ aᵢⱼ kⱼ), y₊ = y + h·Σᵢ bᵢ kᵢ, with nodes cᵢ = Σⱼ aᵢⱼ.
/// </summary>
internal sealed class ButcherTableau
{
    /// <summary>Nodes cᵢ (the time fractions of the stages; fields are autonomous, so they serve to check A).</summary>
    public double[] C { get; }
    /// <summary>Rows aᵢ (length i) of the strictly lower-triangular coupling matrix; row 0 is empty.</summary>
    public double[][] A { get; }
    /// <summary>Weights bᵢ of the stages in the step.</summary>
    public double[] B { get; }
    /// <summary>Number of stages s.</summary>
    public int Stages => B.Length;

    /// <summary>A tableau, checked for consistency (Σⱼ aᵢⱼ = cᵢ and Σ bᵢ = 1) to catch mistyped coefficients.</summary>
    public ButcherTableau(double[] c, double[][] a, double[] b)
    {
        if (a.Length < b.Length || c.Length != a.Length)
            throw new ArgumentException("A Butcher tableau needs one row of A and one node per stage.");
        for (int i = 0; i < a.Length; i++)
            CheckSum(a[i], c[i], $"row {i} of A");
        CheckSum(b, 1.0, "the weights b");
        (C, A, B) = (c, a, b);
    }

    private static void CheckSum(double[] coefficients, double expected, string what)
    {
        double sum = 0, magnitude = 0;
        foreach (var x in coefficients) { sum += x; magnitude += Math.Abs(x); }
        if (Math.Abs(sum - expected) > 1e-14 * Math.Max(1, magnitude))
            throw new InvalidOperationException($"Inconsistent Butcher tableau: {what} sums to {sum:R}, expected {expected:R}.");
    }

    /// <summary>
    /// Evaluates stages first..last-1 into rows of <paramref name="k"/> (row i at [i·n, (i+1)·n)), given the earlier rows;
    /// <paramref name="work"/> (length n) receives the stage arguments. Returns the number of evaluations.
    /// </summary>
    public int EvaluateStages(IVectorField field, ReadOnlySpan<double> y, double h, Span<double> k, Span<double> work, int first, int last)
    {
        int n = y.Length;
        for (int s = first; s < last; s++)
        {
            Combine(y, h, A[s], k, work);
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
