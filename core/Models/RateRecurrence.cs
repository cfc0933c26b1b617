using System.Numerics;
using NeuroDyn.Solvers;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>Rate dynamics dh/dt = γ ⊙ (−h + φ(h Wᵀ + z_k)), γ = 1/τ (one τ, or one per unit), z_k held over each sample interval,
/// integrated by a fixed-step Runge–Kutta tableau, as one autograd node with a hand-written backward pass.
/// Shared by <see cref="CtRnn"/> (φ = tanh, one τ) and <see cref="EiRateNetwork"/> (φ ≥ 0, τ_E and τ_I).</summary>
/// <remarks>
/// Inputs: the <see cref="Settings"/>, h0 [B, n], the drive z = x W_inᵀ + b as [L, B, n], and W [n, n]. Output: h after L samples.
/// Forward, with step Δt: k_i = γ ⊙ (φ(u_i) − x_i), u_i = x_i Wᵀ + z_k, x_i = h + Δt Σ_j a_ij k_j, h' = h + Δt Σ_i b_i k_i.
/// Backward (the exact reverse of those operations): with ḡ = ∂L/∂h', κ_i = Δt γ ⊙ (b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m),
/// δ_i = κ_i ⊙ φ'(u_i), ∂L/∂x_i = δ_i W − κ_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i; then, for all stages at once, ∂L/∂W = Σ δ_iᵀ x_i
/// (one matrix product) and ∂L/∂z_k = Σ over the sample's stages of δ_i. The time constants are constants: no gradient flows to γ.
/// At these sizes (B = 64, n = 64…256) a libtorch call costs a few microseconds whatever it computes, more than the arithmetic of an
/// element-wise operation on B·n numbers. So only the matrix products go through libtorch (an in-place addmm per stage, into buffers
/// allocated once per pass); everything element-wise — φ and φ', the stage combinations, the solution update, δ and ∂L/∂h — runs as
/// SIMD loops on the tensors' memory (<see cref="TensorMemory"/>, TensorPrimitives), in float32 or float64. The batch is cut into
/// blocks that run on separate threads (<see cref="BatchChunks"/>).
/// </remarks>
internal sealed class RateRecurrence : autograd.MultiTensorFunction<RateRecurrence>
{
    /// <summary>The fixed-step method, step, rate function and inverse time constants γ (a scalar or [n] tensor) of one integration.</summary>
    internal sealed record Settings(ButcherTableau Tableau, double Step, int StepsPerSample, RateActivation Activation, Tensor InverseTau);

    /// <inheritdoc/>
    public override string Name => "RateRecurrence";

    /// <summary>h after integrating over every sample of z (differentiable with respect to h0, z and W).</summary>
    internal static Tensor Integrate(Settings settings, Tensor h0, Tensor drive, Tensor weight) => apply(settings, h0, drive, weight)[0];

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var settings = (Settings)vars[0];
        var (h0, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        if (h0.device.type != DeviceType.CPU)
            throw new NotSupportedException($"The fused rate recurrence runs on the CPU; the network is on {h0.device}.");
        if (h0.dtype != ScalarType.Float32 && h0.dtype != ScalarType.Float64)
            throw new NotSupportedException($"The fused rate recurrence runs in Float32 or Float64, not {h0.dtype}.");
        var weightT = weight.t().contiguous();
        var chunks = BatchChunks.Split(h0.shape[0]);
        // the weights in the element type, made once per call for every block and for the backward pass
        long rows = chunks.Max(c => c.Length), n = h0.shape[1];
        object rates = h0.dtype == ScalarType.Float32 ? Rates<float>.Of(settings, rows, n) : Rates<double>.Of(settings, rows, n);
        var parts = BatchChunks.Run(chunks, c =>
        {
            var (block, blockDrive) = (h0.narrow(0, c.Start, c.Length).contiguous(), drive.narrow(1, c.Start, c.Length));
            return rates is Rates<float> single
                ? Forward(settings, single, block, blockDrive, weightT)
                : Forward(settings, (Rates<double>)rates, block, blockDrive, weightT);
        });
        ctx.save_data("settings", settings);
        ctx.save_data("rates", rates);
        ctx.save_data("chunks", chunks);
        ctx.save_for_backward([weight, .. parts.SelectMany(p => p.Skip(1))]);
        return [chunks.Length == 1 ? parts[0][0] : torch.cat(parts.Select(p => p[0]).ToArray(), 0)];
    }

