using System.Numerics;
using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>The adjoint method for the fused adaptive recurrence (Chen et al. 2018, Alg. 1): over each sample interval, from its
/// end back to its start, h and the adjoint a = ∂L/∂h are integrated together in reversed time s = −t by the same embedded pair,
/// with error control of their own, and the parameter gradients accumulate along the accepted steps.</summary>
/// <remarks>
/// The augmented system is RateRecurrence.Adjoint.cs's: dh/ds = γ ⊙ (h − φ(u)), da/ds = δ W − γ ⊙ a with δ = γ ⊙ a ⊙ φ'(u),
/// d(∂L/∂W)/ds = δᵀ h, d(∂L/∂z_k)/ds = δ. Each interval is a fresh solve from h at the sample's end (kept by the forward pass)
/// and the running a: Hairer's first step and the shared <see cref="StepSizeController"/>, the error norm the RMS over the whole
/// batch of (h, a) — a seminorm that leaves out the parameter gradients, which only accumulate and feed nothing back (Kidger,
/// Chen &amp; Lyons 2021, "'Hey, that's not an ODE': faster ODE adjoints via seminorms"). The gradients therefore differ from
/// backpropagation's, and from the generic adjoint's (whose norm includes the parameter gradients), by the solvers' error.
/// h_i and a_i of a stage are one contiguous slot [2, B, n], so that the stage combinations and the error norm run on the pair.
/// </remarks>
internal sealed partial class AdaptiveRateRecurrence
{
    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W (this block's share)] for one block of the batch by the adjoint method, from h at the end of
    /// every sample (<paramref name="ends"/>) and the block's drive; the blocks agree on every step.</summary>
    static Tensor[] Adjoint<T>(Settings settings, StepWeights<T> weights, Tensor weight, Tensor ends, Tensor drive, Tensor gradOutput, Block block)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, last = stageCount - 1, active = weights.ActiveStages;
        long samples = ends.shape[0], batch = gradOutput.shape[0], n = weight.shape[0];
        int size = checked((int)(batch * n)), pair = 2 * size;
        var weightT = weight.t().contiguous();
        var controller = new StepSizeController(tableau.Order - 1);
        Tensor Buffer(long slots, long parts = 1) => torch.empty(parts == 1 ? [slots, batch, n] : [slots, parts, batch, n], dtype: gradOutput.dtype);
        // slot i of the pair buffers: (h_i, a_i) and (K^h_i, K^a_i); δ_i; the accepted step's b_i h δ_i and h_i for ∂L/∂W
        var (inputs, rates, deltas) = (Buffer(stageCount, 2), Buffer(stageCount, 2), Buffer(stageCount));
        var (weighted, stateRows) = (Buffer(active), Buffer(active));
        var (activation, slope) = (torch.empty_like(gradOutput), torch.empty_like(gradOutput));
        var (next, error, scale) = (Buffer(1, 2), Buffer(1, 2), Buffer(1, 2));
        var gradWeight = torch.zeros_like(weight);
        var gradDrive = torch.zeros([samples, batch, n], dtype: gradOutput.dtype);
        var hSlots = Enumerable.Range(0, stageCount).Select(i => inputs[i, 0]).ToArray();       // for addmm
        var aRateSlots = Enumerable.Range(0, stageCount).Select(i => rates[i, 1]).ToArray();
        var deltaSlots = deltas.unbind(0);
        var (weightedColumns, stateRowMatrix) = (weighted.view(-1, n).t(), stateRows.view(-1, n));
        Span<T> Part(Tensor buffer, int slot, int length) => RateRecurrence.Whole<T>(buffer).Slice(slot * length, length);
        Span<T> State(Tensor pairs, int slot) => Part(pairs, 2 * slot, size);       // h_i (or K^h_i) of a pair buffer
        Span<T> Costate(Tensor pairs, int slot) => Part(pairs, 2 * slot + 1, size);  // a_i (or K^a_i)
        // K^h_i = γ ⊙ (h_i − φ(u_i)), δ_i = γ ⊙ a_i ⊙ φ'(u_i), K^a_i = δ_i W − γ ⊙ a_i (u's buffer, φ being used, is scratch); γ folded when one number
        void Stage(int i, int k)
        {
            Span<T> u = RateRecurrence.Whole<T>(activation), phiSlope = RateRecurrence.Whole<T>(slope);
            activation.addmm_(hSlots[i], weightT, beta: 0);
            TensorPrimitives.Add(u, Part(drive, k, size), u);
            settings.Activation.ApplyWithSlope(u, phiSlope);
            Span<T> hi = State(inputs, i), ai = Costate(inputs, i);
            var khi = State(rates, i);
            TensorPrimitives.Subtract(hi, u, khi);
            weights.Unit.ScaleByGamma(khi);
            var delta = Part(deltas, i, size);
            TensorPrimitives.Multiply(ai, phiSlope, delta);
            weights.Unit.ScaleByGamma(delta);
            aRateSlots[i].addmm_(deltaSlots[i], weight, beta: 0);
            var kai = Costate(rates, i);
            TensorPrimitives.Subtract(kai, weights.Unit.ScaledByGamma(ai, u), kai);
        }
        RateRecurrence.Whole<T>(gradOutput).CopyTo(Costate(inputs, 0));
        for (int k = (int)samples - 1; k >= 0; k--)
        {
            Part(ends, k, size).CopyTo(State(inputs, 0));
            Stage(0, k);
            int sample = k;
            double h = FirstStep(settings, weights, controller, block, Part(inputs, 0, pair), Part(rates, 0, pair), Part(rates, 1, pair), Part(inputs, 1, pair),
                RateRecurrence.Whole<T>(scale), RateRecurrence.Whole<T>(error), () => Stage(1, sample), parts: 2);
            double t = 0;
            long accepted = 0, rejected = 0;
            bool retried = false;
            while (t < settings.SampleInterval)
            {
                double remaining = settings.SampleInterval - t;
                bool landing = h >= remaining;
                double hStep = landing ? remaining : h;
                CheckProgress(settings, t, hStep, accepted + rejected);
                weights.Scale(hStep);
                Span<T> y = Part(inputs, 0, pair), allK = RateRecurrence.Whole<T>(rates);
                for (int i = 1; i < stageCount; i++)
                {
                    RateRecurrence.Combine(y, weights.A[i].AsSpan(0, i), allK, Part(inputs, i, pair));
                    Stage(i, k);
                }
                var yNext = tableau.FirstSameAsLast ? Part(inputs, last, pair) : RateRecurrence.Whole<T>(next);
                if (!tableau.FirstSameAsLast) RateRecurrence.Combine(y, weights.B, allK, yNext);
                var errorSpan = RateRecurrence.Whole<T>(error);
                errorSpan.Clear();
                RateRecurrence.Combine(errorSpan, weights.E, allK, errorSpan);
                var decision = controller.Decide(block.Rms(ScaledSquares(settings, y, yNext, errorSpan, RateRecurrence.Whole<T>(scale)), parts: 2), retried);
                retried = !decision.Accepted;
                if (!decision.Accepted)
                {
                    rejected++;
                    h = hStep * decision.Factor;
                    continue;
                }
                accepted++;
                t = landing ? settings.SampleInterval : t + hStep;
                h = landing ? Math.Max(h, hStep * decision.Factor) : hStep * decision.Factor;
                // ∂L/∂z_k += Σ_i b_i h δ_i, ∂L/∂W += Σ_i (b_i h δ_i)ᵀ h_i in one product
                var gradZ = Part(gradDrive, k, size);
                for (int i = 0; i < active; i++)
                {
                    var weightedDelta = Part(weighted, i, size);
                    TensorPrimitives.Multiply(Part(deltas, i, size), weights.B[i], weightedDelta);
                    TensorPrimitives.Add(gradZ, weightedDelta, gradZ);
                    State(inputs, i).CopyTo(Part(stateRows, i, size));
                }
                gradWeight.addmm_(weightedColumns, stateRowMatrix);
                yNext.CopyTo(Part(inputs, 0, pair));
                if (tableau.FirstSameAsLast)
                {
                    Part(rates, last, pair).CopyTo(Part(rates, 0, pair));
                    Part(deltas, last, size).CopyTo(Part(deltas, 0, size));
                }
                else if (t < settings.SampleInterval) Stage(0, k);
            }
            if (block.Index == 0) settings.Tally.Add(true, accepted, rejected);
        }
        return [inputs[0, 1].clone(), gradDrive, gradWeight];
    }
}
