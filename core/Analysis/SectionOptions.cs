using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Which crossings of a section count: g = n·x − c rising through 0, falling through 0, or both.</summary>
public enum CrossingDirection
{
    /// <summary>g goes from negative to non-negative (along the normal).</summary>
    Increasing,
    /// <summary>g goes from positive to non-positive (against the normal).</summary>
    Decreasing,
    /// <summary>Either way.</summary>
    Both,
}

/// <summary>A hyperplane n·x = c with the direction of crossing that counts.</summary>
/// <param name="Normal">The normal n (not necessarily of unit length; not all zero).</param>
/// <param name="Offset">The offset c.</param>
/// <param name="Direction">Which crossings count.</param>
public sealed record Hyperplane(double[] Normal, double Offset, CrossingDirection Direction = CrossingDirection.Both)
{
    /// <summary>The plane x_i = value of one coordinate, e.g. z = ρ − 1 for Lorenz-63.</summary>
    public static Hyperplane Coordinate(int dimension, int coordinate, double value, CrossingDirection direction = CrossingDirection.Both)
    {
        if (coordinate < 0 || coordinate >= dimension)
            throw new ArgumentOutOfRangeException(nameof(coordinate), coordinate, $"coordinate must lie in 0..{dimension - 1}.");
        var normal = new double[dimension];
        normal[coordinate] = 1;
        return new Hyperplane(normal, value, direction);
    }

    /// <summary>Throws unless the normal has the field's dimension, finite entries not all zero, and the offset is finite.</summary>
    internal void Check(IVectorField field, string name)
    {
        ArgumentNullException.ThrowIfNull(Normal, name);
        if (Normal.Length != field.Dimension)
            throw new ArgumentException($"{name}.Normal has {Normal.Length} entries but the system {field.GetType().Name} has dimension {field.Dimension}.", name);
        Guard.Finite(Normal, name + ".Normal");
        if (Normal.All(v => v == 0)) throw new ArgumentException($"{name}.Normal is all zeros; a hyperplane needs a non-zero normal.", name);
        Guard.Finite(Offset, name + ".Offset");
    }
}

/// <summary>How <see cref="PoincareSection"/> integrates and when it stops.</summary>
public sealed record SectionOptions
{
    /// <summary>Time integrated and discarded before events are recorded (default 0).</summary>
    public double Transient { get; init; }
    /// <summary>Stop after this many events (default 1000).</summary>
    public int MaxEvents { get; init; } = 1000;
    /// <summary>Stop, reporting an incomplete result, when this much time after the transient has passed without MaxEvents events (default 10 000): a section never crossed cannot hang.</summary>
    public double MaxTime { get; init; } = 10_000;
    /// <summary>The integrator of the trajectory (default DOP853).</summary>
    public OdeMethod Method { get; init; } = OdeMethod.Dop853;
    /// <summary>Relative tolerance of the trajectory (default 1e-10).</summary>
    public double Rtol { get; init; } = 1e-10;
    /// <summary>Absolute tolerance of the trajectory (default 1e-10).</summary>
    public double Atol { get; init; } = 1e-10;
    /// <summary>Relative and absolute tolerance of the short re-integrations that refine each event time (default 1e-13).</summary>
    public double RefineTolerance { get; init; } = 1e-13;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        if (!(Transient >= 0 && double.IsFinite(Transient)))
            throw new ArgumentOutOfRangeException(nameof(Transient), Transient, "SectionOptions.Transient must be a finite number ≥ 0.");
        if (MaxEvents < 1) throw new ArgumentOutOfRangeException(nameof(MaxEvents), MaxEvents, "SectionOptions.MaxEvents must be at least 1.");
        Guard.Positive(MaxTime, "SectionOptions.MaxTime");
        Guard.Positive(Rtol, "SectionOptions.Rtol");
        Guard.Positive(Atol, "SectionOptions.Atol");
        if (!(RefineTolerance >= 1e-13 && RefineTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(RefineTolerance), RefineTolerance, "SectionOptions.RefineTolerance must lie in [1e-13, 1): double precision cannot deliver less.");
        if (Method is not (OdeMethod.Dopri5 or OdeMethod.Dop853))
            throw new ArgumentException($"SectionOptions.Method = {Method}: events need an adaptive method (Dopri5 or Dop853).", nameof(Method));
    }
}
