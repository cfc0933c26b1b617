using NeuroDyn.Solvers;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The CT-RNN hidden dynamics τ dh/dt = −h + tanh(h W_recᵀ + z_k), z_k held over each sample interval, integrated
/// by a fixed-step Runge–Kutta tableau, as one autograd node with a hand-written backward pass.</summary>
/// <remarks>
/// Inputs: the <see cref="Settings"/>, h0 [B, n], the drive z = x W_inᵀ + b as [L, B, n], and W_rec [n, n]. Output: h after L samples.
/// Forward, with c = Δt/τ and k'_i = τ k_i = s_i − x_i, s_i = tanh(x_i W_recᵀ + z_k), x_i = h + c Σ_j a_ij k'_j, h' = h + c Σ_i b_i k'_i.
/// Backward (the exact reverse of those operations): with ḡ = ∂L/∂h', ∂L/∂k'_i = c (b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m),
/// δ_i = ∂L/∂k'_i ⊙ (1 − s_i²), ∂L/∂x_i = δ_i W_rec − ∂L/∂k'_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i; then, for all stages at once,
/// ∂L/∂W_rec = Σ δ_iᵀ x_i (one matrix product) and ∂L/∂z_k = Σ over the sample's stages of δ_i.
/// Compared with autograd this records one node instead of ~6 per stage, keeps only x_i and 1 − s_i² per stage, creates no
/// scalar objects inside the loops, and multiplies by contiguous weight matrices. The batch is cut into blocks that run on
/// separate threads (<see cref="BatchChunks"/>), since at small sizes the time goes to per-operation overhead, not arithmetic.
/// </remarks>
internal sealed class CtRnnRecurrence : autograd.MultiTensorFunction<CtRnnRecurrence>
{
    /// <summary>The fixed-step method and time scales of one integration.</summary>
    internal sealed record Settings(ButcherTableau Tableau, double Step, double Tau, int StepsPerSample);

    /// <inheritdoc/>
    public override string Name => "CtRnnRecurrence";

    /// <summary>h after integrating over every sample of z (differentiable with respect to h0, z and W_rec).</summary>
    internal static Tensor Integrate(Settings settings, Tensor h0, Tensor drive, Tensor recurrentWeight) =>
        apply(settings, h0, drive, recurrentWeight)[0];

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var settings = (Settings)vars[0];
        var (h0, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var weightT = weight.t().contiguous();
        var chunks = BatchChunks.Split(h0.shape[0]);
        var parts = BatchChunks.Run(chunks, c => Forward(settings, h0.narrow(0, c.Start, c.Length), drive.narrow(1, c.Start, c.Length), weightT));
        ctx.save_data("settings", settings);
        ctx.save_data("chunks", chunks);
        ctx.save_for_backward([weight, .. parts.SelectMany(p => p.Skip(1))]);
        return [chunks.Length == 1 ? parts[0][0] : torch.cat(parts.Select(p => p[0]).ToArray(), 0)];
    }

