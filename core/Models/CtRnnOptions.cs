using NeuroDyn.Solvers;
using NeuroDyn.Torch;

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
public sealed record CtRnnOptions
{
    /// <summary>Number of hidden units n (default 64).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Time constant τ of every unit (default 1).</summary>
    public double Tau { get; init; } = 1.0;

    /// <summary>Model time Δ covered by one sample of the window; the input is held constant over it (zero-order hold). Default 0.1.</summary>
    public double SampleInterval { get; init; } = 0.1;

    /// <summary>Solver of the hidden dynamics (default RK4).</summary>
    public OdeMethod Solver { get; init; } = OdeMethod.Rk4;

    /// <summary>Fixed-step solvers: steps per sample interval, each of size Δ/StepsPerSample (default 1).</summary>
    public int StepsPerSample { get; init; } = 1;

    /// <summary>Train by the adjoint method (memory flat in the number of solver steps) instead of backpropagation through the solver.</summary>
    public bool Adjoint { get; init; }

    /// <summary>Adaptive solver (Dopri5): relative tolerance (default 1e-6).</summary>
    public double Rtol { get; init; } = 1e-6;

    /// <summary>Adaptive solver (Dopri5): absolute tolerance (default 1e-8).</summary>
    public double Atol { get; init; } = 1e-8;

    /// <summary>Input dimension D of x (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;

    /// <summary>Output dimension of y (default 3; must equal <see cref="InputSize"/> for closed-loop rollouts).</summary>
    public int OutputSize { get; init; } = 3;

    /// <summary>What the readout predicts: the next state (default) or its change since the last input (<see cref="ReadoutTarget.Increment"/>).</summary>
    public ReadoutTarget Readout { get; init; } = ReadoutTarget.State;

    /// <summary>Increment readout: the scale s in x̂_{k+1} = x_k + s (W_out h + b_out), best the typical size of one sample's change
    /// (e.g. the RMS increment of the training data), so that W_out works with order-1 numbers (default 1; unused by the state readout).</summary>
    public double IncrementScale { get; init; } = 1.0;
}
