using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Integrates with an embedded Runge–Kutta pair, choosing each step from the local error estimate
/// (Hairer, Nørsett &amp; Wanner, Solving Ordinary Differential Equations I, II.4); steps are shortened to land on output times.</summary>
internal static class AdaptiveSolver
{
    const double Safety = 0.9, MinFactor = 0.2, MaxFactor = 10.0;

    /// <summary>The states at every output time, y(times[0]) = y0.</summary>
    internal static List<Tensor> Solve(ButcherTableau tableau, OdeFunction f, Tensor y0, double[] times, TorchOdeOptions options)
    {
        var states = new List<Tensor>(times.Length) { y0 };
        if (times.Length == 1) return states;
        var y = y0;
        double t = times[0];
        var stage = f.Evaluate(t, y);
        double h = Math.Min(options.FirstStep ?? InitialStep(tableau, f, t, y, stage, options), options.MaxStep);
        int steps = 0;
        bool ownsState = false;
        double exponent = -1.0 / tableau.Order;
        for (int i = 1; i < times.Length; i++)
        {
            while (t < times[i])
            {
                double remaining = times[i] - t;
                bool landing = h >= remaining;
                double hStep = landing ? remaining : h;
                if (steps >= options.MaxSteps)
                    throw new OdeIntegrationException(
                        $"{tableau.Name} used its budget of MaxSteps = {options.MaxSteps} steps at t = {t} (aiming for t = {times[^1]}, step {hStep:G3}); " +
                        "increase MaxSteps, loosen Rtol/Atol, or check the vector field for stiffness or blow-up.", t, steps);
                if (hStep < options.MinStep || t + hStep == t)
                    throw new OdeIntegrationException(
                        $"{tableau.Name} step underflow at t = {t} after {steps} steps: the step {hStep:G3} fell below MinStep = {options.MinStep:G3}. " +
                        "The solution may blow up or be very stiff there; loosen Rtol/Atol, lower MinStep, or use a fixed-step method.", t, steps);
                steps++;
                // each attempt's temporaries are released at once (autograd keeps what it needs), so memory does not grow with the steps
                using var scope = torch.NewDisposeScope();
                var step = RungeKuttaStep.Take(tableau, f, t, y, hStep, stage);
                double ratio = ErrorRatio(step.Error!, y, step.Next, options);
                bool accepted = ratio <= 1.0;
                double factor = double.IsFinite(ratio)
                    ? Math.Clamp(Safety * Math.Pow(Math.Max(ratio, 1e-10), exponent), MinFactor, accepted ? MaxFactor : 1.0)
                    : MinFactor;
                if (accepted)
                {
                    t = landing ? times[i] : t + hStep;
                    var next = scope.MoveToOuter(step.Next);
                    var nextStage = scope.MoveToOuter(tableau.FirstSameAsLast ? step.LastStage : f.Evaluate(t, next));
                    if (ownsState) y.Dispose();
                    stage.Dispose();
                    (y, stage, ownsState) = (next, nextStage, true);
                    h = Math.Min(landing ? Math.Max(h, hStep * factor) : hStep * factor, options.MaxStep);
                }
                else h = hStep * factor;
            }
            states.Add(y);
            ownsState = false;
        }
        return states;
    }

    /// <summary>RMS norm of the error scaled by Atol + Rtol·max(|y|, |y'|); infinity when not finite.</summary>
    static double ErrorRatio(Tensor error, Tensor y, Tensor next, TorchOdeOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var scale = torch.maximum(y.abs(), next.abs()).mul_(options.Rtol).add_(options.Atol);
        double ratio = RmsNorm(error.div(scale));
        return double.IsFinite(ratio) ? ratio : double.PositiveInfinity;
    }

    static double RmsNorm(Tensor x) => x.square().mean().sqrt().to(ScalarType.Float64).item<double>();

    /// <summary>A first step from the sizes of y, f(y) and the change of f over a trial Euler step (Hairer et al. I, II.4).</summary>
    static double InitialStep(ButcherTableau tableau, OdeFunction f, double t, Tensor y, Tensor f0, TorchOdeOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var scale = y.abs().mul(options.Rtol).add_(options.Atol);
        double d0 = RmsNorm(y.div(scale)), d1 = RmsNorm(f0.div(scale));
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        var f1 = f.Evaluate(t + h0, y.add(f0, alpha: h0));
        double d2 = RmsNorm(f1.sub(f0).div_(scale)) / h0;
        double dMax = Math.Max(d1, d2);
        double h1 = dMax <= 1e-15 ? Math.Max(1e-6, h0 * 1e-3) : Math.Pow(0.01 / dMax, 1.0 / (tableau.Order + 1));
        double h = Math.Min(100 * h0, h1);
        return double.IsFinite(h) && h > 0 ? h : 1e-6;
    }
}
