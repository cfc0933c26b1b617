using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Period-k points of a map, h = G^k(h), by Newton's method with the chain-rule Jacobian ∂G^k/∂h = J(h_{k−1}) ⋯ J(h_0); their multipliers
/// (the eigenvalues of that product) and stability; seeds from near-returns of an orbit.</summary>
public static class PeriodicPoints
{
    /// <summary>Newton's method (∂G^k/∂h − I) δ = −(G^k(h) − h) from <paramref name="seedState"/>. Returns Converged = false with the reason when the map
    /// returns NaN or infinity along the orbit, Newton diverges, the Newton matrix is singular, or the steps run out.</summary>
    public static PeriodicPoint Newton(IMap map, double[] seedState, int period, PeriodicPointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        Guard.Dimension(map, seedState, nameof(seedState));
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "period must be at least 1.");
        var o = options ?? new PeriodicPointOptions();
        o.Check();
        int n = map.Dimension;
        var h = (double[])seedState.Clone();
        var history = new List<double>();
        var orbit = new double[period, n];
        var product = new double[n, n];
        PeriodicPoint Fail(string why) => new(false, why, period, h, orbit, history.Count > 0 ? history[^1] : double.NaN, Math.Max(0, history.Count - 1),
            [.. history], product, [], MapStability.NonHyperbolic);

