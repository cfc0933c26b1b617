using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The CT-RNN hidden dynamics τ dh/dt = −h + tanh(h W_recᵀ + z_k), z_k held over each sample interval, integrated
/// by a fixed-step Runge–Kutta tableau, as one autograd node with a hand-written backward pass.</summary>
/// <remarks>
/// Inputs: the <see cref="Settings"/>, h0 [B, n], the drive z = x W_inᵀ + b as [L, B, n], and W_rec [n, n]. Output: h after L samples.
/// Forward, with k'_i = τ k_i = tanh(u_i) − x_i, u_i = x_i W_recᵀ + z_k, x_i = h + (Δt/τ) Σ_j a_ij k'_j, h' = h + (Δt/τ) Σ_i b_i k'_i.
/// Backward (exact reverse of those operations): with ḡ = ∂L/∂h', ∂L/∂k'_i = (Δt/τ)(b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m),
/// δ_i = ∂L/∂k'_i ⊙ (1 − tanh² u_i), ∂L/∂x_i = δ_i W_rec − ∂L/∂k'_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i, ∂L/∂W_rec += δ_iᵀ x_i, ∂L/∂z_k += δ_i.
/// Compared with autograd this records one node instead of ~6 per stage, and keeps only x_i and 1 − tanh² u_i per stage.
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
        var (h, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var tableau = settings.Tableau;
        double c = settings.Step / settings.Tau;
        var weightT = weight.t();
        using var one = torch.ones([], dtype: h.dtype, device: h.device);
        var saved = new List<Tensor>(2 * (int)drive.shape[0] * settings.StepsPerSample * tableau.Stages);
        var stages = new Tensor[tableau.Stages];
        for (long k = 0; k < drive.shape[0]; k++)
        {
            var zk = drive[k];
            for (int step = 0; step < settings.StepsPerSample; step++)
            {
                for (int i = 0; i < stages.Length; i++)
                {
                    var x = Combine(h, c, tableau.A[i], stages);
                    var s = zk.addmm(x, weightT).tanh_();
                    saved.Add(x);
                    saved.Add(torch.addcmul(one, s, s, -1));
                    stages[i] = s.sub_(x);
                }
                h = Combine(h, c, tableau.B, stages);
            }
        }
        ctx.save_data("settings", settings);
        ctx.save_for_backward([weight, .. saved]);
        return [h];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs) =>
        BackwardGuard.Run(Name, 3, () => Gradients(ctx, gradOutputs[0]));

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W_rec] by running the recorded steps in reverse.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var saved = ctx.get_saved_variables();
        var weight = saved[0];
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages;
        double c = settings.Step / settings.Tau;
        int samples = (saved.Count - 1) / (2 * stageCount * settings.StepsPerSample);
        var g = gradOutput;
        var gradWeight = torch.zeros_like(weight);
        var gradDrive = torch.zeros(new long[] { samples, g.shape[0], g.shape[1] }, dtype: g.dtype, device: g.device);
        var gradInput = new Tensor[stageCount];
        int slot = saved.Count;
        for (int k = samples - 1; k >= 0; k--)
        {
            var gradZk = gradDrive[k];
            for (int step = settings.StepsPerSample - 1; step >= 0; step--)
            {
                slot -= 2 * stageCount;
                for (int i = stageCount - 1; i >= 0; i--)
                {
                    Tensor? gk = tableau.B[i] == 0.0 ? null : g.mul(c * tableau.B[i]);
                    for (int m = i + 1; m < stageCount; m++)
                    {
                        double a = tableau.A[m][i];
                        if (a != 0.0) gk = gk is null ? gradInput[m].mul(c * a) : gk.add_(gradInput[m], alpha: c * a);
                    }
                    if (gk is null) { gradInput[i] = null!; continue; }
                    var (x, derivative) = (saved[slot + 2 * i], saved[slot + 2 * i + 1]);
                    var delta = gk.mul(derivative);
                    gradWeight.addmm_(delta.t(), x);
                    gradZk.add_(delta);
                    gradInput[i] = torch.addmm(gk, delta, weight, beta: -1, alpha: 1);
                }
                var total = g;
                foreach (var gx in gradInput) if (gx is not null) total = total.add(gx);
                g = total;
            }
        }
        return [null!, g, gradDrive, gradWeight];
    }

    /// <summary>h + c Σ_j w_j k_j over the nonzero weights (a new tensor; h itself when all weights are zero).</summary>
    static Tensor Combine(Tensor h, double c, double[] weights, Tensor[] stages)
    {
        Tensor? sum = null;
        for (int j = 0; j < weights.Length; j++)
        {
            if (weights[j] == 0.0) continue;
            sum = sum is null ? h.add(stages[j], alpha: c * weights[j]) : sum.add_(stages[j], alpha: c * weights[j]);
        }
        return sum ?? h;
    }
}
