using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>One explicit Runge–Kutta step over tensors, written with differentiable operations so autograd can backpropagate through it.</summary>
internal static class RungeKuttaStep
{
    /// <summary>The step's result: the new state, the local error estimate (embedded methods, else null) and the last stage (for reuse when first-same-as-last).</summary>
    internal readonly record struct Result(Tensor Next, Tensor? Error, Tensor LastStage);

    /// <summary>Takes one step of size h from (t, y); <paramref name="firstStage"/> = f(t, y) when already known.</summary>
    internal static Result Take(ButcherTableau tableau, OdeFunction f, double t, Tensor y, double h, Tensor? firstStage)
    {
        var stages = new Tensor[tableau.Stages];
        stages[0] = firstStage ?? f.Evaluate(t, y);
        for (int i = 1; i < stages.Length; i++)
            stages[i] = f.Evaluate(t + tableau.C[i] * h, Combine(y, h, tableau.A[i], stages));
        var next = Combine(y, h, tableau.B, stages);
        var error = tableau.BError is null ? null : Combine(null, h, tableau.BError, stages);
        return new Result(next, error, stages[^1]);
    }

    /// <summary>y + h Σ_j w_j k_j (or h Σ_j w_j k_j when y is null), skipping zero weights.</summary>
    /// <remarks>Each factor is an explicit Scalar disposed after its call: an implicitly converted one is referenced by nothing once
    /// its handle is passed, so the garbage collector may finalize (free) it while libtorch still reads it.</remarks>
    static Tensor Combine(Tensor? y, double h, double[] weights, Tensor[] stages)
    {
        Tensor? sum = y;
        for (int j = 0; j < weights.Length; j++)
        {
            if (weights[j] == 0.0) continue;
            using var factor = (h * weights[j]).ToScalar();
            sum = sum is null ? stages[j].mul(factor) : sum.add(stages[j], alpha: factor);
        }
        return sum ?? torch.zeros_like(stages[0]);
    }
}
