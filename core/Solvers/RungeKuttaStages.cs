using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuroDyn.Solvers;

/// <summary>
/// The stage arithmetic of a <see cref="ButcherTableau"/> on double vectors: stage arguments, weighted sums of stages and
/// the classical RK4 update; shared by every double Runge–Kutta path (fixed-step, embedded pairs, the analyses).
/// </summary>
internal static class RungeKuttaStages
{
    /// <summary>
    /// Evaluates stages first..last-1 into rows of <paramref name="k"/> (row i at [i·n, (i+1)·n)), given the earlier rows;
    /// <paramref name="work"/> (length n) receives the stage arguments. Returns the number of evaluations.
    /// </summary>
    public static int Evaluate<TDerivative>(ref TDerivative derivative, ButcherTableau tableau, ReadOnlySpan<double> y, double h,
        Span<double> k, Span<double> work, int first, int last)
        where TDerivative : struct, IFlatDerivative
    {
        int n = y.Length;
        for (int s = first; s < last; s++)
        {
            Combine(y, h, tableau.A[s], k, work);
            derivative.Evaluate(work, k.Slice(s * n, n));
        }
        return last - first;
    }

    /// <summary>Writes y + h·Σⱼ wⱼ kⱼ into <paramref name="result"/> (kⱼ is row j of <paramref name="k"/>, summed over j in ascending order).</summary>
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

    /// <summary>
    /// The classical RK4 update y₊ = y + h/6·(k₁ + (2(k₂ + k₃) + k₄)) (weights (1, 2, 2, 1)/6, summed in this order: three
    /// multiplications fewer per component than the general weighted sum), in SIMD registers where the hardware has them;
    /// <paramref name="result"/> may be y itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClassicalRk4Update(ReadOnlySpan<double> y, double h, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2,
        ReadOnlySpan<double> k3, ReadOnlySpan<double> k4, Span<double> result)
    {
        double sixth = h / 6.0;
        var ys = MemoryMarshal.Cast<double, Vector<double>>(y);
        var k1s = MemoryMarshal.Cast<double, Vector<double>>(k1);
        var k2s = MemoryMarshal.Cast<double, Vector<double>>(k2);
        var k3s = MemoryMarshal.Cast<double, Vector<double>>(k3);
        var k4s = MemoryMarshal.Cast<double, Vector<double>>(k4);
        var rs = MemoryMarshal.Cast<double, Vector<double>>(result);
        for (int i = 0; i < rs.Length; i++) rs[i] = ys[i] + sixth * (k1s[i] + (2.0 * (k2s[i] + k3s[i]) + k4s[i]));
        for (int i = rs.Length * Vector<double>.Count; i < result.Length; i++) result[i] = y[i] + sixth * (k1[i] + (2.0 * (k2[i] + k3[i]) + k4[i]));
    }
}