    /// <summary>[h, stage inputs x_i stacked, c·(1 − s_i²) stacked] for one block of the batch.</summary>
    static Tensor[] Forward(Settings settings, Tensor h, Tensor drive, Tensor weightT)
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perSample = settings.StepsPerSample;
        double c = settings.Step / settings.Tau;
        using var coefficients = new Coefficients(tableau, c);
        using var eulerWeight = torch.tensor(c * tableau.B[0], dtype: h.dtype, device: h.device);
        var samples = drive.unbind(0);
        var inputs = new Tensor[samples.Length * perSample * stageCount];
        var outputs = new Tensor[inputs.Length];
        var stages = new Tensor[stageCount];
        int slot = 0;
        foreach (var zk in samples)
        {
            for (int step = 0; step < perSample; step++)
            {
                if (stageCount == 1)
                {
                    // Euler: h' = h + c(s − h), one lerp
                    var s = zk.addmm(h, weightT).tanh_();
                    (inputs[slot], outputs[slot]) = (h, s);
                    slot++;
                    h = torch.lerp(h, s, eulerWeight);
                    continue;
                }
                for (int i = 0; i < stageCount; i++, slot++)
                {
                    var x = coefficients.Combine(h, coefficients.Stage[i], stages);
                    var s = zk.addmm(x, weightT).tanh_();
                    stages[i] = s.sub(x);
                    (inputs[slot], outputs[slot]) = (x, s);
                }
                h = coefficients.Combine(h, coefficients.Solution, stages);
            }
        }
        var slopes = torch.stack(outputs).pow_(2).neg_().add_(1).mul_(c);
        return [h, torch.stack(inputs), slopes];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs) =>
        BackwardGuard.Run(Name, 3, () => Gradients(ctx, gradOutputs[0]));

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W_rec], each block of the batch run through the recorded steps in reverse.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var chunks = (BatchChunks.Chunk[])ctx.get_data("chunks");
        var saved = ctx.get_saved_variables();
        var weight = saved[0].contiguous();
        var parts = BatchChunks.Run(chunks, c => Backward(settings, weight, saved[1 + 2 * c.Index], saved[2 + 2 * c.Index], gradOutput.narrow(0, c.Start, c.Length)));
        if (chunks.Length == 1) return [null!, .. parts[0]];
        return [null!, torch.cat(parts.Select(p => p[0]).ToArray(), 0), torch.cat(parts.Select(p => p[1]).ToArray(), 1),
            parts.Select(p => p[2]).Aggregate((a, b) => a.add_(b))];
    }

    /// <summary>[∂L/∂h0, ∂L/∂z, ∂L/∂W_rec (this block's share)] for one block of the batch.</summary>
    static Tensor[] Backward(Settings settings, Tensor weight, Tensor inputs, Tensor slopes, Tensor g)
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perSample = settings.StepsPerSample;
        double c = settings.Step / settings.Tau;
        using var coefficients = new Coefficients(tableau, 1.0);
        using var retain = (1 - c * tableau.B[0]).ToScalar();
        using var minusC = (-c).ToScalar();
        var slope = slopes.unbind(0);
        int slots = slope.Length;
        var deltas = new Tensor[slots];
        var gradInputs = new Tensor?[stageCount];
        for (int slot = slots - 1; slot >= 0;)
        {
            if (stageCount == 1)
            {
                // Euler: δ = c(1 − s²) ⊙ ḡ b, ∂L/∂h = (1 − c b) ḡ + δ W
                var delta = g.mul(slope[slot]);
                if (tableau.B[0] != 1.0) delta.mul_(coefficients.Solution[0]!);
                deltas[slot--] = delta;
                g = g.mul(retain).addmm_(delta, weight);
                continue;
            }
            for (int i = stageCount - 1; i >= 0; i--, slot--)
            {
                // ĝ_i = b_i ḡ + Σ a_mi ∂L/∂x_m; δ_i = ĝ_i ⊙ c(1 − s_i²); ∂L/∂x_i = δ_i W − c ĝ_i
                var gk = coefficients.Adjoint(i, g, gradInputs);
                if (gk is null)
                {
                    deltas[slot] = torch.zeros_like(g);
                    gradInputs[i] = null;
                    continue;
                }
                var delta = gk.mul(slope[slot]);
                deltas[slot] = delta;
                gradInputs[i] = gk.mul_(minusC).addmm_(delta, weight);
            }
            g = coefficients.Sum(g, gradInputs);
        }
        long n = weight.shape[0];
        var allDeltas = torch.stack(deltas);
        var gradWeight = allDeltas.view(-1, n).t().mm(inputs.view(-1, n));
        var gradDrive = perSample * stageCount == 1 ? allDeltas : allDeltas.view(-1, perSample * stageCount, g.shape[0], n).sum(1);
        return [g, gradDrive, gradWeight];
    }

    /// <summary>The tableau's nonzero weights times a factor, as scalars made once per pass.</summary>
    sealed class Coefficients : IDisposable
    {
        readonly List<Scalar> owned = [];

        /// <summary>factor·a_ij by stage (null where zero).</summary>
        internal Scalar?[][] Stage { get; }
        /// <summary>factor·b_i (null where zero).</summary>
        internal Scalar?[] Solution { get; }

        internal Coefficients(ButcherTableau tableau, double factor)
        {
            Scalar? Make(double w)
            {
                if (w == 0.0) return null;
                var scalar = (factor * w).ToScalar();
                owned.Add(scalar);
                return scalar;
            }
            Stage = tableau.A.Select(row => row.Select(Make).ToArray()).ToArray();
            Solution = tableau.B.Select(Make).ToArray();
        }

        /// <summary>h + Σ_j w_j k_j over the nonzero weights (a new tensor; h itself when all are zero).</summary>
        internal Tensor Combine(Tensor h, Scalar?[] weights, Tensor[] stages)
        {
            Tensor? sum = null;
            for (int j = 0; j < weights.Length; j++)
                if (weights[j] is { } w)
                    sum = sum is null ? h.add(stages[j], alpha: w) : sum.add_(stages[j], alpha: w);
            return sum ?? h;
        }

        /// <summary>b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m (times the factor; a new tensor), or null when stage i does not influence the result.</summary>
        internal Tensor? Adjoint(int i, Tensor g, Tensor?[] gradInputs)
        {
            Tensor? sum = Solution[i] is { } b ? g.mul(b) : null;
            for (int m = i + 1; m < gradInputs.Length; m++)
                if (Stage[m][i] is { } a && gradInputs[m] is { } gx)
                    sum = sum is null ? gx.mul(a) : sum.add_(gx, alpha: a);
            return sum;
        }

        /// <summary>ḡ + Σ_i ∂L/∂x_i.</summary>
        internal Tensor Sum(Tensor g, Tensor?[] gradInputs)
        {
            Tensor? sum = null;
            foreach (var gx in gradInputs)
                if (gx is not null)
                    sum = sum is null ? g.add(gx) : sum.add_(gx);
            return sum ?? g;
        }

        /// <summary>Releases the scalars.</summary>
        public void Dispose()
        {
            foreach (var scalar in owned) scalar.Dispose();
        }
    }
}
