using System.Numerics;
using NeuroDyn.Solvers;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>Rate dynamics dh/dt = γ ⊙ (−h + φ(h Wᵀ + z_k)), γ = 1/τ (one τ, or one per unit), z_k held over each sample interval,
/// integrated by a fixed-step Runge–Kutta tableau, as one autograd node with a hand-written backward pass: backpropagation through
/// the solver's steps (RateRecurrence.Backprop.cs) or the adjoint method (RateRecurrence.Adjoint.cs).
/// Shared by <see cref="CtRnn"/> (φ = tanh, one τ) and <see cref="EiRateNetwork"/> (φ ≥ 0, τ_E and τ_I).</summary>
/// <remarks>
/// Inputs: the <see cref="Settings"/>, h0 [B, n], the drive z = x W_inᵀ + b as [L, B, n], and W [n, n]. Output: h after L samples.
/// Forward, with step Δt: k_i = γ ⊙ (φ(u_i) − x_i), u_i = x_i Wᵀ + z_k, x_i = h + Δt Σ_j a_ij k_j, h' = h + Δt Σ_i b_i k_i.
/// For backpropagation the forward pass keeps every stage input x_i and slope φ'(u_i); for the adjoint only h at the end of each
/// sample, so that its memory does not grow with the number of steps per sample. The time constants are constants: no gradient
/// flows to γ.
/// At these sizes (B = 64, n = 64…256) a libtorch call costs a few microseconds whatever it computes, more than the arithmetic of an
/// element-wise operation on B·n numbers. So only the matrix products go through libtorch (an in-place addmm per stage, into buffers
/// allocated once per pass); everything element-wise — φ and φ', the stage combinations, the solution update, δ and ∂L/∂h — runs as
/// SIMD loops on the tensors' memory (<see cref="TensorMemory"/>, TensorPrimitives), in float32 or float64. The batch is cut into
/// blocks that run on separate threads (<see cref="BatchChunks"/>).
/// </remarks>
internal sealed partial class RateRecurrence : autograd.MultiTensorFunction<RateRecurrence>
{
    /// <summary>The fixed-step method, step, rate function and inverse time constants γ (a scalar or [n] tensor) of one integration,
    /// and whether its gradients come from the adjoint method instead of backpropagation through the steps.</summary>
    internal sealed record Settings(ButcherTableau Tableau, double Step, int StepsPerSample, RateActivation Activation, Tensor InverseTau, bool Adjoint);

    /// <inheritdoc/>
    public override string Name => "RateRecurrence";

    /// <summary>What a forward pass keeps for the backward pass.</summary>
    internal enum Keep
    {
        /// <summary>Every stage input x_i and slope φ'(u_i) (backpropagation).</summary>
        Stages,
        /// <summary>h at the end of every sample, and the drive (the adjoint method).</summary>
        SampleEnds,
        /// <summary>Nothing: no gradient is wanted.</summary>
        Nothing,
    }

    /// <summary>h after integrating over every sample of z (differentiable with respect to h0, z and W); without an autograd
    /// node, and keeping nothing for a backward pass, when gradients are off or none of them requires one.</summary>
    internal static Tensor Integrate(Settings settings, Tensor h0, Tensor drive, Tensor weight) =>
        torch.is_grad_enabled() && (h0.requires_grad || drive.requires_grad || weight.requires_grad)
            ? apply(settings, h0, drive, weight)[0]
            : RunBlocks(settings, h0, drive, weight, Keep.Nothing).Output;

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var settings = (Settings)vars[0];
        var (h0, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var run = RunBlocks(settings, h0, drive, weight, settings.Adjoint ? Keep.SampleEnds : Keep.Stages);
        ctx.save_data("settings", settings);
        ctx.save_data("rates", run.Rates);
        ctx.save_data("chunks", run.Chunks);
        ctx.save_for_backward([weight, .. run.Parts.SelectMany(p => p.Skip(1))]);
        return [run.Output];
    }

    /// <summary>A forward pass: h after the last sample, the batch blocks with what each kept, and the weights in the element type.</summary>
    sealed record ForwardRun(Tensor Output, BatchChunks.Chunk[] Chunks, Tensor[][] Parts, object Rates);

