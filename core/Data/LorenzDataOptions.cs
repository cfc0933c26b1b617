using NeuroDyn.Solvers;

namespace NeuroDyn.Data;

/// <summary>How the tutorial's Lorenz-63 data set is made; the defaults are the tutorial's.</summary>
public sealed record LorenzDataOptions
{
    /// <summary>Lorenz σ (must be &gt; 0).</summary>
    public double Sigma { get; init; } = 10.0;
    /// <summary>Lorenz ρ.</summary>
    public double Rho { get; init; } = 28.0;
    /// <summary>Lorenz β (must be &gt; 0).</summary>
    public double Beta { get; init; } = 8.0 / 3.0;
    /// <summary>Seed of the random perturbation of the initial state.</summary>
    public int Seed { get; init; } = 0;
    /// <summary>Standard deviation of the Gaussian perturbation added to [1, 1, 1].</summary>
    public double Perturbation { get; init; } = 0.1;
    /// <summary>Time discarded before sampling, so the data lie on the attractor.</summary>
    public double Transient { get; init; } = 10.0;
    /// <summary>Sampled time span after the transient.</summary>
    public double Duration { get; init; } = 200.0;
    /// <summary>Sample interval.</summary>
    public double Dt { get; init; } = 0.01;
    /// <summary>Solver used to generate the trajectory.</summary>
    public OdeMethod Method { get; init; } = OdeMethod.Dop853;
    /// <summary>Relative tolerance of the solver.</summary>
    public double Rtol { get; init; } = 1e-10;
    /// <summary>Absolute tolerance of the solver (scipy's default, as the tutorial leaves it).</summary>
    public double Atol { get; init; } = 1e-6;
    /// <summary>Window length: each sample is this many states, its target the next state.</summary>
    public int SeqLength { get; init; } = 50;
    /// <summary>Fraction of samples (from the start) used for training.</summary>
    public double TrainFraction { get; init; } = 0.70;
    /// <summary>Fraction of samples used for validation (the rest is the test split).</summary>
    public double ValFraction { get; init; } = 0.15;
}
