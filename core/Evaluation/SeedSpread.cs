namespace NeuroDyn.Evaluation;

/// <summary>How one model's measure compares with another's over their seeds (<see cref="SeedSpread.Compare"/>).</summary>
public enum SpreadComparison
{
    /// <summary>Every seed of the model is better than every seed of the other: the difference exceeds the seed-to-seed spread.</summary>
    Better,
    /// <summary>Every seed of the model is worse than every seed of the other.</summary>
    Worse,
    /// <summary>The two ranges over seeds overlap (or touch): no difference beyond the seed spread.</summary>
    WithinSpread,
    /// <summary>Nothing to compare: a side has no finite value, or both are single runs, so no spread over seeds is known.</summary>
    NotComparable,
}

/// <summary>A measure over the seeds of one model: the median of its finite values, their range (minimum to maximum) and how many there are.
/// Comparisons by <see cref="Compare"/> call a difference real only when it exceeds that range.</summary>
/// <param name="Median">Median of the finite values (numpy's rule; NaN when there are none).</param>
/// <param name="Min">Smallest finite value (NaN when none).</param>
/// <param name="Max">Largest finite value (NaN when none).</param>
/// <param name="Count">Number of finite values.</param>
/// <param name="Runs">Number of values given, the non-finite ones included (a run whose measure failed still is a run).</param>
public sealed record SeedSpread(double Median, double Min, double Max, int Count, int Runs)
{
    /// <summary>The spread of a measure's values over seeds; NaN values (a measure that could not be taken) are left out of median and range.</summary>
    public static SeedSpread Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var all = values.ToArray();
        var finite = all.Where(double.IsFinite).ToArray();
        return finite.Length == 0
            ? new SeedSpread(double.NaN, double.NaN, double.NaN, 0, all.Length)
            : new SeedSpread(Evaluate.Percentile(finite, 0.5), finite.Min(), finite.Max(), finite.Length, all.Length);
    }

    /// <summary>Whether <paramref name="mine"/> is better or worse than <paramref name="other"/> beyond the seed spread: only when their ranges do not
    /// overlap, i.e. every seed of one beats every seed of the other (for a measure where higher is better, min(mine) &gt; max(other) is
    /// <see cref="SpreadComparison.Better"/>). A single run on one side is compared as a point against the other side's range; two single runs
    /// have no known spread and are <see cref="SpreadComparison.NotComparable"/>, as is a side without finite values.</summary>
    public static SpreadComparison Compare(SeedSpread mine, SeedSpread other, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(other);
        if (mine.Count == 0 || other.Count == 0 || (mine.Count == 1 && other.Count == 1)) return SpreadComparison.NotComparable;
        bool above = mine.Min > other.Max, below = mine.Max < other.Min;
        if (!above && !below) return SpreadComparison.WithinSpread;
        return above == higherIsBetter ? SpreadComparison.Better : SpreadComparison.Worse;
    }
}
