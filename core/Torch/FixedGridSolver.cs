using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Integrates with a fixed-step Runge–Kutta method on a grid that contains every output time.</summary>
internal static class FixedGridSolver
{
    /// <summary>Steps in [a, b] for the largest step <paramref name="step"/>: ⌈(b − a)/step⌉, at least 1 (null step: 1).</summary>
    internal static int StepsBetween(double a, double b, double? step)
    {
        if (step is null) return 1;
        double n = Math.Ceiling((b - a) / step.Value * (1 - 1e-12));
        return (int)Math.Max(1.0, Math.Min(n, int.MaxValue));
    }

    /// <summary>The states at every output time, y(times[0]) = y0.</summary>
    internal static List<Tensor> Solve(ButcherTableau tableau, OdeFunction f, Tensor y0, double[] times, TorchOdeOptions options)
    {
        long total = 0;
        for (int i = 1; i < times.Length; i++) total += StepsBetween(times[i - 1], times[i], options.Step);
        if (total > options.MaxSteps)
            throw new OdeIntegrationException(
                $"{tableau.Name} with step {options.Step} would take {total} steps from t = {times[0]} to t = {times[^1]}, " +
                $"more than MaxSteps = {options.MaxSteps}; increase Step or MaxSteps.", times[0], 0);
        var states = new List<Tensor>(times.Length) { y0 };
        var y = y0;
        for (int i = 1; i < times.Length; i++)
        {
            int n = StepsBetween(times[i - 1], times[i], options.Step);
            double h = (times[i] - times[i - 1]) / n;
            for (int s = 0; s < n; s++)
            {
                // each step's temporaries are released at once (autograd keeps what it needs), so memory does not grow with the steps
                using var scope = torch.NewDisposeScope();
                var next = scope.MoveToOuter(RungeKuttaStep.Take(tableau, f, times[i - 1] + s * h, y, h, firstStage: null).Next);
                if (s > 0) y.Dispose();
                y = next;
            }
            states.Add(y);
        }
        return states;
    }
}
