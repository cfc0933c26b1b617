using System.Numerics;
using NeuroDyn.Solvers;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace NeuroDyn.Models;

/// <summary>Rate dynamics dh/dt = γ ⊙ (−h + φ(h Wᵀ + z_k)), z_k held over each sample interval, integrated by an embedded Runge–Kutta
/// pair (Dopri5) with error control, as one autograd node with a hand-written backward pass: backpropagation through the accepted
/// steps (AdaptiveRateRecurrence.Backprop.cs) or the adjoint method (AdaptiveRateRecurrence.Adjoint.cs). The adaptive counterpart of
/// <see cref="RateRecurrence"/>, with its element-wise kernels and its batch blocks.</summary>
/// <remarks>
/// Each sample interval [0, Δ] is a fresh solve, as <see cref="TorchOde.Odeint"/> over [0, Δ] would do it (the drive jumps at its
/// start): f(h) evaluated anew, the first step chosen by Hairer's rule, then steps sized by the shared <see cref="StepSizeController"/>
/// from err = RMS(e / (atol + rtol·max(|h|, |h₊|))) over the whole batch, and shortened to land on Δ (a landing step does not
/// shrink the next one). One step size serves the whole batch, like the generic solver's: the batch's blocks, on separate threads,
/// add their partial sums of the error norm together before every decision (<see cref="BatchAgreement"/>), so that every block
/// takes the same steps. Backpropagation replays the accepted steps with their sizes frozen (the step sizes are not differentiated,
/// as in the generic solver); it keeps every accepted step's stage inputs and slopes φ'(u_i). The adjoint keeps only h at the end
/// of each sample and solves its own adaptive problem backwards.
/// </remarks>
internal sealed partial class AdaptiveRateRecurrence : autograd.MultiTensorFunction<AdaptiveRateRecurrence>
{
    /// <summary>The embedded pair, sample interval Δ, rate function, inverse time constants γ (a scalar or [n] tensor), tolerances,
    /// whether gradients come from the adjoint method, and where the steps are counted.</summary>
    internal sealed record Settings(ButcherTableau Tableau, double SampleInterval, RateActivation Activation, Tensor InverseTau, bool Adjoint,
        double Rtol, double Atol, AdaptiveStepTally Tally);

    /// <summary>A step shorter than this is an underflow, and a sample interval may take at most this many steps (the generic solver's limits).</summary>
    static readonly TorchOdeOptions Limits = new();

    /// <inheritdoc/>
    public override string Name => "AdaptiveRateRecurrence";

    /// <summary>h after integrating over every sample of z (differentiable with respect to h0, z and W); without an autograd node,
    /// and keeping nothing for a backward pass, when gradients are off or none of them requires one.</summary>
    internal static Tensor Integrate(Settings settings, Tensor h0, Tensor drive, Tensor weight) =>
        torch.is_grad_enabled() && (h0.requires_grad || drive.requires_grad || weight.requires_grad)
            ? apply(settings, h0, drive, weight)[0]
            : RunBlocks(settings, h0, drive, weight, RateRecurrence.Keep.Nothing).Output;

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var settings = (Settings)vars[0];
        var (h0, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var run = RunBlocks(settings, h0, drive, weight, settings.Adjoint ? RateRecurrence.Keep.SampleEnds : RateRecurrence.Keep.Stages);
        ctx.save_data("settings", settings);
        ctx.save_data("chunks", run.Chunks);
        ctx.save_data("plan", run.Plan);
        ctx.save_data("kept", run.Parts.Select(p => p.Length - 1).ToArray());
        ctx.save_for_backward([weight, .. run.Parts.SelectMany(p => p.Skip(1))]);
        return [run.Output];
    }

    /// <summary>A forward pass: h after the last sample, the batch blocks with what each kept, and the accepted steps.</summary>
    sealed record ForwardRun(Tensor Output, BatchChunks.Chunk[] Chunks, Tensor[][] Parts, List<AcceptedStep> Plan);

    /// <summary>One accepted step: its sample interval and its size.</summary>
    internal readonly record struct AcceptedStep(int Sample, double Size);

