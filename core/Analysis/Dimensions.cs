using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Settings of <see cref="Dimensions.Correlation"/>.</summary>
public sealed record CorrelationDimensionOptions
{
    /// <summary>Largest number of states used, taken evenly spaced along the trajectory (default 3000); all pairs of them are counted.</summary>
    public int MaxPoints { get; init; } = 3000;
    /// <summary>Pairs closer than this in time (in samples of the original trajectory) are not counted (Theiler 1986; default 10).</summary>
    public int TheilerWindow { get; init; } = 10;
    /// <summary>Number of log-spaced radii (default 40).</summary>
    public int RadiusCount { get; init; } = 40;
    /// <summary>Fit range [min, max] of radii given by hand; null chooses it automatically (see <see cref="Dimensions.Correlation"/>).</summary>
    public RadiusRange? ScalingRegion { get; init; }
    /// <summary>Width of the automatically chosen scaling region, as a ratio max/min of radii (default 10, one decade).</summary>
    public double ScalingRatio { get; init; } = 10;
    /// <summary>Radii with fewer pairs than this inside are too noisy for the automatic fit (default 1000, a 3 % counting error).</summary>
    public int MinPairs { get; init; } = 1000;
    /// <summary>Radii with C(r) above this are near saturation and excluded from the automatic fit (default 0.1).</summary>
    public double MaxCorrelationSum { get; init; } = 0.1;
}

/// <summary>A range of radii [Min, Max].</summary>
/// <param name="Min">Smallest radius.</param>
/// <param name="Max">Largest radius.</param>
public sealed record RadiusRange(double Min, double Max);

/// <summary>A correlation dimension estimate with the correlation sum it was fitted to.</summary>
/// <param name="Dimension">Slope of log C(r) against log r over the scaling region.</param>
/// <param name="Radii">Log-spaced radii r.</param>
/// <param name="CorrelationSum">C(r): the fraction of counted pairs closer than r.</param>
/// <param name="FitRadiusMin">Smallest radius in the fit.</param>
/// <param name="FitRadiusMax">Largest radius in the fit.</param>
/// <param name="FitStart">Index into Radii of the first fitted radius.</param>
/// <param name="FitEnd">Index into Radii of the last fitted radius.</param>
/// <param name="Points">Number of states used.</param>
/// <param name="Pairs">Number of pairs counted (outside the Theiler window).</param>
public sealed record CorrelationDimensionResult(
    double Dimension, double[] Radii, double[] CorrelationSum, double FitRadiusMin, double FitRadiusMax, int FitStart, int FitEnd, int Points, long Pairs);

/// <summary>Fractal dimensions of attractors.</summary>
public static class Dimensions
{
    /// <summary>
    /// Kaplan–Yorke (Lyapunov) dimension D = j + (λ₁ + … + λ_j)/|λ_{j+1}|, with j the largest index whose partial sum is
    /// ≥ 0 (Kaplan &amp; Yorke 1979, Lecture Notes in Mathematics 730). 0 if λ₁ &lt; 0; n if every partial sum is ≥ 0.
    /// </summary>
    public static double KaplanYorke(double[] exponents)
    {
        ArgumentNullException.ThrowIfNull(exponents);
        if (exponents.Length == 0) throw new ArgumentException("The spectrum is empty.", nameof(exponents));
        Guard.Finite(exponents, nameof(exponents));
        var sorted = exponents.OrderByDescending(l => l).ToArray();
        double partial = 0;
        for (int j = 0; j < sorted.Length; j++)
        {
            if (partial + sorted[j] < 0) return j + partial / Math.Abs(sorted[j]);
            partial += sorted[j];
        }
        return sorted.Length;
    }