    /// <summary>The forward pass over the batch's blocks, on separate threads, each keeping <paramref name="keep"/>.</summary>
    static ForwardRun RunBlocks(Settings settings, Tensor h0, Tensor drive, Tensor weight, Keep keep)
    {
        CheckFusable(h0);
        var weightT = weight.detach().t().contiguous();
        var chunks = BatchChunks.Split(h0.shape[0]);
        // the weights in the element type, made once per call for every block and for the backward pass
        long rows = chunks.Max(c => c.Length), n = h0.shape[1];
        object rates = h0.dtype == ScalarType.Float32 ? Rates<float>.Of(settings, rows, n) : Rates<double>.Of(settings, rows, n);
        var parts = BatchChunks.Run(chunks, c =>
        {
            var (block, blockDrive) = (h0.detach().narrow(0, c.Start, c.Length).contiguous(), drive.detach().narrow(1, c.Start, c.Length).contiguous());
            return rates is Rates<float> single
                ? Forward(settings, single, block, blockDrive, weightT, keep)
                : Forward(settings, (Rates<double>)rates, block, blockDrive, weightT, keep);
        });
        var output = chunks.Length == 1 ? parts[0][0] : torch.cat(parts.Select(p => p[0]).ToArray(), 0);
        return new ForwardRun(output, chunks, parts, rates);
    }

    /// <summary>True when the fused recurrences can integrate a state like <paramref name="h0"/>: on the CPU, in Float32 or Float64.</summary>
    internal static bool IsFusable(Tensor h0) => h0.device.type == DeviceType.CPU && (h0.dtype == ScalarType.Float32 || h0.dtype == ScalarType.Float64);

    /// <summary>Throws unless <see cref="IsFusable"/>: the fused recurrences work on CPU memory in Float32 or Float64.</summary>
    internal static void CheckFusable(Tensor h0)
    {
        if (!IsFusable(h0))
            throw new NotSupportedException($"The fused rate recurrence runs on the CPU in Float32 or Float64; the network is {h0.dtype} on {h0.device} (the generic tensor path serves it).");
    }

