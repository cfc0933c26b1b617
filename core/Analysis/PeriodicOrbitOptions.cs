using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Which extra equation fixes the phase of the orbit in <see cref="PeriodicOrbits.Shoot"/>.</summary>
public enum PhaseCondition
{
    /// <summary>Poincaré-type: the point stays on the hyperplane through the seed orthogonal to the flow there, f(x_s)·(x − x_s) = 0.</summary>
    Poincare,
    /// <summary>Orthogonality: each Newton correction is orthogonal to the flow at the current point, f(x_k)·Δx = 0.</summary>
    Orthogonality,
}

/// <summary>Settings of Newton–shooting for periodic orbits.</summary>
public sealed record ShootingOptions
{
    /// <summary>Converged when the closing error max_i |φ_T(x)_i − x_i| is at or below this (default 1e-10).</summary>
    public double Tolerance { get; init; } = 1e-10;
    /// <summary>Largest number of Newton steps (default 20).</summary>
    public int MaxIterations { get; init; } = 20;
    /// <summary>Tolerance (relative and absolute) of the DOP853 integration of the flow and its variational equation (default 1e-12).</summary>
    public double IntegrationTolerance { get; init; } = 1e-12;
    /// <summary>The phase condition (default Poincaré-type).</summary>
    public PhaseCondition Phase { get; init; } = PhaseCondition.Poincare;
    /// <summary>Newton has diverged when the closing error exceeds this multiple of the seed's (default 100), or the period leaves (0, 10·T₀].</summary>
    public double DivergenceFactor { get; init; } = 100;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        Guard.Positive(Tolerance, "ShootingOptions.Tolerance");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "ShootingOptions.MaxIterations must be at least 1.");
        if (!(IntegrationTolerance >= 1e-13 && IntegrationTolerance < 1))
            throw new ArgumentOutOfRangeException(nameof(IntegrationTolerance), IntegrationTolerance, "ShootingOptions.IntegrationTolerance must lie in [1e-13, 1).");
        if (!(DivergenceFactor > 1 && double.IsFinite(DivergenceFactor)))
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "ShootingOptions.DivergenceFactor must be a finite number > 1.");
    }
}

/// <summary>Where <see cref="PeriodicOrbits.NearReturns"/> looks for seeds: a sampled trajectory and the window of return times.</summary>
public sealed record NearReturnOptions
{
    /// <summary>Time integrated and discarded first (default 20).</summary>
    public double Transient { get; init; } = 20;
    /// <summary>Length of the sampled trajectory after the transient (default 200).</summary>
    public double Duration { get; init; } = 200;
    /// <summary>Sampling interval (default 0.01).</summary>
    public double SampleStep { get; init; } = 0.01;
    /// <summary>Shortest return time considered (default 0.5).</summary>
    public double MinPeriod { get; init; } = 0.5;
    /// <summary>Longest return time considered (default 4).</summary>
    public double MaxPeriod { get; init; } = 4;
    /// <summary>A return counts when ‖x(t + T) − x(t)‖ is at most this fraction of the trajectory's spread √(Σ_j s_j²) (default 0.03).</summary>
    public double MaxDistance { get; init; } = 0.03;
    /// <summary>At most this many seeds, closest returns first (default 60).</summary>
    public int MaxSeeds { get; init; } = 60;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        if (!(Transient >= 0 && double.IsFinite(Transient))) throw new ArgumentOutOfRangeException(nameof(Transient), Transient, "NearReturnOptions.Transient must be a finite number ≥ 0.");
        Guard.Positive(Duration, "NearReturnOptions.Duration");
        Guard.Positive(SampleStep, "NearReturnOptions.SampleStep");
        Guard.Positive(MinPeriod, "NearReturnOptions.MinPeriod");
        if (!(MaxPeriod > MinPeriod && MaxPeriod < Duration))
            throw new ArgumentOutOfRangeException(nameof(MaxPeriod), MaxPeriod, $"NearReturnOptions.MaxPeriod must exceed MinPeriod = {MinPeriod} and be shorter than Duration = {Duration}.");
        if (MinPeriod < 2 * SampleStep)
            throw new ArgumentOutOfRangeException(nameof(MinPeriod), MinPeriod, $"NearReturnOptions.MinPeriod must be at least two samples ({2 * SampleStep}).");
        Guard.Positive(MaxDistance, "NearReturnOptions.MaxDistance");
        if (MaxSeeds < 1) throw new ArgumentOutOfRangeException(nameof(MaxSeeds), MaxSeeds, "NearReturnOptions.MaxSeeds must be at least 1.");
        if (Duration / SampleStep > 10_000_000)
            throw new ArgumentOutOfRangeException(nameof(SampleStep), SampleStep, "NearReturnOptions: Duration / SampleStep exceeds 10⁷ samples; use a larger SampleStep.");
    }
}
