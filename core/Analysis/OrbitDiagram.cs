using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Settings of <see cref="OrbitDiagram"/>: the events recorded per parameter value and the worker threads.</summary>
public sealed record OrbitDiagramOptions
{
    /// <summary>Transient, events per value, time limit and integration (default: transient 50, 200 events within 2000 time units, trajectory tolerances 1e-9, events refined to 1e-10: a diagram is read by eye).</summary>
    public SectionOptions Section { get; init; } = new() { Transient = 50, MaxEvents = 200, MaxTime = 2000, Rtol = 1e-9, Atol = 1e-9, RefineTolerance = 1e-10 };
    /// <summary>Worker threads; null uses every processor (<see cref="Environment.ProcessorCount"/>). The result does not depend on it.</summary>
    public int? Threads { get; init; }
}

/// <summary>The events of one parameter value of an orbit diagram.</summary>
/// <param name="Parameter">The parameter value.</param>
/// <param name="Values">The recorded values (maxima, or the chosen coordinate at section crossings).</param>
/// <param name="Complete">True when all requested events were found.</param>
/// <param name="Message">How the search ended (why it is incomplete, e.g. the trajectory settled on an equilibrium).</param>
public sealed record OrbitDiagramColumn(double Parameter, double[] Values, bool Complete, string Message);

/// <summary>An orbit diagram: for each parameter value, the events of the attractor reached from a fixed initial state.</summary>
/// <param name="Parameter">Name of the swept parameter.</param>
/// <param name="Columns">One column per parameter value, in the order given.</param>
/// <param name="Threads">Worker threads used.</param>
public sealed record OrbitDiagramResult(string Parameter, IReadOnlyList<OrbitDiagramColumn> Columns, int Threads);

/// <summary>
/// Orbit diagrams (bifurcation diagrams of attractors): for every value of one parameter, integrate from the same initial
/// state, discard a transient, and record the successive maxima of a coordinate or the crossings of a section — periodic
/// windows show as a few points, chaos as a filled band. Values run in parallel, each from the same initial state, so the
/// result does not depend on the number of threads.
/// </summary>
public static class OrbitDiagram
{
    /// <summary>Successive maxima of x_<paramref name="coordinate"/> against the parameter <paramref name="parameter"/> of <paramref name="system"/>.</summary>
    public static OrbitDiagramResult OfMaxima(IParameterizedField system, string parameter, double[] values, double[] initialState, int coordinate,
        OrbitDiagramOptions? options = null) =>
        Sweep(system, parameter, values, initialState, options, (field, section) => PoincareSection.Maxima(field, initialState, coordinate, section));

    /// <summary>Crossings of <paramref name="plane"/>, recording x_<paramref name="coordinate"/>, against the parameter <paramref name="parameter"/>.</summary>
    public static OrbitDiagramResult OfSection(IParameterizedField system, string parameter, double[] values, double[] initialState, Hyperplane plane,
        int coordinate, OrbitDiagramOptions? options = null) =>
        Sweep(system, parameter, values, initialState, options, (field, section) => PoincareSection.Crossings(field, initialState, plane, section, coordinate));

    private static OrbitDiagramResult Sweep(IParameterizedField system, string parameter, double[] values, double[] initialState,
        OrbitDiagramOptions? options, Func<IVectorField, SectionOptions, SectionResult> events)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("values is empty: give at least one parameter value.", nameof(values));
        Guard.Finite(values, nameof(values));
        Guard.Dimension(system, initialState, nameof(initialState));
        var o = options ?? new OrbitDiagramOptions();
        int threads = o.Threads ?? Environment.ProcessorCount;
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(options), threads, "OrbitDiagramOptions.Threads must be at least 1.");
        o.Section.Check();
        system.GetParameter(parameter);   // an unknown name throws here, listing the known ones
        var fields = values.Select(v => system.WithParameter(parameter, v)).ToArray();   // a value out of range throws here, naming the parameter
        var columns = new OrbitDiagramColumn[values.Length];
        Parallel.For(0, values.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var result = events(fields[k], o.Section);
            columns[k] = new OrbitDiagramColumn(values[k], result.Values, result.Complete, result.Message);
        });
        return new OrbitDiagramResult(parameter, columns, threads);
    }
}
