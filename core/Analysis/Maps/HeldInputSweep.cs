using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Fixed points of one held input value u* of a sweep.</summary>
/// <param name="Input">The held input u*.</param>
/// <param name="Result">What the fixed-point search found there.</param>
public sealed record HeldInputFixedPoints(double[] Input, FixedPointResult Result);

/// <summary>Fixed points of a map for one held input value u* of a sweep.</summary>
/// <param name="Input">The held input u*.</param>
/// <param name="Result">What the fixed-point search found there.</param>
public sealed record HeldInputMapFixedPoints(double[] Input, MapFixedPointResult Result);

/// <summary>Fixed points as a function of a held input u* (FixedPointFinder's question for networks under a constant input): for each u* in turn, the
/// system with u* held (e.g. <see cref="Models.RateNetworkDynamics.HeldInputField"/> or <see cref="Models.RateNetworkDynamics.HeldInputMap"/>) is searched from
/// the given states plus the fixed points found at the previous u*, so each branch is followed along the sweep.</summary>
public static class HeldInputSweep
{
    /// <summary>Fixed and slow points of the field <paramref name="fieldAt"/>(u*) for every u* in <paramref name="inputs"/>, in order; all random choices from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<HeldInputFixedPoints> FieldFixedPoints(Func<double[], IVectorField> fieldAt, IReadOnlyList<double[]> inputs, double[,] startStates,
        FixedPointOptions? options = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(fieldAt);
        return Sweep(inputs, startStates, (input, starts) => FixedPoints.Find(fieldAt(input), starts, options, seed),
            r => r.FixedPoints.Select(p => p.Location), (input, r) => new HeldInputFixedPoints(input, r));
    }

    /// <summary>Fixed and slow points of the map <paramref name="mapAt"/>(u*) for every u* in <paramref name="inputs"/>, in order; all random choices from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<HeldInputMapFixedPoints> MapFixedPoints(Func<double[], IMap> mapAt, IReadOnlyList<double[]> inputs, double[,] startStates,
        FixedPointOptions? options = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(mapAt);
        return Sweep(inputs, startStates, (input, starts) => Maps.MapFixedPoints.Find(mapAt(input), starts, options, seed),
            r => r.FixedPoints.Select(p => p.Location), (input, r) => new HeldInputMapFixedPoints(input, r));
    }

    static IReadOnlyList<TStep> Sweep<TResult, TStep>(IReadOnlyList<double[]> inputs, double[,] startStates, Func<double[], double[,], TResult> find,
        Func<TResult, IEnumerable<double[]>> locations, Func<double[], TResult, TStep> step)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 0) throw new ArgumentException("inputs is empty: give at least one held input value.", nameof(inputs));
        StateMatrix.Check(startStates, nameof(startStates));
        for (int k = 0; k < inputs.Count; k++)
        {
            ArgumentNullException.ThrowIfNull(inputs[k], $"inputs[{k}]");
            Guard.Finite(inputs[k], $"inputs[{k}]");
        }
        var steps = new List<TStep>(inputs.Count);
        var previous = new List<double[]>();
        foreach (var input in inputs)
        {
            var starts = previous.Count == 0 ? startStates : Stack(startStates, previous);
            var result = find((double[])input.Clone(), starts);
            steps.Add(step((double[])input.Clone(), result));
            previous = locations(result).ToList();
        }
        return steps;
    }

    /// <summary>The rows of <paramref name="states"/> followed by <paramref name="extra"/>.</summary>
    static double[,] Stack(double[,] states, List<double[]> extra)
    {
        int rows = states.GetLength(0), n = states.GetLength(1);
        var stacked = new double[rows + extra.Count, n];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < n; j++) stacked[i, j] = states[i, j];
        for (int i = 0; i < extra.Count; i++)
            for (int j = 0; j < n; j++) stacked[rows + i, j] = extra[i][j];
        return stacked;
    }
}
