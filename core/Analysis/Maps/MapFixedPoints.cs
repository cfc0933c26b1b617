using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;
using Complex = System.Numerics.Complex;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Fixed points h* = G(h*) and slow points of a map by minimising q(h) = ½‖G(h) − h‖² from many starts (the discrete form of Sussillo &amp; Barak 2013;
/// Golub &amp; Sussillo 2018's FixedPointFinder), de-duplicated, with stability from the multipliers |μ|.</summary>
/// <remarks>The search is <see cref="FixedPoints.Find"/>'s on the residual field F = G − I (<see cref="MapResidualField"/>): Levenberg–Marquardt, Newton
/// refinement, merging, and the same acceptance rule relative to the map's scale — a minimum counts as a fixed point only where q ≤ FixedPointTolerance
/// and ‖G(h*) − h*‖ ≤ ResidualTolerance · ‖∂G/∂h − I‖₂ · L (L the spread of the given states), so a map that merely moves little, far away, has none there.</remarks>
public static class MapFixedPoints
{
    /// <summary>Fixed and slow points of <paramref name="map"/> from <see cref="FixedPointOptions.StartCount"/> starts drawn from the rows of
    /// <paramref name="startStates"/> (e.g. an orbit) plus Gaussian noise, all random choices from <paramref name="seed"/>.</summary>
    public static MapFixedPointResult Find(IMap map, double[,] startStates, FixedPointOptions? options = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(map);
        var o = options ?? new FixedPointOptions();
        var found = FixedPoints.Find(new MapResidualField(map), startStates, o, seed);
        return new MapFixedPointResult(
            found.FixedPoints.Select(p => Linearise(map, p, o.HyperbolicityTolerance)).ToList(),
            found.SlowPoints.Select(p => Linearise(map, p, o.HyperbolicityTolerance)).ToList(), found.Starts, found.Discarded);
    }

    /// <summary>The multipliers of a map's Jacobian (its eigenvalues μ), by decreasing modulus.</summary>
    public static Complex[] Multipliers(double[,] jacobian)
    {
        ArgumentNullException.ThrowIfNull(jacobian);
        if (jacobian.GetLength(0) != jacobian.GetLength(1) || jacobian.Length == 0)
            throw new ArgumentException($"the Jacobian must be a non-empty square matrix but is {jacobian.GetLength(0)}×{jacobian.GetLength(1)}.", nameof(jacobian));
        return Matrix<double>.Build.DenseOfArray(jacobian).Evd().EigenValues.ToArray()
            .OrderByDescending(m => m.Magnitude).ThenByDescending(m => m.Imaginary).ToArray();
    }

    /// <summary>Stability from the multipliers: non-hyperbolic if some ||μ| − 1| ≤ tolerance, else stable, unstable or saddle by which side of the unit circle they lie.</summary>
    public static MapStability Classify(IReadOnlyList<Complex> multipliers, double hyperbolicityTolerance = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(multipliers);
        if (multipliers.Count == 0) throw new ArgumentException("There are no multipliers to classify.", nameof(multipliers));
        if (multipliers.Any(m => Math.Abs(m.Magnitude - 1) <= hyperbolicityTolerance)) return MapStability.NonHyperbolic;
        int unstable = multipliers.Count(m => m.Magnitude > 1);
        return unstable == 0 ? MapStability.Stable : unstable == multipliers.Count ? MapStability.Unstable : MapStability.Saddle;
    }

    static MapFixedPoint Linearise(IMap map, FixedPoint p, double hyperbolicityTolerance)
    {
        var jacobian = map.Jacobian(p.Location);
        var multipliers = Multipliers(jacobian);
        return new MapFixedPoint(p.Location, p.Q, jacobian, multipliers, Classify(multipliers, hyperbolicityTolerance),
            multipliers.Count(m => m.Magnitude > 1 + hyperbolicityTolerance), p.Hits, p.Note);
    }
}
