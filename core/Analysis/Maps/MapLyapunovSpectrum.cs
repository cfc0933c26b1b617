using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>Settings of <see cref="MapLyapunovSpectrum.Compute"/>.</summary>
public sealed record MapLyapunovOptions
{
    /// <summary>Iterations over which the exponents are averaged (default 10⁴).</summary>
    public int Iterations { get; init; } = 10_000;
    /// <summary>Iterations of the state alone before the tangent vectors start, to land on the attractor (default 1000).</summary>
    public int TransientIterations { get; init; } = 1_000;
    /// <summary>Time one iteration stands for, so the exponents come per unit of that time: 1 (default) for per iteration; for a network trained on
    /// samples dt = 0.01 apart, 0.01 reports them per Lorenz time unit.</summary>
    public double TimePerIteration { get; init; } = 1.0;
    /// <summary>Number k ≤ n of leading exponents to compute; null for all n.</summary>
    public int? Count { get; init; }
    /// <summary>Largest number of points kept of the running estimate (default 300).</summary>
    public int HistoryPoints { get; init; } = 300;
}

/// <summary>Lyapunov spectrum of a map by the QR method on Jacobian products (Eckmann &amp; Ruelle 1985, Rev. Mod. Phys. 57:617; Benettin et al. 1980):
/// Q_{k+1} R_{k+1} = J(h_k) Q_k by modified Gram–Schmidt, h_{k+1} = G(h_k), λ_i = Σ_k log R_ii / (K · time per iteration).</summary>
public static class MapLyapunovSpectrum
{
    /// <summary>The k leading Lyapunov exponents of <paramref name="map"/> along the orbit of <paramref name="initialState"/>, per unit of
    /// <see cref="MapLyapunovOptions.TimePerIteration"/>; an orbit that leaves the finite numbers throws, naming the iteration.</summary>
    public static LyapunovSpectrumResult Compute(IMap map, double[] initialState, MapLyapunovOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(map);
        var o = options ?? new MapLyapunovOptions();
        int n = map.Dimension, k = o.Count ?? n;
        Guard.Dimension(map, initialState, nameof(initialState));
        Guard.Positive(o.TimePerIteration, "MapLyapunovOptions.TimePerIteration");
        if (o.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(options), o.Iterations, "MapLyapunovOptions.Iterations must be at least 1.");
        if (o.TransientIterations < 0) throw new ArgumentOutOfRangeException(nameof(options), o.TransientIterations, "MapLyapunovOptions.TransientIterations must be 0 or more.");
        if (k < 1 || k > n) throw new ArgumentOutOfRangeException(nameof(options), k, $"MapLyapunovOptions.Count must be between 1 and the dimension {n}.");
        if (o.HistoryPoints < 1) throw new ArgumentOutOfRangeException(nameof(options), o.HistoryPoints, "MapLyapunovOptions.HistoryPoints must be at least 1.");

        var h = (double[])initialState.Clone();
        var next = new double[n];
        void Step(int iteration)
        {
            map.Apply(h, next);
            if (!next.All(double.IsFinite))
                throw new InvalidOperationException($"The map {map.GetType().Name} returned a non-finite state (NaN or infinity) at iteration {iteration}: the orbit diverged; start on the attractor or check the map.");
            (h, next) = (next, h);
        }
        for (int s = 1; s <= o.TransientIterations; s++) Step(s);

        var jacobian = new double[n * n];
        var q = new double[k * n];   // the k tangent vectors, one after another
        var image = new double[k * n];
        for (int j = 0; j < k; j++) q[j * n + j] = 1;
        var logSums = new double[k];
        int stride = (o.Iterations + o.HistoryPoints - 1) / o.HistoryPoints;
        var times = new List<double>();
        var history = new List<double[]>();
        for (int s = 1; s <= o.Iterations; s++)
        {
            map.Jacobian(h, jacobian);
            for (int j = 0; j < k; j++)
            {
                var source = q.AsSpan(j * n, n);
                var target = image.AsSpan(j * n, n);
                for (int i = 0; i < n; i++) target[i] = SpanMath.Dot(jacobian.AsSpan(i * n, n), source);
            }
            Step(o.TransientIterations + s);
            // modified Gram–Schmidt: image = Q R, Q back into q, log R_jj summed
            for (int j = 0; j < k; j++)
            {
                var column = image.AsSpan(j * n, n);
                for (int i = 0; i < j; i++)
                {
                    var basis = q.AsSpan(i * n, n);
                    SpanMath.AddScaled(column, -SpanMath.Dot(basis, column), basis, column);
                }
                double length = Math.Sqrt(SpanMath.Dot(column, column));
                if (!(length > 0) || !double.IsFinite(length))
                    throw new InvalidOperationException($"The tangent vectors of {map.GetType().Name} collapsed or overflowed at iteration {o.TransientIterations + s} (|R_{j}{j}| = {length}): " +
                        "the Jacobian is singular or not finite there; ask for fewer exponents (Count) or check the map.");
                logSums[j] += Math.Log(length);
                for (int d = 0; d < n; d++) q[j * n + d] = column[d] / length;
            }
            if (s % stride == 0 || s == o.Iterations)
            {
                double t = s * o.TimePerIteration;
                times.Add(t);
                history.Add(logSums.Select(v => v / t).ToArray());
            }
        }
        var running = new double[history.Count, k];
        for (int i = 0; i < history.Count; i++)
            for (int j = 0; j < k; j++) running[i, j] = history[i][j];
        return new LyapunovSpectrumResult(history[^1], [.. times], running, h);
    }
}
