using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>The adjoint method as a custom autograd function: forwards a plain solve without graph, backwards the augmented
/// system [y, a, g] from the last output time to the first (Chen et al. 2018, "Neural Ordinary Differential Equations", Alg. 1).</summary>
/// <remarks>Inputs: the <see cref="AdjointProblem"/>, y0, then the parameters. Output: the solution [T, ...y0.shape].
/// Backwards in time is solved as forwards in s = −t with the field negated, so the same solvers serve both directions.</remarks>
internal sealed class AdjointFunction : autograd.MultiTensorFunction<AdjointFunction>
{
    /// <inheritdoc/>
    public override string Name => "OdeintAdjoint";

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var problem = (AdjointProblem)vars[0];
        var solution = torch.stack(TorchOde.Solve(problem.F, (Tensor)vars[1], problem.Times, problem.Options));
        ctx.save_data("problem", problem);
        ctx.save_for_backward([solution]);
        return [solution];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        var problem = (AdjointProblem)ctx.get_data("problem");
        return BackwardGuard.Run(Name, problem.Parameters.Length + 1, () => Gradients(ctx, problem, gradOutputs[0]));
    }

    /// <summary>[null, ∂L/∂y0, ∂L/∂θ...] from the augmented system solved from the last output time to the first.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, AdjointProblem problem, Tensor gradSolution)
    {
        var solution = ctx.get_saved_variables()[0];
        var times = problem.Times;
        var parameters = problem.Parameters;
        int last = times.Length - 1;
        var shape = solution[0].shape;
        long n = solution[0].numel();

        var y = solution[last];
        var a = gradSolution[last];
        var g = parameters.Select(p => torch.zeros_like(p)).ToArray();
        Tensor Field(Tensor s, Tensor z) => AugmentedField(problem, shape, n, s, z);
        using var one = 1.ToScalar();   // explicit and disposed after use (Tensor + Tensor converts α = 1 implicitly): an implicit one may be finalized mid-call
        for (int i = last; i > 0; i--)
        {
            var augmented = torch.cat([y.reshape(-1), a.reshape(-1), .. g.Select(p => p.reshape(-1))]);
            Tensor end;
            try
            {
                end = TorchOde.Solve(Field, augmented, [-times[i], -times[i - 1]], problem.Options)[1];
            }
            catch (OdeIntegrationException e)
            {
                throw new OdeIntegrationException(
                    $"the adjoint solve backwards from t = {times[i]} to t = {times[i - 1]} failed at t = {-e.Time} (the solver ran in reversed time s = −t): {e.Message}",
                    -e.Time, e.Steps);
            }
            y = solution[i - 1];
            a = end.narrow(0, n, n).view(shape).add(gradSolution[i - 1], alpha: one);
            long offset = 2 * n;
            for (int j = 0; j < g.Length; j++)
            {
                long size = parameters[j].numel();
                g[j] = end.narrow(0, offset, size).view(parameters[j].shape);
                offset += size;
            }
        }
        return [null!, a, .. g];
    }

    /// <summary>d/ds [y, a, g] = [−f, aᵀ∂f/∂y, aᵀ∂f/∂θ] at t = −s: the adjoint system in reversed time, vector–Jacobian products by autograd.</summary>
    static Tensor AugmentedField(AdjointProblem problem, long[] shape, long n, Tensor s, Tensor z)
    {
        var y = z.narrow(0, 0, n).view(shape);
        var a = z.narrow(0, n, n).view(shape);
        var parameters = problem.Parameters;
        Tensor dy;
        IList<Tensor?> vjp;
        using (torch.enable_grad())
        {
            var yLeaf = y.detach().requires_grad_(true);
            var fy = problem.F(s.neg(), yLeaf);
            vjp = fy.requires_grad
                ? torch.autograd.grad([fy], [yLeaf, .. parameters], grad_outputs: [a], allow_unused: true)!
                : new Tensor?[parameters.Length + 1];
            dy = fy.detach().neg();
        }
        var pieces = new Tensor[parameters.Length + 2];
        pieces[0] = dy.reshape(-1);
        pieces[1] = OrZeros(vjp[0], y).reshape(-1);
        for (int j = 0; j < parameters.Length; j++)
            pieces[j + 2] = OrZeros(vjp[j + 1], parameters[j]).reshape(-1);
        return torch.cat(pieces);
    }

    /// <summary>The gradient, or zeros shaped like <paramref name="like"/> where autograd reports none (f does not depend on it).</summary>
    static Tensor OrZeros(Tensor? gradient, Tensor like) => gradient is null || gradient.IsInvalid ? torch.zeros_like(like) : gradient;
}
