using System.Numerics;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Settings of Newton's method for period-k points of a map, <see cref="PeriodicPoints.Newton"/>.</summary>
public sealed record PeriodicPointOptions
{
    /// <summary>Converged when the closing error max_i |G^k(h)_i − h_i| is at or below this (default 1e-10).</summary>
    public double Tolerance { get; init; } = 1e-10;
    /// <summary>Largest number of Newton steps (default 30).</summary>
    public int MaxIterations { get; init; } = 30;
    /// <summary>Newton has diverged when the closing error exceeds this multiple of the seed's (default 1000).</summary>
    public double DivergenceFactor { get; init; } = 1000;
    /// <summary>The Newton matrix ∂G^k/∂h − I counts as singular when σ_min/σ_max is below this (default 1e-13).</summary>
    public double SingularTolerance { get; init; } = 1e-13;
    /// <summary>A multiplier with ||μ| − 1| at or below this makes the orbit non-hyperbolic (default 1e-8).</summary>
    public double HyperbolicityTolerance { get; init; } = 1e-8;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        Guard.Positive(Tolerance, "PeriodicPointOptions.Tolerance");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "PeriodicPointOptions.MaxIterations must be at least 1.");
        if (!(DivergenceFactor > 1 && double.IsFinite(DivergenceFactor)))
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "PeriodicPointOptions.DivergenceFactor must be a finite number > 1.");
        Guard.Positive(SingularTolerance, "PeriodicPointOptions.SingularTolerance");
        Guard.Positive(HyperbolicityTolerance, "PeriodicPointOptions.HyperbolicityTolerance");
    }
}

/// <summary>Where <see cref="PeriodicPoints.NearReturns"/> looks for seeds: an orbit of the map and the periods considered.</summary>
public sealed record MapNearReturnOptions
{
    /// <summary>Iterations discarded first (default 1000).</summary>
    public int Transient { get; init; } = 1000;
    /// <summary>Iterations of the orbit searched after the transient (default 2000).</summary>
    public int Iterations { get; init; } = 2000;
    /// <summary>Longest period considered (default 8).</summary>
    public int MaxPeriod { get; init; } = 8;
    /// <summary>A return counts when ‖h_{i+k} − h_i‖ is at most this fraction of the orbit's spread √(Σ_j s_j²) (default 0.05).</summary>
    public double MaxDistance { get; init; } = 0.05;
    /// <summary>At most this many seeds, closest returns first (default 60).</summary>
    public int MaxSeeds { get; init; } = 60;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        if (Transient < 0) throw new ArgumentOutOfRangeException(nameof(Transient), Transient, "MapNearReturnOptions.Transient must be 0 or more.");
        if (MaxPeriod < 1) throw new ArgumentOutOfRangeException(nameof(MaxPeriod), MaxPeriod, "MapNearReturnOptions.MaxPeriod must be at least 1.");
        if (Iterations < 2) throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "MapNearReturnOptions.Iterations must be at least 2.");
        Guard.Positive(MaxDistance, "MapNearReturnOptions.MaxDistance");
        if (MaxSeeds < 1) throw new ArgumentOutOfRangeException(nameof(MaxSeeds), MaxSeeds, "MapNearReturnOptions.MaxSeeds must be at least 1.");
    }
}

/// <summary>The outcome of Newton's method on G^k(h) = h: a period-k orbit with its multipliers, or why none was found.</summary>
/// <param name="Converged">True when the closing error reached the tolerance.</param>
/// <param name="Message">How Newton ended; when not converged, why (NaN from the map, divergence, a singular Newton matrix, the iteration limit) and what to try.</param>
/// <param name="Period">The period k asked for.</param>
/// <param name="State">A point h of the orbit (the last iterate when not converged).</param>
/// <param name="Orbit">The k points h, G(h), …, G^{k−1}(h) as rows (k×n).</param>
/// <param name="ClosingError">max_i |G^k(h)_i − h_i| at the returned point.</param>
/// <param name="Iterations">Newton steps taken.</param>
/// <param name="ClosingErrors">The closing error before each Newton step and at the end.</param>
/// <param name="Jacobian">∂G^k/∂h = J(h_{k−1}) ⋯ J(h_0) at the returned point (n×n).</param>
/// <param name="Multipliers">Eigenvalues of <paramref name="Jacobian"/> by decreasing modulus (the orbit's multipliers); empty when not converged.</param>
/// <param name="Stability">Stability from |μ| (NonHyperbolic when not converged).</param>
public sealed record PeriodicPoint(bool Converged, string Message, int Period, double[] State, double[,] Orbit, double ClosingError, int Iterations,
    double[] ClosingErrors, double[,] Jacobian, Complex[] Multipliers, MapStability Stability)
{
    /// <summary>Number of multipliers with |μ| &gt; 1 + 1e-6 (the orbit's unstable dimension).</summary>
    public int UnstableMultipliers => Multipliers.Count(m => m.Magnitude > 1 + 1e-6);
}

/// <summary>A near-return of a map's orbit, ‖h_{i+k} − h_i‖ small: a seed for <see cref="PeriodicPoints.Newton"/>.</summary>
/// <param name="State">h_i.</param>
/// <param name="Iteration">i, counted after the transient.</param>
/// <param name="Period">k.</param>
/// <param name="Distance">‖h_{i+k} − h_i‖.</param>
public sealed record MapNearReturn(double[] State, int Iteration, int Period, double Distance);

/// <summary>What <see cref="PeriodicPoints.Find"/> found: distinct converged orbits of least period, shortest first, and the seeds that did not converge.</summary>
/// <param name="Orbits">Distinct periodic orbits (each once, at its least period), by increasing period.</param>
/// <param name="Seeds">The seeds tried.</param>
/// <param name="Failures">The Newton results of the seeds that did not converge, each with its reason.</param>
public sealed record PeriodicPointSearch(IReadOnlyList<PeriodicPoint> Orbits, IReadOnlyList<MapNearReturn> Seeds, IReadOnlyList<PeriodicPoint> Failures);