    /// <summary>[h, and what <paramref name="keep"/> asks for: the stage inputs x_i and slopes φ'(u_i) stacked, or h at the end of
    /// every sample and the drive] for one block of the batch.</summary>
    /// <remarks>u_i is written into one activation buffer by an in-place addmm (β = 0) plus the drive; φ then overwrites it, and k_i
    /// is kept per stage for the next stage inputs and the solution update. Unless the stages are kept, the stage inputs of one
    /// step are all the buffer holds: slot 0 is h, updated in place.</remarks>
    static Tensor[] Forward<T>(Settings settings, Rates<T> rates, Tensor h0, Tensor drive, Tensor weightT, Keep keep) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stageCount = settings.Tableau.Stages, stepsPerSample = settings.StepsPerSample;
        long samples = drive.shape[0], batch = h0.shape[0], n = h0.shape[1];
        int size = checked((int)(batch * n)), totalSteps = checked((int)samples * stepsPerSample);
        bool record = keep == Keep.Stages, keepEnds = keep == Keep.SampleEnds;
        var inputs = torch.empty([record ? totalSteps * stageCount : stageCount, batch, n], dtype: h0.dtype, device: h0.device);
        var slopes = torch.empty([record ? totalSteps * stageCount : 1, batch, n], dtype: h0.dtype, device: h0.device);
        var ends = torch.empty([keepEnds ? samples : 0, batch, n], dtype: h0.dtype, device: h0.device);
        var activation = torch.empty_like(h0);
        var stages = torch.empty([stageCount, batch, n], dtype: h0.dtype, device: h0.device);
        var result = torch.empty_like(h0);
        var x = inputs.unbind(0);   // tensors of the slots, for addmm
        // the same memory as spans, one per buffer; slot j of a buffer is Slot(buffer, j)
        Span<T> u = Whole<T>(activation), allX = Whole<T>(inputs), allSlopes = Whole<T>(slopes), allK = Whole<T>(stages);
        Span<T> allDrive = Whole<T>(drive), allEnds = Whole<T>(ends), last = Whole<T>(result);
        Span<T> Slot(Span<T> buffer, int j) => buffer.Slice(j * size, size);
        x[0].copy_(h0);
        for (int step = 0; step < totalSteps; step++)
        {
            int first = record ? step * stageCount : 0;   // the slot of this step's h (= x_0)
            var h = Slot(allX, first);
            var z = Slot(allDrive, step / stepsPerSample);
            for (int i = 0; i < stageCount; i++)
            {
                var xi = Slot(allX, first + i);
                if (i > 0) Combine(h, rates.A[i].AsSpan(0, i), allK, xi);
                // u_i = x_i Wᵀ + z_k: the product overwrites the buffer (β = 0), the drive is added on the span
                activation.addmm_(x[first + i], weightT, beta: 0);
                TensorPrimitives.Add(u, z, u);
                settings.Activation.ApplyWithSlope(u, Slot(allSlopes, record ? first + i : 0));
                var ki = Slot(allK, i);
                TensorPrimitives.Subtract(u, xi, ki);
                rates.ScaleByGamma(ki);
            }
            var next = step == totalSteps - 1 ? last : Slot(allX, record ? first + stageCount : 0);
            Combine(h, rates.B, allK, next);
            if (keepEnds && (step + 1) % stepsPerSample == 0) next.CopyTo(Slot(allEnds, step / stepsPerSample));
        }
        return keep switch { Keep.Stages => [result, inputs, slopes], Keep.SampleEnds => [result, ends, drive], _ => [result] };
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs) =>
        BackwardGuard.Run(Name, 3, () => Gradients(ctx, gradOutputs[0]));

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W]: each block of the batch by backpropagation or by the adjoint method, then joined.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var rates = ctx.get_data("rates");
        var chunks = (BatchChunks.Chunk[])ctx.get_data("chunks");
        var saved = ctx.get_saved_variables();
        var weight = saved[0].contiguous();
        var parts = BatchChunks.Run(chunks, c =>
        {
            var (first, second, g) = (saved[1 + 2 * c.Index], saved[2 + 2 * c.Index], gradOutput.narrow(0, c.Start, c.Length).contiguous());
            return (rates, settings.Adjoint) switch
            {
                (Rates<float> f32, false) => Backprop(settings, f32, weight, first, second, g),
                (Rates<float> f32, true) => Adjoint(settings, f32, weight, first, second, g),
                (Rates<double> f64, false) => Backprop(settings, f64, weight, first, second, g),
                _ => Adjoint(settings, (Rates<double>)rates, weight, first, second, g),
            };
        });
        if (chunks.Length == 1) return [null!, .. parts[0]];
        using var one = 1.ToScalar();   // explicit and disposed after use (add_(Tensor) converts α = 1 implicitly): an implicit one may be finalized mid-call
        return [null!, torch.cat(parts.Select(p => p[0]).ToArray(), 0), torch.cat(parts.Select(p => p[1]).ToArray(), 1),
            parts.Select(p => p[2]).Aggregate((a, b) => a.add_(b, alpha: one))];
    }

    /// <summary>into = start + Σ_j c_j k_j over the stage buffers k_j (slot j of <paramref name="stages"/>); start may be into itself.</summary>
    internal static void Combine<T>(ReadOnlySpan<T> start, ReadOnlySpan<T> coefficients, Span<T> stages, Span<T> into) where T : unmanaged, IFloatingPointIeee754<T>
    {
        start.CopyTo(into);
        for (int j = 0; j < coefficients.Length; j++)
            if (coefficients[j] != T.Zero) TensorPrimitives.MultiplyAdd(stages.Slice(j * into.Length, into.Length), coefficients[j], into, into);
    }

    /// <summary>All of a contiguous tensor's elements as a span.</summary>
    internal static Span<T> Whole<T>(Tensor tensor) where T : unmanaged => TensorMemory.Of<T>(tensor, checked((int)tensor.numel()));

    /// <summary>The tableau's weights times Δt in the element type, and γ: folded into the weights when it is one number, else
    /// repeated for every row of the batch.</summary>
    internal sealed class Rates<T> where T : unmanaged, IFloatingPointIeee754<T>
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

        /// <summary>values ⊙ γ written to <paramref name="scratch"/>, or values themselves when γ is folded into the weights.</summary>
        internal ReadOnlySpan<T> ScaledByGamma(ReadOnlySpan<T> values, Span<T> scratch)
        {
            if (Gamma is null) return values;
            TensorPrimitives.Multiply(values, Gamma.AsSpan(0, values.Length), scratch);
            return scratch;
        }
    }
}
