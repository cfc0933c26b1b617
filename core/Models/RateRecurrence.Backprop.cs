using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>Backpropagation through the steps of the fused rate recurrence: the exact gradient of the discrete map.</summary>
/// <remarks>The exact reverse of the forward operations: with ḡ = ∂L/∂h', κ_i = Δt γ ⊙ (b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m),
/// δ_i = κ_i ⊙ φ'(u_i), ∂L/∂x_i = δ_i W − κ_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i; then, for all stages at once, ∂L/∂W = Σ δ_iᵀ x_i
/// (one matrix product) and ∂L/∂z_k = Σ over the sample's stages of δ_i.</remarks>
internal sealed partial class RateRecurrence
{
    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W (this block's share)] for one block of the batch, by running its recorded steps in reverse.</summary>
    /// <remarks>δ_i overwrites a copy of the saved slopes, κ_i and then ∂L/∂x_i share one buffer per stage, ∂L/∂h accumulates
    /// in a copy of the incoming gradient and ∂L/∂z_k in its row of the drive's gradient.</remarks>
    static Tensor[] Backprop<T>(Settings settings, Rates<T> rates, Tensor weight, Tensor inputs, Tensor slopes, Tensor gradOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perStep = stageCount * settings.StepsPerSample;
        long batch = gradOutput.shape[0], n = weight.shape[0];
        int size = checked((int)(batch * n));
        var gradient = gradOutput.clone();
        var allDeltas = slopes.clone();
        var deltas = allDeltas.unbind(0);   // tensors of the slots, for addmm
        var gradDrive = torch.zeros([deltas.Length / perStep, batch, n], dtype: gradient.dtype, device: gradient.device);
        var gradStageBuffer = torch.empty([stageCount, batch, n], dtype: gradient.dtype, device: gradient.device);
        var gradStages = gradStageBuffer.unbind(0);
        Span<T> g = Whole<T>(gradient), allDeltaSpan = Whole<T>(allDeltas), allGradDrive = Whole<T>(gradDrive), allGradStages = Whole<T>(gradStageBuffer);
        Span<T> Slot(Span<T> buffer, int j) => buffer.Slice(j * size, size);
        for (int slot = deltas.Length - stageCount; slot >= 0; slot -= stageCount)
        {
            var gradZ = Slot(allGradDrive, slot / perStep);
            for (int i = stageCount - 1; i >= 0; i--)
            {
                // κ_i = Δt γ ⊙ (b_i ḡ + Σ_{m>i} a_mi ∂L/∂x_m); δ_i = κ_i ⊙ φ'(u_i); ∂L/∂x_i = δ_i W − κ_i (in κ_i's buffer); ∂L/∂z_k += δ_i
                var gi = Slot(allGradStages, i);
                TensorPrimitives.Multiply(g, rates.B[i], gi);
                for (int m = i + 1; m < stageCount; m++)
                    if (rates.A[m][i] != T.Zero) TensorPrimitives.MultiplyAdd(Slot(allGradStages, m), rates.A[m][i], gi, gi);
                rates.ScaleByGamma(gi);
                DeltaAndNegate(Slot(allDeltaSpan, slot + i), gi, gradZ);
                gradStages[i].addmm_(deltas[slot + i], weight);
            }
            // ∂L/∂h = ḡ + Σ_i ∂L/∂x_i
            for (int i = 0; i < stageCount; i++) TensorPrimitives.Add(g, Slot(allGradStages, i), g);
        }
        var gradWeight = allDeltas.view(-1, n).t().mm(inputs.view(-1, n));
        return [gradient, gradDrive, gradWeight];
    }

    /// <summary>δ ← φ' ⊙ κ (δ holds φ' on entry), ∂L/∂z += δ, κ ← −κ: one pass instead of three.</summary>
    internal static void DeltaAndNegate<T>(Span<T> delta, Span<T> kappa, Span<T> gradDrive) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        for (; i <= delta.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var k = new Vector<T>(kappa[i..]);
            var d = new Vector<T>(delta[i..]) * k;
            d.CopyTo(delta[i..]);
            (new Vector<T>(gradDrive[i..]) + d).CopyTo(gradDrive[i..]);
            (-k).CopyTo(kappa[i..]);
        }
        for (; i < delta.Length; i++)
        {
            delta[i] *= kappa[i];
            gradDrive[i] += delta[i];
            kappa[i] = -kappa[i];
        }
    }

}
