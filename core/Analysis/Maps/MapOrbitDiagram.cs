using NeuroDyn.Models;
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
        if (coordinate < 0 || coordinate >= system.Dimension)
            throw new ArgumentOutOfRangeException(nameof(coordinate), coordinate, $"coordinate must lie in 0 .. {system.Dimension - 1}.");
        return Sweep(system, parameter, values, initialState, options, (_, h) => h[coordinate]);
    }

    /// <summary>The model's prediction, coordinate <paramref name="predictionCoordinate"/> (e.g. 2 for Lorenz z), at the iterates of a closed-loop map against its
    /// parameter (e.g. a network's "gain"): how the free-run attractor of the trained network changes with it.</summary>
    public static OrbitDiagramResult OfPrediction(IParameterizedMap system, string parameter, double[] values, double[] initialState, int predictionCoordinate,
        MapOrbitDiagramOptions? options = null)
    {
        if (system is not IClosedLoopMap closedLoop)
            throw new ArgumentException($"{system?.GetType().Name ?? "null"} is not a closed-loop map of a model (IClosedLoopMap), so it has no prediction; use Of with a state coordinate.", nameof(system));
        if (predictionCoordinate < 0 || predictionCoordinate >= closedLoop.OutputSize)
            throw new ArgumentOutOfRangeException(nameof(predictionCoordinate), predictionCoordinate, $"predictionCoordinate must lie in 0 .. {closedLoop.OutputSize - 1}.");
        return Sweep(system, parameter, values, initialState, options, (map, h) =>
        {
            var prediction = new double[closedLoop.OutputSize];
            ((IClosedLoopMap)map).Prediction(h, prediction);
            return prediction[predictionCoordinate];
        });
    }

    /// <summary>The diagram of <paramref name="record"/>(the map at the value, an iterate) after the transient, one column per parameter value, in parallel.</summary>
    static OrbitDiagramResult Sweep(IParameterizedMap system, string parameter, double[] values, double[] initialState, MapOrbitDiagramOptions? options,
        Func<IMap, double[], double> record)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("values is empty: give at least one parameter value.", nameof(values));
        Guard.Finite(values, nameof(values));
        Guard.Dimension(system, initialState, nameof(initialState));
        var o = options ?? new MapOrbitDiagramOptions();
        if (o.Transient < 0) throw new ArgumentOutOfRangeException(nameof(options), o.Transient, "MapOrbitDiagramOptions.Transient must be 0 or more.");
        if (o.Points < 1) throw new ArgumentOutOfRangeException(nameof(options), o.Points, "MapOrbitDiagramOptions.Points must be at least 1.");
        int threads = o.Threads ?? Environment.ProcessorCount;
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(options), threads, "MapOrbitDiagramOptions.Threads must be at least 1.");
        system.GetParameter(parameter);   // an unknown name throws here, listing the known ones
        var maps = values.Select(v => system.WithParameter(parameter, v)).ToArray();   // a value out of range throws here, naming the parameter
        var columns = new OrbitDiagramColumn[values.Length];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, k => columns[k] = Column(maps[k], values[k], initialState, record, o));
        return new OrbitDiagramResult(parameter, columns, threads);
    }

    static OrbitDiagramColumn Column(IMap map, double value, double[] initialState, Func<IMap, double[], double> record, MapOrbitDiagramOptions o)
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
            if (k > o.Transient) recorded.Add(record(map, h));
        }
        return new OrbitDiagramColumn(value, [.. recorded], true, $"{o.Points} iterates after {o.Transient} transient iterations.");
    }
}
