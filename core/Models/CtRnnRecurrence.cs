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
/// Compared with autograd this records one node instead of ~6 per stage, keeps only x_i and c(1 − s_i²) per stage, creates no
/// scalar objects inside the loops, and multiplies by contiguous weight matrices. At these sizes (B = 64, n = 64…256) the time
/// goes to the number of torch operations and to allocating fresh tensors (an allocating addmm costs ~1.7× an in-place one at
/// n = 64), so both passes work in place on buffers allocated once per pass: a stage of the forward pass is one in-place addmm
/// into the drive's slot and one tanh_, Euler's backward step is one in-place mul_ and one addmm_ (in float32 the factor 1 − c
/// rides in addmm's β), and the weighted sums over stages are single [1, s] × [s, B·n] products. The batch is cut into blocks
/// that run on separate threads (<see cref="BatchChunks"/>), since at small sizes per-operation overhead dominates arithmetic.
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
    /// <remarks>Every stage writes into preallocated [slots, B, n] buffers with in-place operations: the activations buffer starts as
    /// the drive of each slot, so a stage is one in-place addmm and one tanh, and no per-stage tensor is allocated.</remarks>
    static Tensor[] Forward(Settings settings, Tensor h0, Tensor drive, Tensor weightT)
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perStep = stageCount * settings.StepsPerSample;
        long samples = drive.shape[0], batch = h0.shape[0], n = h0.shape[1];
        double c = settings.Step / settings.Tau;
        using var coefficients = new Coefficients(tableau, c);
        var outputs = torch.empty([samples * perStep, batch, n], dtype: h0.dtype, device: h0.device);
        outputs.view(samples, perStep, batch, n).copy_(drive.unsqueeze(1));
        var inputs = torch.empty_like(outputs);
        var s = outputs.unbind(0);
        var x = inputs.unbind(0);
        var stageMatrix = torch.empty([stageCount, batch * n], dtype: h0.dtype, device: h0.device);
        var stages = stageMatrix.view(stageCount, batch, n).unbind(0);
        var solutionRow = coefficients.Row(tableau.B, c, h0);
        var h = x[0].copy_(h0);
        for (int slot = 0; slot < s.Length; slot += stageCount)
        {
            var next = slot + stageCount < s.Length ? x[slot + stageCount] : torch.empty_like(h0);
            if (stageCount == 1)
            {
                // Euler: s = tanh(h W_recᵀ + z), h' = h + c(s − h)
                s[slot].addmm_(h, weightT).tanh_();
                h = next.copy_(h).lerp_(s[slot], coefficients.Constant(c * tableau.B[0], h0));
                continue;
            }
            for (int i = 0; i < stageCount; i++)
            {
                var xi = i == 0 ? h : coefficients.Combine(x[slot + i].copy_(h), coefficients.Stage[i], stages);
                s[slot + i].addmm_(xi, weightT).tanh_();
                stages[i].copy_(s[slot + i]).sub_(xi);
            }
            // h' = h + c Σ_i b_i k'_i as one product of the weights [1, s] and the stages [s, B·n]
            next.copy_(h).view(1, batch * n).addmm_(solutionRow, stageMatrix);
            h = next;
        }
        // c(1 − s²) in one pass: c + (−c) s ⊙ s
        var slopes = torch.addcmul(coefficients.Constant(c, h0), outputs, outputs, coefficients.MinusFactor);
        return [h, inputs, slopes];
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
    /// <remarks>In place throughout: δ_i overwrites a copy of the saved slopes, ∂L/∂k'_i and then ∂L/∂x_i reuse one buffer per
    /// stage, and ∂L/∂h accumulates in a copy of the incoming gradient.</remarks>
    static Tensor[] Backward(Settings settings, Tensor weight, Tensor inputs, Tensor slopes, Tensor gradOutput)
    {
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages, perStep = stageCount * settings.StepsPerSample;
        double c = settings.Step / settings.Tau;
        using var coefficients = new Coefficients(tableau, c);
        long batch = gradOutput.shape[0], n = weight.shape[0];
        var g = gradOutput.clone();
        var allDeltas = slopes.clone();
        var deltas = allDeltas.unbind(0);
        var gradStageMatrix = torch.empty([stageCount, batch * n], dtype: g.dtype, device: g.device);
        var gradStages = gradStageMatrix.view(stageCount, batch, n).unbind(0);
        var onesRow = coefficients.Row(Enumerable.Repeat(1.0, stageCount).ToArray(), 1.0, g);
        var gRow = g.view(1, batch * n);
        var influences = new bool[stageCount];
        for (int slot = deltas.Length - stageCount; slot >= 0; slot -= stageCount)
        {
            if (stageCount == 1)
            {
                // Euler: δ = c(1 − s²) ⊙ b ḡ, ∂L/∂h = (1 − c b) ḡ + δ W
                var delta = deltas[slot].mul_(g);
                if (tableau.B[0] != 1.0) delta.mul_(coefficients.SolutionWeight(0));
                coefficients.ScaleAddProduct(g, 1 - c * tableau.B[0], delta, weight);
                continue;
            }
            for (int i = stageCount - 1; i >= 0; i--)
            {
                // ĝ_i = b_i ḡ + Σ a_mi ∂L/∂x_m; δ_i = ĝ_i ⊙ c(1 − s_i²); ∂L/∂x_i = δ_i W − c ĝ_i (in ĝ_i's buffer)
                influences[i] = coefficients.Adjoint(i, g, gradStages, influences);
                if (!influences[i])
                {
                    deltas[slot + i].zero_();
                    gradStages[i].zero_();
                    continue;
                }
                var delta = deltas[slot + i].mul_(gradStages[i]);
                coefficients.ScaleAddProduct(gradStages[i], -c, delta, weight);
            }
            // ∂L/∂h = ḡ + Σ_i ∂L/∂x_i as one product [1, s] × [s, B·n]
            gRow.addmm_(onesRow, gradStageMatrix);
        }
        var gradWeight = allDeltas.view(-1, n).t().mm(inputs.view(-1, n));
        var gradDrive = perStep == 1 ? allDeltas : allDeltas.view(-1, perStep, batch, n).sum(1);
        return [g, gradDrive, gradWeight];
    }

    /// <summary>The tableau's weights and the scale c = Δt/τ, as scalars made once per pass.</summary>
    sealed class Coefficients : IDisposable
    {
        readonly List<IDisposable> owned = [];
        readonly ButcherTableau tableau;
        readonly Dictionary<double, Scalar> scalars = [];
        readonly Dictionary<double, Tensor> constants = [];

        /// <summary>c·a_ij by stage (null where zero).</summary>
        internal Scalar?[][] Stage { get; }
        /// <summary>−c.</summary>
        internal Scalar MinusFactor { get; }

        internal Coefficients(ButcherTableau tableau, double factor)
        {
            this.tableau = tableau;
            Stage = tableau.A.Select(row => row.Select(w => w == 0.0 ? null : Of(factor * w)).ToArray()).ToArray();
            MinusFactor = Of(-factor);
        }

        /// <summary>The scalar of a value (made once).</summary>
        Scalar Of(double value)
        {
            if (!scalars.TryGetValue(value, out var scalar))
            {
                scalar = value.ToScalar();
                scalars[value] = scalar;
                owned.Add(scalar);
            }
            return scalar;
        }

        /// <summary>b_i (without the factor).</summary>
        internal Scalar SolutionWeight(int i) => Of(tableau.B[i]);

        /// <summary>A 0-dimensional tensor of <paramref name="value"/> with the dtype and device of <paramref name="like"/> (made once).</summary>
        internal Tensor Constant(double value, Tensor like)
        {
            if (!constants.TryGetValue(value, out var constant))
            {
                constant = torch.tensor(value, dtype: like.dtype, device: like.device);
                constants[value] = constant;
                owned.Add(constant);
            }
            return constant;
        }

        /// <summary>The row [1, s] of factor·w_i with the dtype and device of <paramref name="like"/>, for weighted sums of stages as a matrix product.</summary>
        internal Tensor Row(double[] weights, double factor, Tensor like)
        {
            var row = torch.tensor(weights.Select(w => factor * w).ToArray(), dtype: like.dtype, device: like.device).view(1, weights.Length);
            owned.Add(row);
            return row;
        }

        /// <summary>target += Σ_j w_j k_j over the nonzero weights, in place.</summary>
        internal Tensor Combine(Tensor target, Scalar?[] weights, Tensor[] stages)
        {
            for (int j = 0; j < weights.Length; j++)
                if (weights[j] is { } w) target.add_(stages[j], alpha: w);
            return target;
        }

        /// <summary>Writes b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m into <paramref name="gradStages"/>[i] (the influential stages m only); false when
        /// stage i does not influence the result.</summary>
        internal bool Adjoint(int i, Tensor g, Tensor[] gradStages, bool[] influences)
        {
            var target = gradStages[i];
            bool written = false;
            void Add(Tensor term, double w)
            {
                if (w == 0.0) return;
                if (written) target.add_(term, alpha: Of(w));
                else if (w == 1.0) target.copy_(term);
                else target.copy_(term).mul_(Of(w));
                written = true;
            }
            for (int m = i + 1; m < gradStages.Length; m++)
                if (influences[m] && tableau.A[m][i] == 1.0) Add(gradStages[m], 1.0);
            Add(g, tableau.B[i]);
            for (int m = i + 1; m < gradStages.Length; m++)
                if (influences[m] && tableau.A[m][i] != 1.0) Add(gradStages[m], tableau.A[m][i]);
            return written;
        }

        /// <summary>target ← β·target + δ W in place: one addmm in float32 (β rounds to float32 there anyway), and a separate
        /// double-precision scaling otherwise, since addmm's β is passed as a float32.</summary>
        internal void ScaleAddProduct(Tensor target, double beta, Tensor delta, Tensor weight)
        {
            if (target.dtype == ScalarType.Float32) target.addmm_(delta, weight, beta: (float)beta, alpha: 1);
            else
            {
                if (beta != 1.0) target.mul_(Of(beta));
                target.addmm_(delta, weight);
            }
        }

        /// <summary>Releases the scalars and tensors.</summary>
        public void Dispose()
        {
            foreach (var item in owned) item.Dispose();
        }
    }
}
