using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Integrates with an embedded Runge–Kutta pair, each step accepted or rejected and the next one sized by the shared
/// <see cref="StepSizeController"/> from the step's error norm (Hairer, Nørsett &amp; Wanner, Solving Ordinary Differential Equations I, II.4);
/// steps are shortened to land on output times, and a step shortened to land does not shrink the next one.</summary>
internal static class AdaptiveSolver
{
    /// <summary>The states at every output time, y(times[0]) = y0.</summary>
    internal static List<Tensor> Solve(ButcherTableau tableau, OdeFunction f, Tensor y0, double[] times, TorchOdeOptions options)
    {
        var states = new List<Tensor>(times.Length) { y0 };
        if (times.Length == 1) return states;
        var y = y0;
        double t = times[0];
        // an embedded pair of order p estimates its error with a solution of order p − 1
        var controller = new StepSizeController(tableau.Order - 1);
        var stage = f.Evaluate(t, y);
        double h = Math.Min(options.FirstStep ?? InitialStep(controller, f, t, y, stage, times[^1] - t, options), options.MaxStep);
        int steps = 0;
        bool ownsState = false, retried = false;
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
                var decision = controller.Decide(ErrorNorm(step.Error!, y, step.Next, options), retried);
                double factor = decision.Factor;
                retried = !decision.Accepted;
                if (decision.Accepted)
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

    /// <summary>RMS norm of the error scaled by Atol + Rtol·max(|y|, |y'|) (NaN or infinity when a stage was not finite).</summary>
    static double ErrorNorm(Tensor error, Tensor y, Tensor next, TorchOdeOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        // explicit: see RungeKuttaStep.Combine (α = 1 too, which add_(Scalar) would convert implicitly)
        using Scalar rtol = options.Rtol.ToScalar(), atol = options.Atol.ToScalar(), one = 1.ToScalar();
        var scale = torch.maximum(y.abs(), next.abs()).mul_(rtol).add_(atol, alpha: one);
        return RmsNorm(error.div(scale));
    }

    static double RmsNorm(Tensor x)
    {
        using var two = 2.ToScalar();   // explicit: see RungeKuttaStep.Combine (square() would convert 2 implicitly)
        return x.pow(two).mean().sqrt().to(ScalarType.Float64).item<double>();
    }

    /// <summary>A first step from the sizes of y, f(y) and the change of f over a trial Euler step (Hairer et al. I, II.4;
    /// <see cref="StepSizeController.ProbeStep"/> and <see cref="StepSizeController.InitialStep"/>).</summary>
    static double InitialStep(StepSizeController controller, OdeFunction f, double t, Tensor y, Tensor f0, double span, TorchOdeOptions options)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using Scalar rtol = options.Rtol.ToScalar(), atol = options.Atol.ToScalar(), one = 1.ToScalar();   // explicit: see ErrorNorm
        var scale = y.abs().mul(rtol).add_(atol, alpha: one);
        double d1 = RmsNorm(f0.div(scale));
        double h0 = StepSizeController.ProbeStep(RmsNorm(y.div(scale)), d1, span);
        using var step = h0.ToScalar();
        var f1 = f.Evaluate(t + h0, y.add(f0, alpha: step));
        double d2 = RmsNorm(f1.sub(f0).div_(scale)) / h0;
        return controller.InitialStep(h0, d1, d2, span, options.MaxStep);
    }
}
