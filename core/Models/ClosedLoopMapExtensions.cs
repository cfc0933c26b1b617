using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>Allocating conveniences over <see cref="IClosedLoopMap"/>.</summary>
public static class ClosedLoopMapExtensions
{
    /// <summary>The model's free run from a map state: the predictions x̂ at s, G(s), …, G^{steps−1}(s) as rows (steps×D) — from the state after a
    /// warm-up window, the model's closed-loop rollout of that window. A non-finite state throws, naming the iteration.</summary>
    public static double[,] FreeRun(this IClosedLoopMap map, double[] state, int steps)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 1.");
        var orbit = map.Iterate(state, steps - 1);
        int m = map.Dimension, d = map.OutputSize;
        var predictions = new double[steps, d];
        var s = new double[m];
        var x = new double[d];
        for (int k = 0; k < steps; k++)
        {
            for (int j = 0; j < m; j++) s[j] = orbit[k, j];
            map.Prediction(s, x);
            for (int j = 0; j < d; j++) predictions[k, j] = x[j];
        }
        return predictions;
    }
}