    /// <summary>The forward pass over the batch's blocks, on separate threads that agree on every step, each keeping <paramref name="keep"/>.</summary>
    static ForwardRun RunBlocks(Settings settings, Tensor h0, Tensor drive, Tensor weight, RateRecurrence.Keep keep)
    {
        RateRecurrence.CheckFusable(h0);
        var weightT = weight.detach().t().contiguous();
        var chunks = BatchChunks.Split(h0.shape[0]);
        var plan = new List<AcceptedStep>();
        using var agreement = new BatchAgreement(chunks.Length);
        var parts = BatchChunks.Run(chunks, c => agreement.Run(() =>
        {
            var (block, blockDrive) = (h0.detach().narrow(0, c.Start, c.Length).contiguous(), drive.detach().narrow(1, c.Start, c.Length).contiguous());
            var blockRun = new Block(c.Index, agreement, h0.numel(), c.Index == 0 ? plan : null);
            // each block scales its own copy of the weights to its steps
            return h0.dtype == ScalarType.Float32
                ? Forward(settings, StepWeights<float>.Of(settings, block), block, blockDrive, weightT, keep, blockRun)
                : Forward(settings, StepWeights<double>.Of(settings, block), block, blockDrive, weightT, keep, blockRun);
        }));
        var output = chunks.Length == 1 ? parts[0][0] : torch.cat(parts.Select(p => p[0]).ToArray(), 0);
        return new ForwardRun(output, chunks, parts, plan);
    }

    /// <summary>One block's place in the batch: its index, the agreement it shares, the number of elements of the whole batch's state
    /// (for RMS norms), and the list of accepted steps it records (block 0 only, null for the others).</summary>
    internal sealed record Block(int Index, BatchAgreement Agreement, long BatchElements, List<AcceptedStep>? Plan)
    {
        /// <summary>√(Σ over all blocks of <paramref name="sumOfSquares"/> / (<paramref name="parts"/> · batch elements)): the RMS norm over the whole batch.</summary>
        internal double Rms(double sumOfSquares, int parts = 1) => Math.Sqrt(Agreement.Sum(Index, sumOfSquares).First / (parts * (double)BatchElements));

        /// <summary>Both RMS norms of two sums of squares, agreed on in one round.</summary>
        internal (double First, double Second) Rms(double first, double second, int parts = 1)
        {
            var (a, b) = Agreement.Sum(Index, first, second);
            double count = parts * (double)BatchElements;
            return (Math.Sqrt(a / count), Math.Sqrt(b / count));
        }
    }

