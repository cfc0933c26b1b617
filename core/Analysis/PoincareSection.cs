using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>
/// Poincaré sections and successive-maxima maps of a flow: the points where a trajectory crosses a hyperplane, or where one
/// coordinate reaches a local maximum (Lorenz 1963's z_max(n+1) against z_max(n)). Event times are located on the Hermite
/// interpolant of each step and refined by Newton steps on short tight re-integrations, so they are accurate to about
/// <see cref="SectionOptions.RefineTolerance"/> relative to the trajectory, not to the step size.
/// </summary>
public static class PoincareSection
{
    /// <summary>
    /// Crossings of <paramref name="plane"/> by the trajectory from <paramref name="initialState"/> (in the plane's direction),
    /// after the transient; <paramref name="recordedCoordinate"/> picks the coordinate stored in Values (null: NaN), e.g. for a return map.
    /// </summary>
    public static SectionResult Crossings(IVectorField field, double[] initialState, Hyperplane plane, SectionOptions? options = null, int? recordedCoordinate = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(plane);
        Guard.Dimension(field, initialState, nameof(initialState));
        plane.Check(field, nameof(plane));
        var o = options ?? new SectionOptions();
        o.Check();
        if (recordedCoordinate is int c) CheckCoordinate(field, c, nameof(recordedCoordinate));
        Func<double[], double> recorded = recordedCoordinate is int i ? x => x[i] : _ => double.NaN;
        return EventScan.Run(field, initialState, new HyperplaneEvent(plane), plane.Direction, o, recorded);
    }

    /// <summary>
    /// Successive local maxima of x_<paramref name="coordinate"/> along the trajectory from <paramref name="initialState"/> after the
    /// transient: the zeros of f_i(x) where it falls from positive to negative. <see cref="SectionResult.ReturnMap"/> gives the maxima map.
    /// </summary>
    public static SectionResult Maxima(IVectorField field, double[] initialState, int coordinate, SectionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        Guard.Dimension(field, initialState, nameof(initialState));
        CheckCoordinate(field, coordinate, nameof(coordinate));
        var o = options ?? new SectionOptions();
        o.Check();
        return EventScan.Run(field, initialState, new MaximumEvent(field, coordinate), CrossingDirection.Decreasing, o, x => x[coordinate]);
    }

    private static void CheckCoordinate(IVectorField field, int coordinate, string name)
    {
        if (coordinate < 0 || coordinate >= field.Dimension)
            throw new ArgumentOutOfRangeException(name, coordinate, $"{name} = {coordinate} must lie in 0..{field.Dimension - 1}, a coordinate of {field.GetType().Name}.");
    }
}
