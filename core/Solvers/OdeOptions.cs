namespace NeuroDyn.Solvers;

/// <summary>How <see cref="Ode.Solve"/> integrates: the method, its tolerances or step, and where to report the state.</summary>
public sealed record OdeOptions
{
    /// <summary>The integration method (default <see cref="OdeMethod.Dopri5"/>).</summary>
    public OdeMethod Method { get; init; } = OdeMethod.Dopri5;

    /// <summary>Relative tolerance of the adaptive methods: each step keeps its local error below Atol + Rtol·|y| (RMS over components); at least 100·ε.</summary>
    public double Rtol { get; init; } = 1e-3;

    /// <summary>Absolute tolerance of the adaptive methods (see <see cref="Rtol"/>).</summary>
    public double Atol { get; init; } = 1e-6;

    /// <summary>The fixed step of <see cref="OdeMethod.Euler"/>, <see cref="OdeMethod.Midpoint"/> and <see cref="OdeMethod.Rk4"/> (required for them, not accepted by the adaptive methods); the last step is shortened to end at t1.</summary>
    public double? Step { get; init; }

    /// <summary>First step of an adaptive method; null chooses it from the tolerances as scipy does (Hairer, Nørsett &amp; Wanner 1993, §II.4).</summary>
    public double? FirstStep { get; init; }

    /// <summary>Largest step an adaptive method may take (default unbounded).</summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;

    /// <summary>Budget of steps (accepted plus rejected); when it runs out the solution reports failure.</summary>
    public long MaxSteps { get; init; } = 100_000_000;

    /// <summary>
    /// Times at which to report the state: strictly increasing, inside [t0, t1]. Null reports every step.
    /// Adaptive methods interpolate with their dense output. Fixed-step methods return a grid point t0 + k·Step exactly
    /// when a time lies within 10⁻⁹·Step of it, and otherwise interpolate with the cubic Hermite polynomial through
    /// the states and derivatives at the two ends of the step.
    /// </summary>
    public double[]? TEval { get; init; }
}
