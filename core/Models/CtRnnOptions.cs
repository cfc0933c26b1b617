namespace NeuroDyn.Models;

/// <summary>Shape, time scales, solver and readout of a <see cref="CtRnn"/>: τ dh/dt = −h + tanh(W_rec h + W_in x(t) + b),
/// prediction W_out h + b_out (state readout) or x_last + s (W_out h + b_out) (increment readout).</summary>
/// <remarks>
/// Defaults suit Lorenz-63 sampled at dt = 0.01 and z-scored (inputs of order 1): with τ = 1 and Δ = 0.1 model time per sample,
/// the hidden state relaxes over τ/Δ = 10 samples, a memory well inside a 50-sample window yet long enough to integrate the
/// trajectory's curvature; Δ/τ = 0.1 keeps one RK4 step per sample accurate (local error ~ (Δ/τ)⁵) so the trained network is a
/// faithful continuous-time system whose vector field the analyses can study. The model's time axis is its own: Δ need not equal
/// the data's dt. With the increment readout (<see cref="ReadoutTarget.Increment"/>) a shorter τ pays: the increment depends on
/// the latest input, which a unit with τ/Δ = 10 averages with the last ten; chapter 01 uses τ = 0.2 (τ/Δ = 2, still one accurate
/// RK4 step per sample) and measured a one-step error about ten times smaller than with τ = 1.
/// </remarks>
public sealed record CtRnnOptions : RateNetworkOptions
{
    /// <summary>Time constant τ of every unit (default 1).</summary>
    public double Tau { get; init; } = 1.0;
}
