using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Settings of pseudo-arclength continuation (<see cref="Continuation"/>).</summary>
public sealed record ContinuationOptions
{
    /// <summary>The branch stops when the parameter falls below this (default −∞: only MaxPoints stops it).</summary>
    public double ParameterMin { get; init; } = double.NegativeInfinity;
    /// <summary>The branch stops when the parameter rises above this (default +∞).</summary>
    public double ParameterMax { get; init; } = double.PositiveInfinity;
    /// <summary>Which way the parameter moves at the start of <see cref="Continuation.Equilibria"/>: +1 increasing, −1 decreasing (default +1).</summary>
    public int Direction { get; init; } = 1;
    /// <summary>First arclength step (default 0.05).</summary>
    public double InitialStep { get; init; } = 0.05;
    /// <summary>Smallest arclength step; the branch stops when a step this small fails (default 1e-8).</summary>
    public double MinStep { get; init; } = 1e-8;
    /// <summary>Largest arclength step (default 0.5).</summary>
    public double MaxStep { get; init; } = 0.5;
    /// <summary>Most points on the branch (default 2000).</summary>
    public int MaxPoints { get; init; } = 2000;
    /// <summary>The corrector has converged when max|f| and the Newton step are at most this (default 1e-11).</summary>
    public double Tolerance { get; init; } = 1e-11;
    /// <summary>Newton steps per correction (default 12).</summary>
    public int MaxNewtonIterations { get; init; } = 12;
    /// <summary>Relative step of the central difference for ∂f/∂p, δ = this·max(1, |p|) (default 1e-6).</summary>
    public double DifferenceStep { get; init; } = 1e-6;

    /// <summary>Throws, naming the option, for values that cannot work.</summary>
    internal void Check()
    {
        if (double.IsNaN(ParameterMin) || double.IsNaN(ParameterMax) || !(ParameterMin < ParameterMax))
            throw new ArgumentOutOfRangeException(nameof(ParameterMin), $"ContinuationOptions: ParameterMin = {ParameterMin} must be below ParameterMax = {ParameterMax}.");
        if (Direction is not (1 or -1)) throw new ArgumentOutOfRangeException(nameof(Direction), Direction, "ContinuationOptions.Direction must be +1 or −1.");
        Guard.Positive(InitialStep, "ContinuationOptions.InitialStep");
        Guard.Positive(MinStep, "ContinuationOptions.MinStep");
        Guard.Positive(MaxStep, "ContinuationOptions.MaxStep");
        if (!(MinStep <= InitialStep && InitialStep <= MaxStep))
            throw new ArgumentOutOfRangeException(nameof(InitialStep), InitialStep, "ContinuationOptions: need MinStep ≤ InitialStep ≤ MaxStep.");
        if (MaxPoints < 2) throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "ContinuationOptions.MaxPoints must be at least 2.");
        Guard.Positive(Tolerance, "ContinuationOptions.Tolerance");
        if (MaxNewtonIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxNewtonIterations), MaxNewtonIterations, "ContinuationOptions.MaxNewtonIterations must be at least 1.");
        Guard.Positive(DifferenceStep, "ContinuationOptions.DifferenceStep");
    }
}