    /// <summary>[h, and what <paramref name="keep"/> asks for: the stage inputs and slopes of every accepted step (two tensors
    /// [s, B, n] per step), or h at the end of every sample and the drive] for one block of the batch.</summary>
    /// <remarks>The stage buffers of a tried step are the ones it keeps when accepted; the next step then starts in fresh buffers.
    /// Slot 0 of the stage inputs is h. With a first-same-as-last pair the last stage of an accepted step (evaluated at h₊ with the
    /// same drive) is the next step's first.</remarks>
    static Tensor[] Forward<T>(Settings settings, StepWeights<T> weights, Tensor h0, Tensor drive, Tensor weightT, RateRecurrence.Keep keep, Block block)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, last = stageCount - 1;
        long samples = drive.shape[0], batch = h0.shape[0], n = h0.shape[1];
        int size = checked((int)(batch * n));
        bool record = keep == RateRecurrence.Keep.Stages, keepEnds = keep == RateRecurrence.Keep.SampleEnds;
        var controller = new StepSizeController(tableau.Order - 1);
        Tensor Buffer(long slots) => torch.empty([slots, batch, n], dtype: h0.dtype, device: h0.device);
        var kept = new List<Tensor>();
        var (inputs, slopes, stages) = (Buffer(stageCount), Buffer(stageCount), Buffer(stageCount));
        var (activation, next, scratch, scale) = (torch.empty_like(h0), torch.empty_like(h0), torch.empty_like(h0), torch.empty_like(h0));
        var ends = Buffer(keepEnds ? samples : 0);
        var x = inputs.unbind(0);   // tensors of the slots, for addmm
        Span<T> Slot(Tensor buffer, int j) => RateRecurrence.Whole<T>(buffer).Slice(j * size, size);
        // k_i = (φ(u_i) − x_i) γ, u_i = x_i Wᵀ + z_k (with a single γ, γ is folded into the weights instead and f = γ k)
        void Stage(int i, int k)
        {
            var u = RateRecurrence.Whole<T>(activation);
            activation.addmm_(x[i], weightT, beta: 0);
            TensorPrimitives.Add(u, Slot(drive, k), u);
            settings.Activation.ApplyWithSlope(u, Slot(slopes, i));
            var ki = Slot(stages, i);
            TensorPrimitives.Subtract(u, Slot(inputs, i), ki);
            weights.Unit.ScaleByGamma(ki);
        }
        RateRecurrence.Whole<T>(h0).CopyTo(Slot(inputs, 0));
        for (int k = 0; k < samples; k++)
        {
            Stage(0, k);
            int sample = k;
            double h = FirstStep(settings, weights, controller, block, Slot(inputs, 0), Slot(stages, 0), Slot(stages, 1), Slot(inputs, 1),
                RateRecurrence.Whole<T>(scale), RateRecurrence.Whole<T>(scratch), () => Stage(1, sample));
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
                Span<T> y = Slot(inputs, 0), allK = RateRecurrence.Whole<T>(stages);
                for (int i = 1; i < stageCount; i++)
                {
                    RateRecurrence.Combine(y, weights.A[i].AsSpan(0, i), allK, Slot(inputs, i));
                    Stage(i, k);
                }
                var yNext = tableau.FirstSameAsLast ? Slot(inputs, last) : RateRecurrence.Whole<T>(next);
                if (!tableau.FirstSameAsLast) RateRecurrence.Combine(y, weights.B, allK, yNext);
                var error = RateRecurrence.Whole<T>(scratch);
                error.Clear();
                RateRecurrence.Combine(error, weights.E, allK, error);
                var decision = controller.Decide(block.Rms(ScaledSquares(settings, y, yNext, error, RateRecurrence.Whole<T>(scale))), retried);
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
                block.Plan?.Add(new AcceptedStep(k, hStep));
                if (record)
                {
                    // the tried step's buffers are kept as they are; the next step starts in fresh ones
                    var lastSlope = Slot(slopes, last);
                    kept.Add(inputs);
                    kept.Add(slopes);
                    (inputs, slopes) = (Buffer(stageCount), Buffer(stageCount));
                    x = inputs.unbind(0);
                    if (tableau.FirstSameAsLast) lastSlope.CopyTo(Slot(slopes, 0));
                }
                yNext.CopyTo(Slot(inputs, 0));
                if (tableau.FirstSameAsLast) Slot(stages, last).CopyTo(Slot(stages, 0));
                else if (t < settings.SampleInterval) Stage(0, k);
            }
            if (block.Index == 0) settings.Tally.Add(false, accepted, rejected);
            if (keepEnds) Slot(inputs, 0).CopyTo(Slot(ends, k));
        }
        var result = x[0].clone();
        return keep switch
        {
            RateRecurrence.Keep.Stages => [result, .. kept],
            RateRecurrence.Keep.SampleEnds => [result, ends, drive],
            _ => [result],
        };
    }

    /// <summary>Hairer's first step for one sample interval (<see cref="StepSizeController.ProbeStep"/>, <see cref="StepSizeController.InitialStep"/>)
    /// from y, its rate k = f/γ̄ (γ̄ the folded γ, else 1), and one probe evaluation: <paramref name="probe"/> evaluates the rate at
    /// <paramref name="probeInput"/> into <paramref name="probeRate"/>. Norms are RMS over the batch (y of <paramref name="parts"/> [B, n] parts), scaled by atol + rtol·|y|.</summary>
    static double FirstStep<T>(Settings settings, StepWeights<T> weights, StepSizeController controller, Block block, ReadOnlySpan<T> y, ReadOnlySpan<T> rate,
        Span<T> probeRate, Span<T> probeInput, Span<T> scale, Span<T> scratch, Action probe, int parts = 1) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T gamma = T.CreateChecked(weights.FoldedGamma);
        TensorPrimitives.Abs(y, scale);
        TensorPrimitives.Multiply(scale, T.CreateChecked(settings.Rtol), scale);
        TensorPrimitives.Add(scale, T.CreateChecked(settings.Atol), scale);
        TensorPrimitives.Divide(y, scale, scratch);
        double stateSquares = double.CreateChecked(TensorPrimitives.SumOfSquares<T>(scratch));
        TensorPrimitives.Divide(rate, scale, scratch);
        TensorPrimitives.Multiply(scratch, gamma, scratch);
        var (d0, d1) = block.Rms(stateSquares, double.CreateChecked(TensorPrimitives.SumOfSquares<T>(scratch)), parts);
        double h0 = StepSizeController.ProbeStep(d0, d1, settings.SampleInterval);
        // the probe y + h0 f(y), then d2 = ‖f(probe) − f(y)‖ / h0
        TensorPrimitives.MultiplyAdd(rate, T.CreateChecked(h0 * weights.FoldedGamma), y, probeInput);
        probe();
        TensorPrimitives.Subtract(probeRate, rate, scratch);
        TensorPrimitives.Divide(scratch, scale, scratch);
        TensorPrimitives.Multiply(scratch, gamma, scratch);
        double d2 = block.Rms(double.CreateChecked(TensorPrimitives.SumOfSquares<T>(scratch)), parts) / h0;
        return controller.InitialStep(h0, d1, d2, settings.SampleInterval, Limits.MaxStep);
    }

    /// <summary>Σ (e / (atol + rtol·max(|y|, |y₊|)))² over one block (the error overwritten by the scaled error): the block's share of the squared norm.</summary>
    internal static double ScaledSquares<T>(Settings settings, ReadOnlySpan<T> y, ReadOnlySpan<T> yNext, Span<T> error, Span<T> scale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.MaxMagnitude(y, yNext, scale);
        TensorPrimitives.Abs(scale, scale);
        TensorPrimitives.Multiply(scale, T.CreateChecked(settings.Rtol), scale);
        TensorPrimitives.Add(scale, T.CreateChecked(settings.Atol), scale);
        TensorPrimitives.Divide(error, scale, error);
        return double.CreateChecked(TensorPrimitives.SumOfSquares<T>(error));
    }

    /// <summary>Throws, as the generic solver would, when a sample interval has used its step budget or its step has underflowed.</summary>
    internal static void CheckProgress(Settings settings, double t, double step, long steps)
    {
        if (steps >= Limits.MaxSteps)
            throw new OdeIntegrationException(
                $"{settings.Tableau.Name} used its budget of {Limits.MaxSteps} steps at t = {t} of a sample interval of {settings.SampleInterval} (step {step:G3}); " +
                "loosen Rtol/Atol, or check the network for blow-up.", t, (int)steps);
        if (step < Limits.MinStep || t + step == t)
            throw new OdeIntegrationException(
                $"{settings.Tableau.Name} step underflow at t = {t} of a sample interval after {steps} steps: the step {step:G3} fell below {Limits.MinStep:G3}. " +
                "The network's state may blow up there; loosen Rtol/Atol or use a fixed-step solver (Rk4).", t, (int)steps);
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs) =>
        BackwardGuard.Run(Name, 3, () => Gradients(ctx, gradOutputs[0]));

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W]: each block of the batch by backpropagation or by the adjoint method, then joined.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var chunks = (BatchChunks.Chunk[])ctx.get_data("chunks");
        var plan = (List<AcceptedStep>)ctx.get_data("plan");
        var keptCounts = (int[])ctx.get_data("kept");
        var saved = ctx.get_saved_variables();
        var weight = saved[0].contiguous();
        var offsets = keptCounts.Select((_, i) => 1 + keptCounts.Take(i).Sum()).ToArray();
        using var agreement = new BatchAgreement(chunks.Length);
        var parts = BatchChunks.Run(chunks, c => agreement.Run(() =>
        {
            var kept = saved.Skip(offsets[c.Index]).Take(keptCounts[c.Index]).ToArray();
            var g = gradOutput.narrow(0, c.Start, c.Length).contiguous();
            var block = new Block(c.Index, agreement, gradOutput.numel(), null);
            return (g.dtype == ScalarType.Float32, settings.Adjoint) switch
            {
                (true, false) => Backprop(StepWeights<float>.Of(settings, g), weight, plan, kept, g),
                (true, true) => Adjoint(settings, StepWeights<float>.Of(settings, g), weight, kept[0], kept[1], g, block),
                (false, false) => Backprop(StepWeights<double>.Of(settings, g), weight, plan, kept, g),
                (false, true) => Adjoint(settings, StepWeights<double>.Of(settings, g), weight, kept[0], kept[1], g, block),
            };
        }));
        if (chunks.Length == 1) return [null!, .. parts[0]];
        using var one = 1.ToScalar();   // explicit and disposed after use (add_(Tensor) converts α = 1 implicitly): an implicit one may be finalized mid-call
        return [null!, torch.cat(parts.Select(p => p[0]).ToArray(), 0), torch.cat(parts.Select(p => p[1]).ToArray(), 1),
            parts.Select(p => p[2]).Aggregate((a, b) => a.add_(b, alpha: one))];
    }

    /// <summary>The pair's weights times the step h in the element type (a_ij h, b_i h, and the error weights (b_i − b̂_i) h), each
    /// times γ when γ is one number; and γ itself as <see cref="RateRecurrence.Rates{T}"/> applies it.</summary>
    internal sealed class StepWeights<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        readonly double[][] unitA;
        readonly double[] unitB, unitE;

        /// <summary>The weights and γ at a unit step (γ for scaling stage rates).</summary>
        internal required RateRecurrence.Rates<T> Unit { get; init; }
        /// <summary>γ when it is folded into the weights, else 1: f = FoldedGamma · k.</summary>
        internal required double FoldedGamma { get; init; }
        /// <summary>The stages up to the last with b_i ≠ 0: the later ones (Dopri5's first-same-as-last stage) feed only the error estimate.</summary>
        internal int ActiveStages => Array.FindLastIndex(unitB, b => b != 0) + 1;
        /// <summary>a_ij h (γ folded) for the last <see cref="Scale"/>.</summary>
        internal T[][] A { get; }
        /// <summary>b_i h (γ folded) for the last <see cref="Scale"/>.</summary>
        internal T[] B { get; }
        /// <summary>(b_i − b̂_i) h (γ folded) for the last <see cref="Scale"/>.</summary>
        internal T[] E { get; }

        StepWeights(ButcherTableau tableau, double gamma)
        {
            unitA = tableau.A.Take(tableau.Stages).Select(row => row.Select(v => gamma * v).ToArray()).ToArray();
            unitB = tableau.B.Select(v => gamma * v).ToArray();
            unitE = tableau.BError!.Select(v => gamma * v).ToArray();
            A = unitA.Select(row => new T[row.Length]).ToArray();
            B = new T[unitB.Length];
            E = new T[unitE.Length];
        }

        /// <summary>The weights for <paramref name="settings"/> and a block of states like <paramref name="block"/> [B, n] (one instance per block: <see cref="Scale"/> changes it).</summary>
        internal static StepWeights<T> Of(Settings settings, Tensor block)
        {
            var unit = RateRecurrence.Rates<T>.Of(new RateRecurrence.Settings(settings.Tableau, 1.0, 1, settings.Activation, settings.InverseTau, settings.Adjoint), block.shape[0], block.shape[1]);
            double folded = unit.Gamma is null ? settings.InverseTau.to_type(ScalarType.Float64).item<double>() : 1.0;
            return new StepWeights<T>(settings.Tableau, folded) { Unit = unit, FoldedGamma = folded };
        }

        /// <summary>Sets <see cref="A"/>, <see cref="B"/> and <see cref="E"/> for a step of size <paramref name="h"/>.</summary>
        internal void Scale(double h)
        {
            for (int i = 0; i < unitA.Length; i++)
                for (int j = 0; j < unitA[i].Length; j++) A[i][j] = T.CreateChecked(h * unitA[i][j]);
            for (int i = 0; i < unitB.Length; i++) (B[i], E[i]) = (T.CreateChecked(h * unitB[i]), T.CreateChecked(h * unitE[i]));
        }
    }
}
