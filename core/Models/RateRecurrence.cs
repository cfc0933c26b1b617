using NeuroDyn.Solvers;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>Rate dynamics dh/dt = γ ⊙ (−h + φ(h Wᵀ + z_k)), γ = 1/τ per unit (or one τ for all), z_k held over each sample
/// interval, integrated by a fixed-step Runge–Kutta tableau, as one autograd node with a hand-written backward pass.
/// Shared by <see cref="CtRnn"/> (φ = tanh, one τ) and <see cref="EiRateNetwork"/> (φ ≥ 0, τ_E and τ_I).</summary>
/// <remarks>
/// Inputs: the <see cref="Settings"/>, h0 [B, n], the drive z = x W_inᵀ + b as [L, B, n], and W [n, n]. Output: h after L samples.
/// Forward, with k_i = γ ⊙ (φ(u_i) − x_i), u_i = x_i Wᵀ + z_k, x_i = h + Δt Σ_j a_ij k_j, h' = h + Δt Σ_i b_i k_i.
/// Backward (exact reverse of those operations): with ḡ = ∂L/∂h', ∂L/∂k_i = Δt (b_i ḡ + Σ_{m&gt;i} a_mi ∂L/∂x_m), κ_i = γ ⊙ ∂L/∂k_i,
/// δ_i = κ_i ⊙ φ'(u_i), ∂L/∂x_i = δ_i W − κ_i, ∂L/∂h = ḡ + Σ_i ∂L/∂x_i, ∂L/∂W += δ_iᵀ x_i, ∂L/∂z_k += δ_i.
/// Compared with autograd this records one node instead of ~6 per stage, and keeps only x_i and φ'(u_i) per stage.
/// The time constants are constants: no gradient flows to γ.
/// </remarks>
internal sealed class RateRecurrence : autograd.MultiTensorFunction<RateRecurrence>
{
    /// <summary>The fixed-step method, step, rate function and inverse time constants γ (a scalar or [n] tensor) of one integration.</summary>
    internal sealed record Settings(ButcherTableau Tableau, double Step, int StepsPerSample, RateActivation Activation, Tensor InverseTau);

    /// <inheritdoc/>
    public override string Name => "RateRecurrence";

    /// <summary>h after integrating over every sample of z (differentiable with respect to h0, z and W).</summary>
    internal static Tensor Integrate(Settings settings, Tensor h0, Tensor drive, Tensor recurrentWeight) =>
        apply(settings, h0, drive, recurrentWeight)[0];

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var settings = (Settings)vars[0];
        var (h, drive, weight) = ((Tensor)vars[1], (Tensor)vars[2], (Tensor)vars[3]);
        var tableau = settings.Tableau;
        double c = settings.Step;
        var weightT = weight.t();
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
                    var (s, slope) = settings.Activation.ApplyWithSlope(zk.addmm(x, weightT));
                    saved.Add(x);
                    saved.Add(slope);
                    stages[i] = s.sub_(x).mul_(settings.InverseTau);
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

    /// <summary>[null, ∂L/∂h0, ∂L/∂z, ∂L/∂W] by running the recorded steps in reverse.</summary>
    static List<Tensor> Gradients(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var settings = (Settings)ctx.get_data("settings");
        var saved = ctx.get_saved_variables();
        var weight = saved[0];
        var tableau = settings.Tableau;
        int stageCount = tableau.Stages;
        double c = settings.Step;
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
                    gk.mul_(settings.InverseTau);
                    var (x, slope) = (saved[slot + 2 * i], saved[slot + 2 * i + 1]);
                    var delta = gk.mul(slope);
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
