using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Solvers;
using NeuroDyn.Systems;
using Complex = System.Numerics.Complex;

namespace NeuroDyn.Analysis;

/// <summary>
/// Periodic orbits of flows by Newton–shooting with unknown period: solve φ_T(x) − x = 0 together with a phase condition for
/// (x, T), the flow φ and the monodromy M = ∂φ_T/∂x integrated together by DOP853 (the variational equation dΦ/dt = J(x)Φ),
/// so each Newton step solves [[M − I, f(φ_T(x))], [cᵀ, 0]]·(Δx, ΔT) = −(φ_T(x) − x, phase). The Floquet multipliers are the
/// eigenvalues of M. Seeds come from near-returns of a trajectory (Auerbach et al. 1987, "Exploring chaotic motion through
/// periodic orbits", PRL 58:2387; Viswanath 2003, "Symbolic dynamics and periodic orbits of the Lorenz attractor",
/// Nonlinearity 16:1035; Parker &amp; Chua 1989, "Practical Numerical Algorithms for Chaotic Systems", ch. 6).
/// </summary>
public static class PeriodicOrbits
{
    /// <summary>
    /// Newton–shooting from the seed (<paramref name="seedState"/>, <paramref name="seedPeriod"/>). Returns Converged = false with the
    /// reason when Newton diverges, the integration fails (e.g. the field returns NaN), the period leaves (0, 10·T₀] or the steps run out.
    /// </summary>
    public static PeriodicOrbit Shoot(IVectorField field, double[] seedState, double seedPeriod, ShootingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        Guard.Dimension(field, seedState, nameof(seedState));
        Guard.Positive(seedPeriod, nameof(seedPeriod));
        var o = options ?? new ShootingOptions();
        o.Check();
        int n = field.Dimension;
        var variational = new VariationalField(field);
        var seedDirection = field.Evaluate(seedState);
        var x = (double[])seedState.Clone();
        double period = seedPeriod;
        var history = new List<double>();
        double[,] monodromy = new double[n, n];
        PeriodicOrbit Fail(string why) => new(false, why, x, period, history.Count > 0 ? history[^1] : double.NaN, Math.Max(0, history.Count - 1),
            [.. history], monodromy, []);

        if (!AllFinite(seedDirection)) return Fail("The field is not finite at the seed (it returned NaN or infinity): check the system and the seed.");
        if (Norm(seedDirection) == 0) return Fail("The seed is an equilibrium (f = 0): a periodic orbit needs a point where the flow moves.");
        double firstError = double.NaN;
        var jacobian = new double[n * n];
        for (int iteration = 0; ; iteration++)
        {
            field.Jacobian(x, jacobian);
            if (!AllFinite(field.Evaluate(x)) || !AllFinite(jacobian))
                return Fail($"The field or its Jacobian is not finite (NaN or infinity) at the Newton iterate of step {iteration}: check the system there.");
            var flow = Ode.Solve(variational, variational.Start(x), 0, period,
                new OdeOptions { Method = OdeMethod.Dop853, Rtol = o.IntegrationTolerance, Atol = o.IntegrationTolerance, TEval = [period], MaxSteps = StepBudget });
            if (!flow.Success) return Fail($"The integration over the period failed at Newton step {iteration}: {flow.Message}{variational.Diagnosis()}");
            var end = flow.State(0);
            monodromy = variational.Monodromy(end);
            var residual = new double[n];
            for (int i = 0; i < n; i++) residual[i] = end[i] - x[i];
            double error = residual.Max(Math.Abs);
            history.Add(error);
            if (!double.IsFinite(error)) return Fail($"The closing error is not finite at Newton step {iteration}: the field returned NaN or infinity along the orbit.");
            if (error <= o.Tolerance)
                return new PeriodicOrbit(true, $"Converged in {iteration} Newton steps: closing error {error:G3} ≤ {o.Tolerance:G3}.", x, period, error, iteration,
                    [.. history], monodromy, Multipliers(monodromy));
            if (iteration == 0) firstError = error;
            else if (error > o.DivergenceFactor * Math.Max(firstError, o.Tolerance))
                return Fail($"Newton diverged: the closing error grew from {firstError:G3} to {error:G3} (more than DivergenceFactor = {o.DivergenceFactor} times) " +
                    $"in {iteration} steps; start from a closer near-return.");
            if (iteration == o.MaxIterations)
                return Fail($"Not converged in MaxIterations = {o.MaxIterations} Newton steps: the closing error is {error:G3} > {o.Tolerance:G3}. " +
                    "If it stalls near the integration error, loosen Tolerance or tighten IntegrationTolerance; otherwise start from a closer near-return.");

            var endDirection = field.Evaluate(end[..n]);
            var phaseDirection = o.Phase == PhaseCondition.Poincare ? seedDirection : field.Evaluate(x);
            double phaseResidual = 0;
            if (o.Phase == PhaseCondition.Poincare)
                for (int i = 0; i < n; i++) phaseResidual += seedDirection[i] * (x[i] - seedState[i]);
            var system = Matrix<double>.Build.Dense(n + 1, n + 1);
            var rhs = Vector<double>.Build.Dense(n + 1);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++) system[i, j] = monodromy[i, j] - (i == j ? 1 : 0);
                system[i, n] = endDirection[i];
                system[n, i] = phaseDirection[i];
                rhs[i] = -residual[i];
            }
            rhs[n] = -phaseResidual;
            var step = system.LU().Solve(rhs);
            if (!step.All(double.IsFinite)) return Fail($"The Newton system is singular at step {iteration}: the orbit may be degenerate (a multiplier other than the trivial one equals 1).");
            for (int i = 0; i < n; i++) x[i] += step[i];
            period += step[n];
            if (!(period > 0 && period <= 10 * seedPeriod))
                return Fail($"Newton diverged: the period went to {period:G6}, outside (0, 10·T₀ = {10 * seedPeriod:G6}]; start from a closer near-return.");
        }
    }

    /// <summary>
    /// Near-returns of the trajectory from <paramref name="initialState"/>: pairs of samples x(t), x(t + T) with T in [MinPeriod, MaxPeriod]
    /// where ‖x(t + T) − x(t)‖ is a local minimum in T and at most MaxDistance·(the trajectory's spread); the closest first, one per
    /// stretch of trajectory and return time. Throws <see cref="InvalidOperationException"/> with the solver's message if the trajectory fails.
    /// </summary>
    public static IReadOnlyList<NearReturn> NearReturns(IVectorField field, double[] initialState, NearReturnOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        Guard.Dimension(field, initialState, nameof(initialState));
        var o = options ?? new NearReturnOptions();
        o.Check();
        int count = (int)Math.Floor(o.Duration / o.SampleStep) + 1;
        var grid = Enumerable.Range(0, count).Select(k => o.Transient + k * o.SampleStep).ToArray();
        if (!AllFinite(field.Evaluate(initialState)))
            throw new InvalidOperationException("The field is not finite (it returned NaN or infinity) at initialState: check the system and the initial state.");
        var watch = new FieldWatch(field);
        var solution = Ode.Solve(watch, initialState, 0, grid[^1],
            new OdeOptions { Method = OdeMethod.Dop853, Rtol = 1e-10, Atol = 1e-10, TEval = grid, MaxSteps = 10 * StepBudget });
        if (!solution.Success)
            throw new InvalidOperationException($"The trajectory for near-returns failed: {solution.Message}{watch.Diagnosis()}");
        var states = solution.States;
        var (_, spread) = StateMatrix.ColumnMoments(states);
        double threshold = o.MaxDistance * Math.Max(Math.Sqrt(spread.Sum(s => s * s)), double.Epsilon);
        int n = field.Dimension, kMin = (int)Math.Ceiling(o.MinPeriod / o.SampleStep), kMax = (int)Math.Floor(o.MaxPeriod / o.SampleStep);
        var candidates = new List<(int I, int K, double D)>();
        var distance = new double[kMax + 2];
        for (int i = 0; i + kMin + 1 < count; i++)
        {
            int last = Math.Min(kMax + 1, count - 1 - i);
            for (int k = kMin - 1; k <= last; k++)
            {
                double s = 0;
                for (int j = 0; j < n; j++) { double d = states[i + k, j] - states[i, j]; s += d * d; }
                distance[k] = Math.Sqrt(s);
            }
            for (int k = kMin; k < last; k++)
                if (distance[k] <= threshold && distance[k] <= distance[k - 1] && distance[k] < distance[k + 1])
                    candidates.Add((i, k, distance[k]));
        }
        var chosen = new List<(int I, int K, double D)>();
        foreach (var c in candidates.OrderBy(c => c.D))
        {
            if (chosen.Count == o.MaxSeeds) break;
            if (chosen.Any(a => Math.Abs(a.K - c.K) <= Math.Max(2, 0.02 * c.K) && Math.Abs(a.I - c.I) < c.K)) continue;
            chosen.Add(c);
        }
        return chosen.Select(c => new NearReturn(solution.State(c.I), c.I * o.SampleStep, c.K * o.SampleStep, c.D)).ToList();
    }

    /// <summary>
    /// Periodic orbits of the attractor reached from <paramref name="initialState"/>: Newton–shooting from each near-return, keeping the distinct
    /// converged orbits (an orbit that is another traversed k times, or the same orbit from another seed, counts once).
    /// </summary>
    public static PeriodicOrbitSearch Find(IVectorField field, double[] initialState, NearReturnOptions? nearReturns = null, ShootingOptions? shooting = null)
    {
        var seeds = NearReturns(field, initialState, nearReturns);
        var orbits = new List<(PeriodicOrbit Orbit, double[,] Samples)>();
        var failures = new List<PeriodicOrbit>();
        foreach (var seed in seeds)
        {
            var orbit = Shoot(field, seed.State, seed.Period, shooting);
            if (!orbit.Converged) { failures.Add(orbit); continue; }
            var samples = Sample(field, orbit);
            if (samples is null || IsRepetition(samples) || orbits.Any(a => SameOrbit(a.Orbit, a.Samples, orbit, samples))) continue;
            orbits.Add((orbit, samples));
        }
        return new PeriodicOrbitSearch(orbits.Select(a => a.Orbit).OrderBy(a => a.Period).ToList(), seeds, failures);
    }

    /// <summary>Steps allowed per integration over one period: a bound on the time any one call can take.</summary>
    private const long StepBudget = 1_000_000;

    /// <summary>Samples per orbit for comparing orbits: divisible by 2…6, so that x(T/k) is a sample.</summary>
    private const int OrbitSamples = 1200;

    /// <summary>The orbit at t = mT/M, m = 0 … M − 1 (null if the integration fails).</summary>
    private static double[,]? Sample(IVectorField field, PeriodicOrbit orbit)
    {
        var times = Enumerable.Range(0, OrbitSamples).Select(m => m * orbit.Period / OrbitSamples).ToArray();
        var solution = Ode.Solve(field, orbit.State, 0, times[^1],
            new OdeOptions { Method = OdeMethod.Dop853, Rtol = 1e-11, Atol = 1e-11, TEval = times, MaxSteps = StepBudget });
        return solution.Success ? solution.States : null;
    }

    /// <summary>True when the orbit returns to its start at T/k for some k = 2 … 6: it is a shorter orbit traversed k times.</summary>
    private static bool IsRepetition(double[,] samples)
    {
        double scale = 1e-6 * (1 + RowNorm(samples, 0));
        for (int k = 2; k <= 6; k++)
            if (RowDistance(samples, OrbitSamples / k, samples, 0) <= scale) return true;
        return false;
    }

    /// <summary>True when the periods agree to 1e-6 and every 24th sample of b lies within the sample spacing of a's samples.</summary>
    private static bool SameOrbit(PeriodicOrbit a, double[,] aSamples, PeriodicOrbit b, double[,] bSamples)
    {
        if (Math.Abs(a.Period - b.Period) > 1e-6 * a.Period) return false;
        double spacing = 0;
        for (int m = 0; m < OrbitSamples; m++) spacing = Math.Max(spacing, RowDistance(aSamples, m, aSamples, (m + 1) % OrbitSamples));
        for (int mb = 0; mb < OrbitSamples; mb += 24)
        {
            bool near = false;
            for (int ma = 0; ma < OrbitSamples && !near; ma++) near = RowDistance(aSamples, ma, bSamples, mb) <= spacing;
            if (!near) return false;
        }
        return true;
    }

    private static double RowDistance(double[,] a, int i, double[,] b, int j)
    {
        double s = 0;
        for (int c = 0; c < a.GetLength(1); c++) s += (a[i, c] - b[j, c]) * (a[i, c] - b[j, c]);
        return Math.Sqrt(s);
    }

    private static double RowNorm(double[,] a, int i)
    {
        double s = 0;
        for (int c = 0; c < a.GetLength(1); c++) s += a[i, c] * a[i, c];
        return Math.Sqrt(s);
    }

    private static Complex[] Multipliers(double[,] monodromy) =>
        [.. Matrix<double>.Build.DenseOfArray(monodromy).Evd().EigenValues.OrderByDescending(m => m.Magnitude).ThenByDescending(m => m.Imaginary)];

    private static double Norm(double[] v) => Math.Sqrt(v.Sum(e => e * e));

    private static bool AllFinite(double[] v) => v.All(double.IsFinite);
}
