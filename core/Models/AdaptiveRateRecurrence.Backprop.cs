using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>Backpropagation through the accepted steps of the fused adaptive recurrence, their sizes frozen: the exact gradient of
/// the discrete map that the forward pass applied.</summary>
/// <remarks>Per accepted step of size h, in reverse, as for the fixed steps (RateRecurrence.Backprop.cs): with ḡ = ∂L/∂h₊,
/// κ_i = h γ ⊙ (b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m), δ_i = κ_i ⊙ φ'(u_i), ∂L/∂x_i = δ_i W − κ_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i,
/// ∂L/∂W += Σ_i δ_iᵀ x_i (one product per step) and ∂L/∂z_k += Σ_i δ_i. Stages after the last one with b_i ≠ 0 (Dopri5's
/// first-same-as-last stage, used only for the error estimate) do not reach h₊ and are skipped.</remarks>
internal sealed partial class AdaptiveRateRecurrence
{
    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W (this block's share)] for one block, from the accepted steps (<paramref name="plan"/>) and
    /// their stage inputs and slopes (<paramref name="kept"/>: two tensors per step).</summary>
    static Tensor[] Backprop<T>(StepWeights<T> weights, Tensor weight, List<AcceptedStep> plan, Tensor[] kept, Tensor gradOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int active = weights.ActiveStages;
        long batch = gradOutput.shape[0], n = weight.shape[0];
        int size = checked((int)(batch * n)), samples = plan.Count == 0 ? 0 : plan[^1].Sample + 1;
        var gradient = gradOutput.clone();
        var gradDrive = torch.zeros([samples, batch, n], dtype: gradient.dtype, device: gradient.device);
        var gradWeight = torch.zeros_like(weight);
        var (deltaBuffer, gradStageBuffer) = (torch.empty([active, batch, n], dtype: gradient.dtype), torch.empty([active, batch, n], dtype: gradient.dtype));
        var (deltas, gradStages) = (deltaBuffer.unbind(0), gradStageBuffer.unbind(0));   // for addmm
        var deltaColumns = deltaBuffer.view(-1, n).t();
        Span<T> g = RateRecurrence.Whole<T>(gradient), allDeltas = RateRecurrence.Whole<T>(deltaBuffer), allGradStages = RateRecurrence.Whole<T>(gradStageBuffer);
        Span<T> allGradDrive = RateRecurrence.Whole<T>(gradDrive);
        Span<T> Slot(Span<T> buffer, int j) => buffer.Slice(j * size, size);
        for (int s = plan.Count - 1; s >= 0; s--)
        {
            weights.Scale(plan[s].Size);
            var (inputs, slopes) = (kept[2 * s], kept[2 * s + 1]);
            Span<T> allSlopes = RateRecurrence.Whole<T>(slopes), gradZ = Slot(allGradDrive, plan[s].Sample);
            for (int i = active - 1; i >= 0; i--)
            {
                // κ_i = h γ ⊙ (b_i ḡ + Σ_{m>i} a_mi ∂L/∂x_m); δ_i = κ_i ⊙ φ'(u_i); ∂L/∂x_i = δ_i W − κ_i (in κ_i's buffer); ∂L/∂z_k += δ_i
                var gi = Slot(allGradStages, i);
                TensorPrimitives.Multiply(g, weights.B[i], gi);
                for (int m = i + 1; m < active; m++)
                    if (weights.A[m][i] != T.Zero) TensorPrimitives.MultiplyAdd(Slot(allGradStages, m), weights.A[m][i], gi, gi);
                weights.Unit.ScaleByGamma(gi);
                Slot(allSlopes, i).CopyTo(Slot(allDeltas, i));
                RateRecurrence.DeltaAndNegate(Slot(allDeltas, i), gi, gradZ);
                gradStages[i].addmm_(deltas[i], weight);
            }
            // ∂L/∂h = ḡ + Σ_i ∂L/∂x_i; ∂L/∂W += Σ_i δ_iᵀ x_i in one product
            for (int i = 0; i < active; i++) TensorPrimitives.Add(g, Slot(allGradStages, i), g);
            gradWeight.addmm_(deltaColumns, inputs.narrow(0, 0, active).view(-1, n));
        }
        return [gradient, gradDrive, gradWeight];
    }
}
