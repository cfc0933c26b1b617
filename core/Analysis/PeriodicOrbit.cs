using System.Numerics;

namespace NeuroDyn.Analysis;

/// <summary>The outcome of Newton–shooting: a periodic orbit x = φ_T(x) with its Floquet multipliers, or why none was found.</summary>
/// <param name="Converged">True when the closing error reached the tolerance.</param>
/// <param name="Message">How Newton ended; when not converged, why (divergence, failed integration, iteration limit) and what to try.</param>
/// <param name="State">A point x on the orbit (the last iterate when not converged).</param>
/// <param name="Period">The period T (the last iterate when not converged).</param>
/// <param name="ClosingError">max_i |φ_T(x)_i − x_i| at the returned point.</param>
/// <param name="Iterations">Newton steps taken.</param>
/// <param name="ClosingErrors">The closing error before each Newton step and at the end (its history, for convergence plots).</param>
/// <param name="Monodromy">The monodromy matrix M = ∂φ_T/∂x at the returned point (n×n).</param>
/// <param name="FloquetMultipliers">Eigenvalues of M by decreasing modulus; one is 1 (along the flow), |μ| &gt; 1 are unstable directions; empty when not converged.</param>
public sealed record PeriodicOrbit(bool Converged, string Message, double[] State, double Period, double ClosingError, int Iterations,
    double[] ClosingErrors, double[,] Monodromy, Complex[] FloquetMultipliers)
{
    /// <summary>Number of Floquet multipliers with |μ| &gt; 1 + 1e-6 (the orbit's unstable dimension).</summary>
    public int UnstableMultipliers => FloquetMultipliers.Count(m => m.Magnitude > 1 + 1e-6);
}

/// <summary>A near-return of a trajectory, ‖x(t + T) − x(t)‖ small: a seed for <see cref="PeriodicOrbits.Shoot"/>.</summary>
/// <param name="State">x(t).</param>
/// <param name="Time">t, from the start of the sampled trajectory (after the transient).</param>
/// <param name="Period">The return time T.</param>
/// <param name="Distance">‖x(t + T) − x(t)‖.</param>
public sealed record NearReturn(double[] State, double Time, double Period, double Distance);

/// <summary>What <see cref="PeriodicOrbits.Find"/> found: distinct converged orbits by increasing period, and the seeds that did not converge.</summary>
/// <param name="Orbits">Distinct periodic orbits (repetitions of shorter orbits and duplicates removed), shortest first.</param>
/// <param name="Seeds">The seeds tried.</param>
/// <param name="Failures">The Newton results of the seeds that did not converge, each with its reason.</param>
public sealed record PeriodicOrbitSearch(IReadOnlyList<PeriodicOrbit> Orbits, IReadOnlyList<NearReturn> Seeds, IReadOnlyList<PeriodicOrbit> Failures);
