using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Settings of <see cref="LargestLyapunov.Rosenstein(double[,], RosensteinOptions?)"/>.</summary>
public sealed record RosensteinOptions
{
    /// <summary>Sampling interval of the series, to express the exponent per unit time (default 1: per sample).</summary>
    public double Dt { get; init; } = 1.0;
    /// <summary>Nearest neighbours must be at least this many samples apart in time; null uses the mean period 1/f̄ of the first coordinate's power spectrum, as Rosenstein et al. do.</summary>
    public int? TheilerWindow { get; init; }
    /// <summary>Number of steps i over which neighbours are followed: the length of the divergence curve (default 300).</summary>
    public int MaxSteps { get; init; } = 400;
    /// <summary>First step of the fitted range (default 100), after the initial steep part where neighbour separations turn into the most unstable direction.</summary>
    public int FitStart { get; init; } = 100;
    /// <summary>Last step of the fitted range (default 300), before the curve saturates at the attractor's size. The defaults suit Lorenz-63 sampled at dt = 0.01; look at the returned curve and set the range on its linear rise.</summary>
    public int FitEnd { get; init; } = 300;
    /// <summary>Largest number of reference points, evenly spaced in time (default 2000); their neighbours are sought among all points.</summary>
    public int MaxReferencePoints { get; init; } = 2000;
}

/// <summary>A largest-Lyapunov-exponent estimate from a time series, with its divergence curve.</summary>
/// <param name="Exponent">Slope of the divergence curve over the fitted range, per unit time.</param>
/// <param name="Intercept">Intercept of the fitted line.</param>
/// <param name="Times">i·dt for each step i of the curve.</param>
/// <param name="MeanLogDivergence">y(i) = ⟨ln d_j(i)⟩ over reference points j.</param>
/// <param name="FitStart">First fitted step.</param>
/// <param name="FitEnd">Last fitted step.</param>
/// <param name="TheilerWindow">Theiler window used (samples).</param>
/// <param name="ReferencePoints">Number of reference points averaged over.</param>
public sealed record RosensteinResult(
    double Exponent, double Intercept, double[] Times, double[] MeanLogDivergence, int FitStart, int FitEnd, int TheilerWindow, int ReferencePoints);

/// <summary>
/// The largest Lyapunov exponent from a time series (Rosenstein, Collins &amp; De Luca 1993, "A practical method for
/// calculating largest Lyapunov exponents from small data sets", Physica D 65:117–134): each reference state's nearest
/// neighbour (outside a Theiler window) is followed for i steps, y(i) = ⟨ln ‖x_{j+i} − x_{ĵ+i}‖⟩ is averaged over
/// reference states, and λ₁ is the slope of y against i·dt over its linear rise.
/// </summary>
public static class LargestLyapunov
{
    /// <summary>Rosenstein's estimate from a scalar series, delay-embedded in <paramref name="embeddingDimension"/> dimensions with delay <paramref name="delay"/> samples.</summary>
    public static RosensteinResult Rosenstein(double[] series, int embeddingDimension, int delay, RosensteinOptions? options = null) =>
        Rosenstein(DelayEmbedding.Embed(series, embeddingDimension, delay), options);

    /// <summary>Rosenstein's estimate from states (one per row, equally spaced in time): measured or embedded.</summary>
    public static RosensteinResult Rosenstein(double[,] states, RosensteinOptions? options = null)
    {
        var o = options ?? new RosensteinOptions();
        StateMatrix.Check(states, nameof(states), minRows: 2);
        Guard.Positive(o.Dt, nameof(o.Dt));
        if (o.MaxSteps < 2) throw new ArgumentOutOfRangeException(nameof(options), o.MaxSteps, "MaxSteps must be at least 2.");
        if (o.FitStart < 0 || o.FitEnd >= o.MaxSteps || o.FitEnd - o.FitStart < 1)
            throw new ArgumentOutOfRangeException(nameof(options), (o.FitStart, o.FitEnd), $"The fit range needs 0 ≤ FitStart < FitEnd < MaxSteps = {o.MaxSteps}.");
        if (o.MaxReferencePoints < 1) throw new ArgumentOutOfRangeException(nameof(options), o.MaxReferencePoints, "MaxReferencePoints must be at least 1.");

        int rows = states.GetLength(0), n = states.GetLength(1);
        int window = o.TheilerWindow ?? MeanPeriod(StateMatrix.Column(states, 0));
        if (window < 0) throw new ArgumentOutOfRangeException(nameof(options), window, "TheilerWindow must be 0 or more.");
        int usable = rows - o.MaxSteps;   // j and its neighbour must both have MaxSteps successors
        if (usable < 2 * (window + 1) + 10)
            throw new ArgumentException($"{rows} states are too few for {o.MaxSteps} steps of divergence and a Theiler window of {window}; give at least {o.MaxSteps + 2 * (window + 1) + 10}, preferably thousands.", nameof(states));

        int references = Math.Min(usable, o.MaxReferencePoints);
        var flat = StateMatrix.Flatten(states);
        var sums = new double[o.MaxSteps];
        var counts = new int[o.MaxSteps];
        for (int r = 0; r < references; r++)
        {
            int j = (int)((long)r * usable / references);
            int neighbour = NearestNeighbour(flat, n, j, usable, window);
            if (neighbour < 0) continue;
            for (int i = 0; i < o.MaxSteps; i++)
            {
                double squared = StateMatrix.SquaredDistance(flat, j + i, neighbour + i, n);
                if (squared > 0) { sums[i] += 0.5 * Math.Log(squared); counts[i]++; }
            }
        }
        if (counts.Any(c => c == 0))
            throw new ArgumentException("Some steps of the divergence curve have no pair at a non-zero distance (repeated states?); the series cannot be analysed as given.", nameof(states));

        var curve = sums.Zip(counts, (s, c) => s / c).ToArray();
        var times = Enumerable.Range(0, o.MaxSteps).Select(i => i * o.Dt).ToArray();
        var fit = LineFit.Over(times, curve, o.FitStart, o.FitEnd);
        return new RosensteinResult(fit.Slope, fit.Intercept, times, curve, o.FitStart, o.FitEnd, window, references);
    }

    /// <summary>The index ĵ &lt; <paramref name="usable"/> with |j − ĵ| &gt; window nearest to state j and at a non-zero distance, or −1 if none.</summary>
    private static int NearestNeighbour(double[] flat, int n, int j, int usable, int window)
    {
        int best = -1;
        double bestSquared = double.PositiveInfinity;
        for (int c = 0; c < usable; c++)
        {
            if (Math.Abs(c - j) <= window) continue;
            double s = StateMatrix.SquaredDistance(flat, j, c, n);
            if (s < bestSquared && s > 0) { bestSquared = s; best = c; }
        }
        return best;
    }

    /// <summary>Mean period in samples, 1/f̄ with f̄ the power-weighted mean frequency of the periodogram (Rosenstein et al. 1993).</summary>
    private static int MeanPeriod(double[] series)
    {
        var spectrum = PowerSpectrum.Compute(series);
        double power = spectrum.Power.Sum();
        double meanFrequency = spectrum.Power.Zip(spectrum.Frequencies, (p, f) => p * f).Sum() / power;
        if (!(meanFrequency > 0))
            throw new ArgumentException("The first coordinate is constant, so no mean period can be estimated; give TheilerWindow explicitly.");
        return (int)Math.Round(1.0 / meanFrequency);
    }
}