        double firstError = double.NaN;
        for (int iteration = 0; ; iteration++)
        {
            var (end, failedAt) = OrbitWithJacobian(map, h, period, orbit, product);
            if (failedAt is int at)
                return Fail($"The map returned NaN or infinity at iterate {at} of the orbit (Newton step {iteration}): check the map there, or start from a closer near-return.");
            var residual = new double[n];
            for (int i = 0; i < n; i++) residual[i] = end[i] - h[i];
            double error = residual.Max(Math.Abs);
            history.Add(error);
            if (error <= o.Tolerance)
            {
                var multipliers = MapFixedPoints.Multipliers(product);
                return new PeriodicPoint(true, $"Converged in {iteration} Newton steps: closing error {error:G3} ≤ {o.Tolerance:G3}.", period, h, orbit, error, iteration,
                    [.. history], product, multipliers, MapFixedPoints.Classify(multipliers, o.HyperbolicityTolerance));
            }
            if (iteration == 0) firstError = error;
            else if (error > o.DivergenceFactor * Math.Max(firstError, o.Tolerance))
                return Fail($"Newton diverged: the closing error grew from {firstError:G3} to {error:G3} (more than DivergenceFactor = {o.DivergenceFactor} times) in {iteration} steps; start from a closer near-return.");
            if (iteration == o.MaxIterations)
                return Fail($"Not converged in MaxIterations = {o.MaxIterations} Newton steps: the closing error is {error:G3} > {o.Tolerance:G3}; start from a closer near-return or loosen Tolerance.");
            var newton = Matrix<double>.Build.DenseOfArray(product) - Matrix<double>.Build.DenseIdentity(n);
            var singular = newton.Svd(computeVectors: false).S;
            double ratio = singular.Maximum() > 0 ? singular.Minimum() / singular.Maximum() : 0;
            if (!(ratio >= o.SingularTolerance))
                return Fail($"The Newton matrix ∂G^{period}/∂h − I is singular at step {iteration} (σ_min/σ_max = {ratio:G3}): a multiplier equals 1, so the point is not isolated (a fold, or a continuum of periodic points).");
            var step = newton.LU().Solve(Vector<double>.Build.DenseOfArray(residual).Negate());
            for (int i = 0; i < n; i++) h[i] += step[i];
            if (!h.All(double.IsFinite)) return Fail($"The Newton step at step {iteration} is not finite: the Newton matrix is too ill-conditioned here.");
        }
    }

    /// <summary>Near-returns of the orbit from <paramref name="initialState"/>: pairs h_i, h_{i+k} (k ≤ MaxPeriod) where ‖h_{i+k} − h_i‖ is a local minimum
    /// in i and at most MaxDistance·(the orbit's spread); the closest first. An orbit that leaves the finite numbers throws, naming the iteration.</summary>
    public static IReadOnlyList<MapNearReturn> NearReturns(IMap map, double[] initialState, MapNearReturnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var o = options ?? new MapNearReturnOptions();
        o.Check();
        var settled = map.Iterate(initialState, o.Transient);
        var start = Enumerable.Range(0, map.Dimension).Select(j => settled[o.Transient, j]).ToArray();
        var orbit = map.Iterate(start, o.Iterations + o.MaxPeriod);
        var (_, spread) = StateMatrix.ColumnMoments(orbit);
        double threshold = o.MaxDistance * Math.Max(Math.Sqrt(spread.Sum(s => s * s)), double.Epsilon);
        int n = map.Dimension;
        double Distance(int i, int k)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += (orbit[i + k, j] - orbit[i, j]) * (orbit[i + k, j] - orbit[i, j]);
            return Math.Sqrt(s);
        }
        var returns = new List<MapNearReturn>();
        for (int k = 1; k <= o.MaxPeriod; k++)
            for (int i = 0; i < o.Iterations; i++)
            {
                double d = Distance(i, k);
                if (d > threshold) continue;
                if (i > 0 && Distance(i - 1, k) < d) continue;
                if (i + 1 < o.Iterations && Distance(i + 1, k) < d) continue;
                returns.Add(new MapNearReturn(Enumerable.Range(0, n).Select(j => orbit[i, j]).ToArray(), i, k, d));
            }
        return returns.OrderBy(r => r.Distance).Take(o.MaxSeeds).ToList();
    }

    /// <summary>Periodic orbits of least period up to MaxPeriod from the near-returns of the orbit of <paramref name="initialState"/>: Newton from each seed,
    /// repetitions of shorter orbits and duplicates (another point of an orbit found) removed.</summary>
    public static PeriodicPointSearch Find(IMap map, double[] initialState, MapNearReturnOptions? nearReturns = null, PeriodicPointOptions? newton = null)
    {
        var seeds = NearReturns(map, initialState, nearReturns);
        var orbits = new List<PeriodicPoint>();
        var failures = new List<PeriodicPoint>();
        foreach (var seed in seeds)
        {
            var result = Newton(map, seed.State, seed.Period, newton);
            if (!result.Converged) { failures.Add(result); continue; }
            double tolerance = 1e-6 * (1 + result.State.Max(Math.Abs));
            if (LeastPeriod(result, tolerance) < result.Period) continue;
            if (orbits.Any(known => known.Period == result.Period && SameOrbit(known, result, tolerance))) continue;
            orbits.Add(result);
        }
        return new PeriodicPointSearch(orbits.OrderBy(p => p.Period).ToList(), seeds, failures);
    }

    /// <summary>h_0 … h_{k−1} into <paramref name="orbit"/>, J(h_{k−1}) ⋯ J(h_0) into <paramref name="product"/>, and G^k(h); or the iterate where the map was not finite.</summary>
    static (double[] End, int? FailedAt) OrbitWithJacobian(IMap map, double[] h, int period, double[,] orbit, double[,] product)
    {
        int n = map.Dimension;
        var current = (double[])h.Clone();
        var next = new double[n];
        var flat = new double[n * n];
        var accumulated = Matrix<double>.Build.DenseIdentity(n);
        for (int step = 0; step < period; step++)
        {
            for (int j = 0; j < n; j++) orbit[step, j] = current[j];
            map.Jacobian(current, flat);
            map.Apply(current, next);
            if (!next.All(double.IsFinite) || !flat.All(double.IsFinite)) return (next, step + 1);
            accumulated = Matrix<double>.Build.DenseOfRowMajor(n, n, flat) * accumulated;
            (current, next) = (next, current);
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) product[i, j] = accumulated[i, j];
        return (current, null);
    }

    /// <summary>The least d dividing k with h_d = h_0 (within the tolerance).</summary>
    static int LeastPeriod(PeriodicPoint p, double tolerance)
    {
        for (int d = 1; d < p.Period; d++)
            if (p.Period % d == 0 && Enumerable.Range(0, p.State.Length).All(j => Math.Abs(p.Orbit[d, j] - p.Orbit[0, j]) <= tolerance)) return d;
        return p.Period;
    }

    /// <summary>True when the first point of <paramref name="candidate"/> is (within the tolerance) one of the points of <paramref name="known"/>.</summary>
    static bool SameOrbit(PeriodicPoint known, PeriodicPoint candidate, double tolerance) =>
        Enumerable.Range(0, known.Period).Any(i => Enumerable.Range(0, candidate.State.Length).All(j => Math.Abs(known.Orbit[i, j] - candidate.State[j]) <= tolerance));
}
