using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Settings of <see cref="LyapunovSpectrum.Compute"/>; the defaults suit Lorenz-63.</summary>
public sealed record LyapunovOptions
{
    /// <summary>RK4 step dt (default 0.01).</summary>
    public double Dt { get; init; } = 0.01;
    /// <summary>Steps over which the exponents are averaged (default 10⁵, i.e. 1000 time units at dt 0.01).</summary>
    public int Steps { get; init; } = 100_000;
    /// <summary>Steps of the state alone before the tangent vectors start, to land on the attractor (default 10⁴).</summary>
    public int TransientSteps { get; init; } = 10_000;
    /// <summary>Re-orthogonalise the tangent vectors (Gram–Schmidt, the QR step) every this many steps (default 1).</summary>
    public int RenormEvery { get; init; } = 1;
    /// <summary>Number k ≤ n of leading exponents to compute; null for all n.</summary>
    public int? Count { get; init; }
    /// <summary>Largest number of points kept of the running estimate (default 300).</summary>
    public int HistoryPoints { get; init; } = 300;
}

/// <summary>A Lyapunov spectrum and how its estimate converged.</summary>
/// <param name="Exponents">λ₁ ≥ … ≥ λ_k, per unit time.</param>
/// <param name="Times">Averaging times (after the transient) of the running estimate.</param>
/// <param name="RunningEstimate">Row i holds the exponents as estimated up to Times[i] (for convergence plots).</param>
/// <param name="FinalState">State at the end of the run.</param>
public sealed record LyapunovSpectrumResult(double[] Exponents, double[] Times, double[,] RunningEstimate, double[] FinalState)
{
    /// <summary>Σλᵢ; for all n exponents it equals the time-averaged divergence of f (−(σ+1+β) for Lorenz-63).</summary>
    public double Sum => Exponents.Sum();
}

