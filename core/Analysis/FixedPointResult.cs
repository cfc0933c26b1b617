using System.Numerics;

namespace NeuroDyn.Analysis;

/// <summary>Settings of <see cref="FixedPoints.Find"/>.</summary>
public sealed record FixedPointOptions
{
    /// <summary>Number of starting states drawn (with replacement) from the given states (default 256).</summary>
    public int StartCount { get; init; } = 256;
    /// <summary>Standard deviation of the Gaussian noise added to each start, as a fraction of each coordinate's standard deviation over the given states (default 0.1).</summary>
    public double NoiseScale { get; init; } = 0.1;
    /// <summary>Largest number of Levenberg–Marquardt iterations per start (default 200).</summary>
    public int MaxIterations { get; init; } = 200;
    /// <summary>A minimum with q = ½|f(x)|² at or below this is a fixed point (default 1e-10).</summary>
    public double FixedPointTolerance { get; init; } = 1e-10;
    /// <summary>A minimum with q ≤ <see cref="FixedPointTolerance"/> is a fixed point only if also |f(x*)| ≤ this · ‖J(x*)‖₂ · L, L the spread
    /// √(Σ_j s_j²) of the given states: the zero the linearisation predicts lies within this fraction of L (default 1e-4).</summary>
    public double ResidualTolerance { get; init; } = 1e-4;
    /// <summary>A local minimum with q above <see cref="FixedPointTolerance"/> but at or below this is a slow point (default 1e-3).</summary>
    public double SlowPointThreshold { get; init; } = 1e-3;
    /// <summary>Points closer than this (Euclidean distance) are one point (default 1e-4).</summary>
    public double MergeTolerance { get; init; } = 1e-4;
    /// <summary>An eigenvalue with |Re λ| ≤ this · max(1, max|λ|) lies on the imaginary axis: the point is non-hyperbolic (default 1e-8).</summary>
    public double HyperbolicityTolerance { get; init; } = 1e-8;
    /// <summary>The Jacobian counts as singular when σ_min/σ_max is below this (default 1e-12).</summary>
    public double SingularTolerance { get; init; } = 1e-12;
}

/// <summary>Linear stability type of a fixed point from the eigenvalues of its Jacobian.</summary>
public enum FixedPointKind
{
    /// <summary>All eigenvalues real and negative.</summary>
    StableNode,
    /// <summary>All real parts negative, some eigenvalues complex.</summary>
    StableFocus,
    /// <summary>All eigenvalues real and positive.</summary>
    UnstableNode,
    /// <summary>All real parts positive, some eigenvalues complex.</summary>
    UnstableFocus,
    /// <summary>Real eigenvalues of both signs.</summary>
    Saddle,
    /// <summary>Real parts of both signs with some eigenvalues complex.</summary>
    SaddleFocus,
    /// <summary>Some eigenvalue on the imaginary axis (a centre, or a singular Jacobian): linearisation does not decide stability.</summary>
    NonHyperbolic,
}

/// <summary>One fixed point (or slow point) with its linearisation.</summary>
/// <param name="Location">The state x*.</param>
/// <param name="Q">Speed q = ½|f(x*)|².</param>
/// <param name="Jacobian">J = ∂f/∂x at x*.</param>
/// <param name="Eigenvalues">Eigenvalues of J, by decreasing real part.</param>
/// <param name="Kind">Stability type.</param>
/// <param name="UnstableDirections">Number of eigenvalues with positive real part (the index of a saddle).</param>
/// <param name="Hits">Number of starts that ended here.</param>
/// <param name="Note">A warning about this point (e.g. singular Jacobian, Newton refinement skipped), or null.</param>
public sealed record FixedPoint(
    double[] Location, double Q, double[,] Jacobian, Complex[] Eigenvalues, FixedPointKind Kind, int UnstableDirections, int Hits, string? Note);

/// <summary>What a fixed-point search found.</summary>
/// <param name="FixedPoints">Distinct fixed points (q ≤ FixedPointTolerance and |f| ≤ ResidualTolerance · ‖J‖₂ · L), most often found first.</param>
/// <param name="SlowPoints">Distinct slow points (local minima of q with FixedPointTolerance &lt; q ≤ SlowPointThreshold), most often found first.</param>
/// <param name="Starts">Number of starts.</param>
/// <param name="Discarded">Starts that ended with q above SlowPointThreshold, diverged, or ended where f is small but has no zero nearby.</param>
public sealed record FixedPointResult(IReadOnlyList<FixedPoint> FixedPoints, IReadOnlyList<FixedPoint> SlowPoints, int Starts, int Discarded);
