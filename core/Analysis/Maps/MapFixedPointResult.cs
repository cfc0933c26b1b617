using System.Numerics;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Linear stability of a fixed point (or periodic point) of a map from its multipliers μ, the eigenvalues of ∂G/∂h there.</summary>
public enum MapStability
{
    /// <summary>Every |μ| &lt; 1: nearby states converge to it.</summary>
    Stable,
    /// <summary>Every |μ| &gt; 1: nearby states leave in every direction.</summary>
    Unstable,
    /// <summary>Some |μ| &lt; 1 and some &gt; 1.</summary>
    Saddle,
    /// <summary>Some |μ| = 1 (within the tolerance): linearisation does not decide stability.</summary>
    NonHyperbolic,
}

/// <summary>One fixed point (or slow point) of a map with its linearisation.</summary>
/// <param name="Location">The state h*.</param>
/// <param name="Q">q = ½‖G(h*) − h*‖².</param>
/// <param name="Jacobian">∂G/∂h at h*.</param>
/// <param name="Multipliers">Eigenvalues μ of the Jacobian, by decreasing modulus.</param>
/// <param name="Stability">Stability from the moduli |μ|.</param>
/// <param name="UnstableDirections">Number of multipliers with |μ| &gt; 1 beyond the hyperbolicity tolerance (|μ| &gt; 1 + 1e-8 by default).</param>
/// <param name="Hits">Number of starts that ended here.</param>
/// <param name="Note">A warning about this point (e.g. a singular Newton system), or null.</param>
public sealed record MapFixedPoint(double[] Location, double Q, double[,] Jacobian, Complex[] Multipliers, MapStability Stability, int UnstableDirections, int Hits, string? Note);

/// <summary>What a map fixed-point search found.</summary>
/// <param name="FixedPoints">Distinct fixed points, most often found first.</param>
/// <param name="SlowPoints">Distinct slow points (local minima of q with FixedPointTolerance &lt; q ≤ SlowPointThreshold), most often found first.</param>
/// <param name="Starts">Number of starts.</param>
/// <param name="Discarded">Starts that ended with q above SlowPointThreshold, diverged (the map returned NaN), or ended where G(h) − h is small but has no zero nearby.</param>
public sealed record MapFixedPointResult(IReadOnlyList<MapFixedPoint> FixedPoints, IReadOnlyList<MapFixedPoint> SlowPoints, int Starts, int Discarded);
