using System.Runtime.CompilerServices;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Poisson(λ) counts by exact inversion of the cumulative distribution with a guide table (Devroye 1986,
/// "Non-Uniform Random Variate Generation", §III.2.4): one uniform per draw, about one comparison on average.
/// Counts whose tail probability is below 2^-53 (unreachable with a 53-bit uniform) are not represented.
/// </summary>
internal sealed class PoissonTable
{
    private const int GuideSize = 1024;
    private const double TailCut = 1.0 / (1UL << 53);
    private readonly double[] cdf;
    private readonly int[] guide = new int[GuideSize];

    /// <summary>The mean λ of the distribution.</summary>
    public double Mean { get; }

    /// <summary>Tables for Poisson(λ), λ ≥ 0.</summary>
    public PoissonTable(double mean)
    {
        Mean = mean;
        var values = new List<double>();
        double p = Math.Exp(-mean), sum = 0;
        if (p == 0) throw new ArgumentOutOfRangeException(nameof(mean), mean, "Poisson mean too large for table inversion (exp(−λ) underflows): lower the rate or the time step.");
        for (int k = 0; ; k++)
        {
            sum += p;
            values.Add(Math.Min(sum, 1.0));
            p *= mean / (k + 1);
            // beyond k + 2 > 2λ the tail is below twice its first term: stop once it is out of a 53-bit uniform's reach
            if (k + 2 > 2 * mean && 2 * p < TailCut) break;
        }
        values[^1] = 1.0;
        cdf = values.ToArray();
        int j = 0;
        for (int g = 0; g < GuideSize; g++)
        {
            while (cdf[j] <= (double)g / GuideSize) j++;
            guide[g] = j;
        }
    }

    /// <summary>The count whose cumulative probability interval holds the uniform u ∈ [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Invert(double u)
    {
        int k = guide[(int)(u * GuideSize)];
        while (cdf[k] <= u) k++;
        return k;
    }
}