    /// <summary>
    /// Correlation dimension (Grassberger &amp; Procaccia 1983, Physica D 9:189–208): C(r) = fraction of pairs (i, j), |i − j| &gt;
    /// Theiler window, with ‖x_i − x_j‖₂ &lt; r, over log-spaced r from the smallest to the largest pair distance; the dimension
    /// is the least-squares slope of log C against log r over the scaling region. Unless given, the scaling region is the
    /// straightest stretch (least RMS residual of the line) spanning a ratio <see cref="CorrelationDimensionOptions.ScalingRatio"/>
    /// of radii among radii with at least MinPairs pairs and C(r) ≤ MaxCorrelationSum.
    /// </summary>
    public static CorrelationDimensionResult Correlation(double[,] states, CorrelationDimensionOptions? options = null)
    {
        var o = options ?? new CorrelationDimensionOptions();
        StateMatrix.Check(states, nameof(states), minRows: 2);
        if (o.MaxPoints < 10) throw new ArgumentOutOfRangeException(nameof(options), o.MaxPoints, "MaxPoints must be at least 10.");
        if (o.TheilerWindow < 0) throw new ArgumentOutOfRangeException(nameof(options), o.TheilerWindow, "TheilerWindow must be 0 or more.");
        if (o.RadiusCount < 4) throw new ArgumentOutOfRangeException(nameof(options), o.RadiusCount, "RadiusCount must be at least 4.");
        if (!(o.ScalingRatio > 1)) throw new ArgumentOutOfRangeException(nameof(options), o.ScalingRatio, "ScalingRatio must be > 1.");

        int rows = states.GetLength(0), n = states.GetLength(1);
        int points = Math.Min(rows, o.MaxPoints);
        var index = Enumerable.Range(0, points).Select(i => (int)((long)i * rows / points)).ToArray();
        var flat = StateMatrix.Flatten(states);
        long pairs = 0, coincident = 0;
        double minSquared = double.PositiveInfinity, maxSquared = 0;
        ForEachPair(flat, index, n, o.TheilerWindow, squared =>
        {
            pairs++;
            if (squared == 0) { coincident++; return; }
            minSquared = Math.Min(minSquared, squared);
            maxSquared = Math.Max(maxSquared, squared);
        });
        if (pairs - coincident < 10L * o.RadiusCount)
            throw new ArgumentException($"Only {pairs - coincident} distinct pairs outside the Theiler window {o.TheilerWindow}; a correlation sum needs many more. Give more states (at least a few hundred) or a smaller Theiler window.", nameof(states));

        // radii r_i = exp(logR[i]), log-spaced from just above the smallest pair distance up to the largest
        double logMin = 0.5 * Math.Log(minSquared), step = (0.5 * Math.Log(maxSquared) - logMin) / o.RadiusCount;
        var logR = Enumerable.Range(1, o.RadiusCount).Select(i => logMin + step * i).ToArray();
        var counts = new long[o.RadiusCount];   // counts[i]: pairs first inside radius i, i.e. log r in [logR[i−1], logR[i])
        ForEachPair(flat, index, n, o.TheilerWindow, squared =>
        {
            if (squared == 0) return;
            double u = 0.5 * Math.Log(squared);
            int i = Math.Clamp((int)Math.Floor((u - logMin) / step), 0, o.RadiusCount);
            while (i > 0 && u < logR[i - 1]) i--;                       // correct rounding of the floor either way
            while (i < o.RadiusCount && !(u < logR[i])) i++;
            if (i < o.RadiusCount) counts[i]++;
        });
        var sums = new double[o.RadiusCount];
        long cumulative = coincident;   // pairs at distance 0 are inside every radius
        for (int i = 0; i < o.RadiusCount; i++) { cumulative += counts[i]; sums[i] = (double)cumulative / pairs; }
        var radii = logR.Select(Math.Exp).ToArray();

        var logC = sums.Select(c => c > 0 ? Math.Log(c) : double.NegativeInfinity).ToArray();
        var fit = o.ScalingRegion is { } given ? GivenRegion(radii, logR, logC, given.Min, given.Max) : StraightestRegion(logR, logC, sums, pairs, o);
        return new CorrelationDimensionResult(fit.Slope, radii, sums, radii[fit.Start], radii[fit.End], fit.Start, fit.End, points, pairs);
    }

    /// <summary>Calls <paramref name="visit"/> with the squared distance of every pair of the chosen rows more than <paramref name="window"/> samples apart.</summary>
    private static void ForEachPair(double[] flat, int[] index, int n, int window, Action<double> visit)
    {
        for (int a = 0; a < index.Length; a++)
            for (int b = a + 1; b < index.Length; b++)
                if (index[b] - index[a] > window) visit(StateMatrix.SquaredDistance(flat, index[a], index[b], n));
    }

    private static LineFit GivenRegion(double[] radii, double[] logR, double[] logC, double min, double max)
    {
        var inside = Enumerable.Range(0, radii.Length).Where(i => radii[i] >= min && radii[i] <= max && double.IsFinite(logC[i])).ToArray();
        if (inside.Length < 2 || inside[^1] - inside[0] + 1 != inside.Length)
            throw new ArgumentException($"The scaling region [{min}, {max}] holds {inside.Length} radii with non-zero C(r) (radii run from {radii[0]:G3} to {radii[^1]:G3}); give a region with at least two.");
        return LineFit.Over(logR, logC, inside[0], inside[^1]);
    }

    private static LineFit StraightestRegion(double[] logR, double[] logC, double[] sums, long pairs, CorrelationDimensionOptions o)
    {
        var eligible = Enumerable.Range(0, logR.Length).Where(i => sums[i] * pairs >= o.MinPairs && sums[i] <= o.MaxCorrelationSum).ToArray();
        double span = Math.Log(o.ScalingRatio);
        LineFit? best = null;
        foreach (int start in eligible)
        {
            int end = start;
            while (end + 1 < logR.Length && eligible.Contains(end + 1) && logR[end] - logR[start] < span - 1e-12) end++;
            if (logR[end] - logR[start] < span - 1e-12 || end - start < 2) continue;
            var fit = LineFit.Over(logR, logC, start, end);
            if (best is null || fit.RmsResidual < best.Value.RmsResidual) best = fit;
        }
        return best ?? throw new ArgumentException(
            $"No stretch of radii spanning a factor {o.ScalingRatio} has at least {o.MinPairs} pairs and C(r) ≤ {o.MaxCorrelationSum}; give more states, a smaller ScalingRatio, or a ScalingRegion by hand.");
    }
}
