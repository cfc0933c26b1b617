using System.Numerics;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>The adjoint method for the fused rate recurrence (Chen et al. 2018, "Neural Ordinary Differential Equations", Alg. 1):
/// over each sample interval, from its end back to its start, the state h and the adjoint a = ∂L/∂h are integrated together in
/// reversed time s = −t by the forward pass's tableau and step, and the parameter gradients accumulate along the way.</summary>
/// <remarks>
/// With f = γ ⊙ (−h + φ(u)), u = h Wᵀ + z_k and δ = γ ⊙ a ⊙ φ'(u): dh/ds = −f = γ ⊙ (h − φ(u)), da/ds = aᵀ∂f/∂h = δ W − γ ⊙ a,
/// d(∂L/∂W)/ds = aᵀ∂f/∂W = δᵀ h, d(∂L/∂z_k)/ds = δ. Each sample's solve restarts h from the value the forward pass kept at the
/// sample's end (the drive jumps there), exactly as <see cref="Torch.TorchOde.OdeintAdjoint"/> does for one interval, so the two
/// give the same gradients; both differ from backpropagation's by the solver's error (O(Δt⁴) for RK4). The buffers are those of
/// one step, whatever the number of steps per sample; ∂L/∂W takes one matrix product per step over all its stages.
/// Per stage: u_i by an in-place addmm, then K^h_i, δ_i and K^a_i = δ_i W − γ ⊙ a_i (a second addmm) on the spans.
/// </remarks>
internal sealed partial class RateRecurrence
{
    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W (this block's share)] for one block of the batch by the adjoint method, from h at the end of
    /// every sample (<paramref name="ends"/>) and the block's drive.</summary>
    static Tensor[] Adjoint<T>(Settings settings, Rates<T> rates, Tensor weight, Tensor ends, Tensor drive, Tensor gradOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stageCount = settings.Tableau.Stages, stepsPerSample = settings.StepsPerSample;
        long samples = ends.shape[0], batch = gradOutput.shape[0], n = weight.shape[0];
        int size = checked((int)(batch * n));
        var weightT = weight.t().contiguous();
        Tensor StageBuffer() => torch.empty([stageCount, batch, n], dtype: gradOutput.dtype, device: gradOutput.device);
        // stage inputs of h and a (slot 0 holds h and a themselves, updated in place), the stages' slopes K^h and K^a, and δ
        var (hInputs, aInputs, hRates, aRates, deltas) = (StageBuffer(), StageBuffer(), StageBuffer(), StageBuffer(), StageBuffer());
        var activation = torch.empty_like(gradOutput);
        var slope = torch.empty_like(gradOutput);
        var gradWeight = torch.zeros_like(weight);
        var gradDrive = torch.zeros([samples, batch, n], dtype: gradOutput.dtype, device: gradOutput.device);
        var (hSlots, aRateSlots, deltaSlots) = (hInputs.unbind(0), aRates.unbind(0), deltas.unbind(0));   // for addmm
        var (deltaColumns, hRows) = (deltas.view(-1, n).t(), hInputs.view(-1, n));   // all stages at once, for ∂L/∂W
        Span<T> allH = Whole<T>(hInputs), allA = Whole<T>(aInputs), allKh = Whole<T>(hRates), allKa = Whole<T>(aRates), allDelta = Whole<T>(deltas);
        Span<T> u = Whole<T>(activation), phiSlope = Whole<T>(slope), allEnds = Whole<T>(ends), allDrive = Whole<T>(drive), allGradDrive = Whole<T>(gradDrive);
        Span<T> Slot(Span<T> buffer, int j) => buffer.Slice(j * size, size);
        Span<T> h = Slot(allH, 0), a = Slot(allA, 0);
        Whole<T>(gradOutput).CopyTo(a);
        for (int k = (int)samples - 1; k >= 0; k--)
        {
            Slot(allEnds, k).CopyTo(h);
            Span<T> z = Slot(allDrive, k), gradZ = Slot(allGradDrive, k);
            for (int step = 0; step < stepsPerSample; step++)
            {
                for (int i = 0; i < stageCount; i++)
                {
                    Span<T> hi = Slot(allH, i), ai = Slot(allA, i), delta = Slot(allDelta, i);
                    if (i > 0)
                    {
                        Combine(h, rates.A[i].AsSpan(0, i), allKh, hi);
                        Combine(a, rates.A[i].AsSpan(0, i), allKa, ai);
                    }
                    activation.addmm_(hSlots[i], weightT, beta: 0);
                    TensorPrimitives.Add(u, z, u);
                    settings.Activation.ApplyWithSlope(u, phiSlope);
                    // K^h_i = γ ⊙ (h_i − φ(u_i)), δ_i = γ ⊙ a_i ⊙ φ'(u_i), K^a_i = δ_i W − γ ⊙ a_i (u's buffer, φ being used, is scratch)
                    var khi = Slot(allKh, i);
                    TensorPrimitives.Subtract(hi, u, khi);
                    rates.ScaleByGamma(khi);
                    TensorPrimitives.Multiply(ai, phiSlope, delta);
                    rates.ScaleByGamma(delta);
                    aRateSlots[i].addmm_(deltaSlots[i], weight, beta: 0);
                    var kai = Slot(allKa, i);
                    TensorPrimitives.Subtract(kai, rates.ScaledByGamma(ai, u), kai);
                    // the step's weight b_i (times Δt) on δ_i, for ∂L/∂z_k here and ∂L/∂W after the stages
                    TensorPrimitives.Multiply(delta, rates.B[i], delta);
                    TensorPrimitives.Add(gradZ, delta, gradZ);
                }
                // ∂L/∂W += Σ_i (b_i Δt δ_i)ᵀ h_i over the step's stages in one product, before h moves on
                gradWeight.addmm_(deltaColumns, hRows);
                Combine(h, rates.B, allKh, h);
                Combine(a, rates.B, allKa, a);
            }
        }
        return [aInputs[0].clone(), gradDrive, gradWeight];
    }
}
