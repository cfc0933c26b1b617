using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>Trajectories sampled on a fixed time grid with the classical fourth-order Runge–Kutta method.</summary>
public static class Trajectories
{
    /// <summary>
    /// Integrates dx/dt = f(x) from <paramref name="initialState"/> with RK4 at step dt, discards the first
    /// <paramref name="transientSteps"/> steps and returns <paramref name="samples"/> states, one per step:
    /// row i is x((transientSteps + i)·dt), so row 0 is the state right after the transient.
    /// </summary>
    /// <remarks>Fixed-step RK4 has global error O(dt⁴); dt = 0.01 suits Lorenz-63, Rössler and Van der Pol.</remarks>
    public static double[,] SampleRk4(IVectorField field, double[] initialState, double dt, int samples, int transientSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(initialState);
        Guard.Dimension(field, initialState, nameof(initialState));
        Guard.Positive(dt, nameof(dt));
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "samples must be at least 1.");
        if (transientSteps < 0) throw new ArgumentOutOfRangeException(nameof(transientSteps), transientSteps, "transientSteps must be 0 or more.");

        int n = field.Dimension;
        var rk4 = ButcherTableau.Rk4;
        var flow = new FieldDerivative(field);
        var state = (double[])initialState.Clone();
        var work = new double[RungeKuttaStepper.WorkspaceLength(rk4, n)];
        for (int s = 0; s < transientSteps; s++) RungeKuttaStepper.Advance(ref flow, rk4, state, dt, work);
        CheckFinite(state, transientSteps, dt);

        var result = new double[samples, n];
        for (int i = 0; i < samples; i++)
        {
            if (i > 0) RungeKuttaStepper.Advance(ref flow, rk4, state, dt, work);
            for (int d = 0; d < n; d++) result[i, d] = state[d];
        }
        CheckFinite(state, transientSteps + samples - 1, dt);
        return result;
    }

    /// <summary>Throws if the integrated state has blown up, saying when.</summary>
    internal static void CheckFinite(ReadOnlySpan<double> state, int step, double dt)
    {
        foreach (var v in state)
            if (!double.IsFinite(v))
                throw new InvalidOperationException(
                    $"The trajectory is no longer finite at step {step} (t = {step * dt}); the system diverged or dt = {dt} is too large for RK4. Reduce dt or check the initial state.");
    }
}
