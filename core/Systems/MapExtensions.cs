namespace NeuroDyn.Systems;

/// <summary>Allocating conveniences over <see cref="IMap"/> for the REPL, for analyses that set up and for tests (not for inner loops).</summary>
public static class MapExtensions
{
    /// <summary>G(h) as a new array, after checking that h has the map's dimension and finite entries.</summary>
    public static double[] Apply(this IMap map, double[] state)
    {
        Guard.Dimension(map, state, nameof(state));
        var next = new double[map.Dimension];
        map.Apply(state, next);
        return next;
    }

    /// <summary>The Jacobian ∂G/∂h at h as an n×n array.</summary>
    public static double[,] Jacobian(this IMap map, double[] state)
    {
        Guard.Dimension(map, state, nameof(state));
        int n = map.Dimension;
        var flat = new double[n * n];
        map.Jacobian(state, flat);
        var jacobian = new double[n, n];
        Buffer.BlockCopy(flat, 0, jacobian, 0, flat.Length * sizeof(double));
        return jacobian;
    }

    /// <summary>The orbit h_0, h_1 = G(h_0), …, h_steps as rows of a (steps + 1)×n matrix; a non-finite iterate throws, naming the iteration.</summary>
    public static double[,] Iterate(this IMap map, double[] initialState, int steps)
    {
        Guard.Dimension(map, initialState, nameof(initialState));
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be 0 or more.");
        int n = map.Dimension;
        var orbit = new double[steps + 1, n];
        var h = (double[])initialState.Clone();
        var next = new double[n];
        for (int k = 0; ; k++)
        {
            for (int j = 0; j < n; j++) orbit[k, j] = h[j];
            if (k == steps) return orbit;
            map.Apply(h, next);
            if (!next.All(double.IsFinite))
                throw new InvalidOperationException($"The map {map.GetType().Name} returned a non-finite state (NaN or infinity) at iteration {k + 1}: the orbit diverged; start elsewhere or check the map.");
            (h, next) = (next, h);
        }
    }
}
