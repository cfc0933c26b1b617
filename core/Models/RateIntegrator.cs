using NeuroDyn.Solvers;
using NeuroDyn.Systems;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>How a rate network's hidden dynamics dh/dt = γ ⊙ (−h + φ(h Wᵀ + z_k)) are integrated over sample intervals of
/// length Δ with the drive z_k held constant over each (zero-order hold). Shared by <see cref="CtRnn"/> and <see cref="EiRateNetwork"/>.</summary>
/// <remarks>The one place where the path is chosen. On the CPU in Float32 or Float64 the fused recurrences run, with their
/// hand-written backward passes (backpropagation or the adjoint method): <see cref="RateRecurrence"/> for fixed-step solvers,
/// <see cref="AdaptiveRateRecurrence"/> for embedded pairs (Dopri5). Otherwise — another device (CUDA), another dtype, or
/// Generic — each sample interval is integrated by <see cref="TorchOde"/> (with or without its adjoint), restarting
/// at the drive's jumps: slower, but on any device libtorch serves.</remarks>
internal sealed record RateIntegrator(OdeMethod Solver, double SampleInterval, int StepsPerSample, bool Adjoint, double Rtol, double Atol, RateActivation Activation)
{
    /// <summary>Integrate with the generic tensor solver even where the fused recurrences could run (a choice of how to run, like
    /// the device: not one of the network's options, so not stored with it).</summary>
    internal bool Generic { get; set; }

    /// <summary>The steps the fused adaptive path has taken with this integrator.</summary>
    internal AdaptiveStepTally Steps { get; } = new();

    /// <summary>Hidden state after driving <paramref name="h0"/> [B, n] with drive [L, B, n], one sample interval per row; γ = <paramref name="inverseTau"/> (scalar or [n], not trained).</summary>
    internal Tensor Integrate(Tensor h0, Tensor drive, Tensor weight, Tensor inverseTau)
    {
        double step = SampleInterval / StepsPerSample;
        var tableau = ButcherTableau.For(Solver);
        if (!Generic && RateRecurrence.IsFusable(h0))
            return tableau.BError is null
                ? RateRecurrence.Integrate(new RateRecurrence.Settings(tableau, step, StepsPerSample, Activation, inverseTau, Adjoint), h0, drive, weight)
                : AdaptiveRateRecurrence.Integrate(new AdaptiveRateRecurrence.Settings(tableau, SampleInterval, Activation, inverseTau, Adjoint, Rtol, Atol, Steps), h0, drive, weight);

        var solver = new TorchOdeOptions { Method = Solver, Step = step, Rtol = Rtol, Atol = Atol };
        double[] interval = [0.0, SampleInterval];
        var h = h0;
        for (long k = 0; k < drive.shape[0]; k++)
        {
            var zk = drive[k];
            Tensor Field(Tensor t, Tensor y) => Activation.Apply(zk.addmm(y, weight.t())).sub(y).mul(inverseTau);
            var differentiable = new[] { weight, zk }.Where(p => p.requires_grad).ToArray();
            h = Adjoint && torch.is_grad_enabled() && differentiable.Length > 0
                ? TorchOde.OdeintAdjoint(Field, h, interval, differentiable, solver)[1]
                : TorchOde.Odeint(Field, h, interval, solver)[1];
        }
        return h;
    }

    /// <summary>Checks the solver settings, naming the option at fault.</summary>
    internal static void Validate(OdeMethod solver, double sampleInterval, int stepsPerSample, double rtol, double atol)
    {
        Guard.Positive(sampleInterval, "SampleInterval");
        if (stepsPerSample <= 0) throw new ArgumentOutOfRangeException("StepsPerSample", stepsPerSample, "StepsPerSample must be >= 1.");
        if (!Enum.IsDefined(solver) || solver == OdeMethod.Dop853)
            throw new ArgumentOutOfRangeException("Solver", solver, "the network's solver must be Euler, Midpoint, Rk4 or Dopri5.");
        if (solver == OdeMethod.Dopri5 && (!(rtol > 0) || !(atol > 0)))
            throw new ArgumentOutOfRangeException("Rtol", $"Rtol = {rtol}, Atol = {atol}: Dopri5 controls its error with both, so both must be > 0 (the defaults are Rtol = 1e-6, Atol = 1e-8).");
    }
}