/// <summary>
/// Lyapunov spectrum by the QR method (Benettin, Galgani, Giorgilli &amp; Strelcyn 1980, Meccanica 15:9–30;
/// Shimada &amp; Nagashima 1979, Prog. Theor. Phys. 61:1605): the state x and k tangent vectors Q evolve together,
/// dx/dt = f(x), dQ/dt = J(x)·Q, under RK4; every few steps Q = Q'R by modified Gram–Schmidt and
/// λᵢ = (1/T) Σ log|R_ii|.
/// </summary>
/// <remarks>
/// The columns are orthogonalised but normalised lazily: the tangent flow is linear, so a column's length only scales it,
/// and the length of column j after orthogonalisation is exactly the product of the R_jj so far. A length is folded into
/// a log-sum only when it leaves [1e-100, 1e100]; this saves a square root and a logarithm per column and step.
/// Fields that implement <see cref="IJacobianProduct"/> supply J(x)·q themselves; any other field through its dense Jacobian.
/// </remarks>
public static class LyapunovSpectrum
{
    /// <summary>The k leading Lyapunov exponents of <paramref name="field"/> along the orbit of <paramref name="initialState"/>.</summary>
    public static LyapunovSpectrumResult Compute(IVectorField field, double[] initialState, LyapunovOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(initialState);
        var o = options ?? new LyapunovOptions();
        int n = field.Dimension;
        int k = o.Count ?? n;
        Guard.Dimension(field, initialState, nameof(initialState));
        Guard.Positive(o.Dt, nameof(o.Dt));
        if (o.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), o.Steps, "Steps must be at least 1.");
        if (o.TransientSteps < 0) throw new ArgumentOutOfRangeException(nameof(options), o.TransientSteps, "TransientSteps must be 0 or more.");
        if (o.RenormEvery < 1) throw new ArgumentOutOfRangeException(nameof(options), o.RenormEvery, "RenormEvery must be at least 1.");
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(options), k, $"Count must be between 1 and the dimension {n}.");
        if (o.HistoryPoints < 1) throw new ArgumentOutOfRangeException(nameof(options), o.HistoryPoints, "HistoryPoints must be at least 1.");

        var state = (double[])initialState.Clone();
        var rk4 = ButcherTableau.Rk4;
        var flow = new FieldDerivative(field);
        var work = new double[RungeKuttaStepper.WorkspaceLength(rk4, n + n * k)];
        for (int s = 0; s < o.TransientSteps; s++) RungeKuttaStepper.Advance(ref flow, rk4, state, o.Dt, work);
        Trajectories.CheckFinite(state, o.TransientSteps, o.Dt);

        // y = [x; q_1; …; q_k], the tangent vectors stored one after another, starting as the first k unit vectors.
        var y = new double[n + n * k];
        state.CopyTo(y, 0);
        for (int j = 0; j < k; j++) y[n + j * n + j] = 1.0;
        var tangent = new TangentFlow(field);

        int renorms = (o.Steps + o.RenormEvery - 1) / o.RenormEvery;
        int stride = (renorms + o.HistoryPoints - 1) / o.HistoryPoints;
        var times = new List<double>(o.HistoryPoints + 1);
        var history = new List<double[]>(o.HistoryPoints + 1);
        var growth = new ColumnGrowth(k);
        int untilRenorm = o.RenormEvery, untilRecord = stride;   // countdowns: no integer division in the loop
        for (int s = 1; s <= o.Steps; s++)
        {
            RungeKuttaStepper.Advance(ref tangent, rk4, y, o.Dt, work);
            if (--untilRenorm > 0 && s != o.Steps) continue;
            untilRenorm = o.RenormEvery;
            if (!growth.Orthogonalise(y.AsSpan(n), n))
                throw new InvalidOperationException(
                    $"The tangent vectors are no longer finite at step {o.TransientSteps + s} (t = {(o.TransientSteps + s) * o.Dt}); the orbit diverged or Dt = {o.Dt} is too large. Reduce Dt, renormalise more often, or check the initial state.");
            if (--untilRecord == 0 || s == o.Steps)
            {
                untilRecord = stride;
                double t = s * o.Dt;
                times.Add(t);
                history.Add(growth.LogLengths().Select(v => v / t).ToArray());
            }
        }

        double total = o.Steps * o.Dt;
        var running = new double[history.Count, k];
        for (int i = 0; i < history.Count; i++)
            for (int j = 0; j < k; j++) running[i, j] = history[i][j];
        return new LyapunovSpectrumResult(growth.LogLengths().Select(v => v / total).ToArray(), times.ToArray(), running, y[..n]);
    }

    /// <summary>The k tangent vectors' accumulated growth Σ log|R_jj|: a log-sum of folded-out lengths plus the current lengths.</summary>
    private sealed class ColumnGrowth(int k)
    {
        private readonly double[] foldedLogs = new double[k];
        private readonly double[] inverseSquaredLengths = Enumerable.Repeat(1.0, k).ToArray();

        /// <summary>
        /// Modified Gram–Schmidt without normalisation on the k columns q_j (each length n, stored consecutively), in place:
        /// q_j ← q_j − Σ_{i&lt;j} (q_i·q_j / q_i·q_i) q_i. False if a length is no longer a finite positive number.
        /// </summary>
        public bool Orthogonalise(Span<double> q, int n)
        {
            for (int j = 0; j < k; j++)
            {
                var qj = q.Slice(j * n, n);
                for (int i = 0; i < j; i++)
                {
                    var qi = q.Slice(i * n, n);
                    SpanMath.AddScaled(qj, -SpanMath.Dot(qi, qj) * inverseSquaredLengths[i], qi, qj);
                }
                double squared = SpanMath.Dot(qj, qj);
                if (!(squared >= 1e-200 && squared <= 1e200))
                {
                    if (!(squared > 0) || !double.IsFinite(squared)) return false;
                    double length = Math.Sqrt(squared);
                    for (int d = 0; d < n; d++) qj[d] /= length;
                    foldedLogs[j] += Math.Log(length);
                    squared = 1.0;
                }
                inverseSquaredLengths[j] = 1.0 / squared;
            }
            return true;
        }

        /// <summary>Σ log|R_jj| so far for every column: the folded logs plus the log of the current length.</summary>
        public double[] LogLengths() => foldedLogs.Select((folded, j) => folded - 0.5 * Math.Log(inverseSquaredLengths[j])).ToArray();
    }
}
