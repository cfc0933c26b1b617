using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Settings of <see cref="MapOrbitDiagram.Of"/>.</summary>
public sealed record MapOrbitDiagramOptions
{
    /// <summary>Iterations discarded first at every parameter value (default 1000).</summary>
    public int Transient { get; init; } = 1000;
    /// <summary>Iterates recorded per parameter value after the transient (default 200).</summary>
    public int Points { get; init; } = 200;
    /// <summary>Worker threads; null uses every processor. The result does not depend on it.</summary>
    public int? Threads { get; init; }
}

/// <summary>Orbit diagrams of maps (e.g. a network's sample-to-sample map against its recurrent gain): for every value of one parameter, iterate from the
/// same initial state, discard a transient and record one coordinate of the following iterates — the map counterpart of <see cref="OrbitDiagram"/>,
/// with its result records.</summary>
public static class MapOrbitDiagram
{
    /// <summary>The iterates' coordinate <paramref name="coordinate"/> against the parameter <paramref name="parameter"/> of <paramref name="system"/>; an orbit that
    /// leaves the finite numbers gives a column with Complete = false and a message naming the iteration.</summary>
    public static OrbitDiagramResult Of(IParameterizedMap system, string parameter, double[] values, double[] initialState, int coordinate, MapOrbitDiagramOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("values is empty: give at least one parameter value.", nameof(values));
        Guard.Finite(values, nameof(values));
        Guard.Dimension(system, initialState, nameof(initialState));
        if (coordinate < 0 || coordinate >= system.Dimension)
            throw new ArgumentOutOfRangeException(nameof(coordinate), coordinate, $"coordinate must lie in 0 .. {system.Dimension - 1}.");
        var o = options ?? new MapOrbitDiagramOptions();
        if (o.Transient < 0) throw new ArgumentOutOfRangeException(nameof(options), o.Transient, "MapOrbitDiagramOptions.Transient must be 0 or more.");
        if (o.Points < 1) throw new ArgumentOutOfRangeException(nameof(options), o.Points, "MapOrbitDiagramOptions.Points must be at least 1.");
        int threads = o.Threads ?? Environment.ProcessorCount;
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(options), threads, "MapOrbitDiagramOptions.Threads must be at least 1.");
        system.GetParameter(parameter);   // an unknown name throws here, listing the known ones
        var maps = values.Select(v => system.WithParameter(parameter, v)).ToArray();   // a value out of range throws here, naming the parameter
        var columns = new OrbitDiagramColumn[values.Length];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, k => columns[k] = Column(maps[k], values[k], initialState, coordinate, o));
        return new OrbitDiagramResult(parameter, columns, threads);
    }

    static OrbitDiagramColumn Column(IMap map, double value, double[] initialState, int coordinate, MapOrbitDiagramOptions o)
    {
        var h = (double[])initialState.Clone();
        var next = new double[h.Length];
        var recorded = new List<double>(o.Points);
        for (int k = 1; k <= o.Transient + o.Points; k++)
        {
            map.Apply(h, next);
            if (!next.All(double.IsFinite))
                return new OrbitDiagramColumn(value, [.. recorded], false, $"The map returned NaN or infinity at iteration {k}: the orbit diverged at this parameter value.");
            (h, next) = (next, h);
            if (k > o.Transient) recorded.Add(h[coordinate]);
        }
        return new OrbitDiagramColumn(value, [.. recorded], true, $"{o.Points} iterates after {o.Transient} transient iterations.");
    }
}