    /// <summary>[h, stage inputs x_i stacked, φ'(u_i) stacked] for one block of the batch.</summary>
    /// <remarks>u_i is written into one activation buffer by an in-place addmm (β = 0) plus the drive; φ then overwrites it, and k_i
    /// is kept per stage for the next stage inputs and the solution update.</remarks>
    static Tensor[] Forward<T>(Settings settings, Rates<T> rates, Tensor h0, Tensor drive, Tensor weightT) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perStep = stageCount * settings.StepsPerSample;
        long samples = drive.shape[0], batch = h0.shape[0], n = h0.shape[1];
        int size = checked((int)(batch * n));
        var inputs = torch.empty([samples * perStep, batch, n], dtype: h0.dtype, device: h0.device);
        var slopes = torch.empty_like(inputs);
        var activation = torch.empty_like(h0);
        var stages = torch.empty([stageCount, batch, n], dtype: h0.dtype, device: h0.device);
        var result = torch.empty_like(h0);
        var driveBlock = drive.contiguous();
        var x = inputs.unbind(0);   // tensors of the slots, for addmm
        // the same memory as spans, one per buffer; slot j of a buffer is Slot(buffer, j)
        Span<T> si = Whole<T>(activation), allX = Whole<T>(inputs), allSlopes = Whole<T>(slopes), allK = Whole<T>(stages), allDrive = Whole<T>(driveBlock);
        Span<T> Slot(Span<T> buffer, int j) => buffer.Slice(j * size, size);
        x[0].copy_(h0);
        for (int slot = 0; slot < x.Length; slot += stageCount)
        {
            var h = Slot(allX, slot);
            var z = Slot(allDrive, slot / perStep);
            for (int i = 0; i < stageCount; i++)
            {
                var xi = Slot(allX, slot + i);
                if (i > 0)
                {
                    h.CopyTo(xi);
                    for (int j = 0; j < i; j++)
                        if (rates.A[i][j] != T.Zero) TensorPrimitives.MultiplyAdd(Slot(allK, j), rates.A[i][j], xi, xi);
                }
                // u_i = x_i Wᵀ + z_k: the product overwrites the slot (β = 0), the drive is added on the span
                activation.addmm_(x[slot + i], weightT, beta: 0);
                TensorPrimitives.Add(si, z, si);
                settings.Activation.ApplyWithSlope(si, Slot(allSlopes, slot + i));
                var ki = Slot(allK, i);
                TensorPrimitives.Subtract(si, xi, ki);
                rates.ScaleByGamma(ki);
            }
            var next = slot + stageCount < x.Length ? Slot(allX, slot + stageCount) : Whole<T>(result);
            h.CopyTo(next);
            for (int i = 0; i < stageCount; i++)
                if (rates.B[i] != T.Zero) TensorPrimitives.MultiplyAdd(Slot(allK, i), rates.B[i], next, next);
        }
        return [result, inputs, slopes];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs) =>
        BackwardGuard.Run(Name, 3, () => Gradients(ctx, gradOutputs[0]));

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W], each block of the batch run through the recorded steps in reverse.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var rates = ctx.get_data("rates");
        var chunks = (BatchChunks.Chunk[])ctx.get_data("chunks");
        var saved = ctx.get_saved_variables();
        var weight = saved[0].contiguous();
        var parts = BatchChunks.Run(chunks, c =>
        {
            var (inputs, slopes, g) = (saved[1 + 2 * c.Index], saved[2 + 2 * c.Index], gradOutput.narrow(0, c.Start, c.Length));
            return rates is Rates<float> single
                ? Backward(settings, single, weight, inputs, slopes, g)
                : Backward(settings, (Rates<double>)rates, weight, inputs, slopes, g);
        });
        if (chunks.Length == 1) return [null!, .. parts[0]];
        return [null!, torch.cat(parts.Select(p => p[0]).ToArray(), 0), torch.cat(parts.Select(p => p[1]).ToArray(), 1),
            parts.Select(p => p[2]).Aggregate((a, b) => a.add_(b))];
    }

    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W (this block's share)] for one block of the batch.</summary>
    /// <remarks>δ_i overwrites a copy of the saved slopes, κ_i and then ∂L/∂x_i share one buffer per stage, ∂L/∂h accumulates
    /// in a copy of the incoming gradient and ∂L/∂z_k in its row of the drive's gradient.</remarks>
    static Tensor[] Backward<T>(Settings settings, Rates<T> rates, Tensor weight, Tensor inputs, Tensor slopes, Tensor gradOutput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perStep = stageCount * settings.StepsPerSample;
        long batch = gradOutput.shape[0], n = weight.shape[0];
        int size = checked((int)(batch * n));
        var gradient = gradOutput.contiguous().clone();
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

    /// <summary>All of a contiguous tensor's elements as a span.</summary>
    static Span<T> Whole<T>(Tensor tensor) where T : unmanaged => TensorMemory.Of<T>(tensor, checked((int)tensor.numel()));

    /// <summary>δ ← φ' ⊙ κ (δ holds φ' on entry), ∂L/∂z += δ, κ ← −κ: one pass instead of three.</summary>
    static void DeltaAndNegate<T>(Span<T> delta, Span<T> kappa, Span<T> gradDrive) where T : unmanaged, IFloatingPointIeee754<T>
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

    /// <summary>The tableau's weights times Δt in the element type, and γ: folded into the weights when it is one number, else
    /// repeated for every row of the batch.</summary>
    sealed class Rates<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        /// <summary>Δt a_ij (times γ when γ is one number).</summary>
        internal required T[][] A { get; init; }
        /// <summary>Δt b_i (times γ when γ is one number).</summary>
        internal required T[] B { get; init; }
        /// <summary>γ for every element of the largest [B, n] block (a smaller block uses its prefix), or null when it is folded into the weights.</summary>
        internal required T[]? Gamma { get; init; }

        /// <summary>The weights for <paramref name="settings"/> and blocks of at most <paramref name="rows"/> rows of <paramref name="n"/> units.</summary>
        internal static Rates<T> Of(Settings settings, long rows, long n)
        {
            var gamma = settings.InverseTau.to_type(ScalarType.Float64).data<double>().ToArray();
            double factor = settings.Step * (gamma.Length == 1 ? gamma[0] : 1.0);
            T[] Row(double[] row) => row.Select(v => T.CreateChecked(factor * v)).ToArray();
            return new Rates<T>
            {
                A = settings.Tableau.A.Select(Row).ToArray(),
                B = Row(settings.Tableau.B),
                Gamma = gamma.Length == 1 ? null : Enumerable.Range(0, checked((int)(rows * n))).Select(e => T.CreateChecked(gamma[e % n])).ToArray(),
            };
        }

        /// <summary>values ⊙ γ in place (nothing when γ is folded into the weights).</summary>
        internal void ScaleByGamma(Span<T> values)
        {
            if (Gamma is not null) TensorPrimitives.Multiply(values, Gamma.AsSpan(0, values.Length), values);
        }
    }
}
