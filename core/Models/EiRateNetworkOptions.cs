using NeuroDyn.Solvers;
using NeuroDyn.Torch;

namespace NeuroDyn.Models;

/// <summary>Shape, time scales, rate function, balanced initialisation and solver of an <see cref="EiRateNetwork"/>:
/// τ_E dr_E/dt = −r_E + φ(W_EE r_E − W_EI r_I + W_E,in x + b_E), τ_I dr_I/dt = −r_I + φ(W_IE r_E − W_II r_I + W_I,in x + b_I).</summary>
/// <remarks>
/// Defaults suit z-scored Lorenz-63 at one sample per Δ = 0.1 model time, like <see cref="CtRnnOptions"/>: τ_E = 1 and a faster
/// inhibition τ_I = 0.5 (cortical inhibitory cells integrate about twice as fast as excitatory ones), so one RK4 step per sample
/// keeps Δ/τ ≤ 0.2. With 64 units (51 E, 13 I) and a readout from the E cells the network has about as many parameters as a
/// 64-unit CT-RNN.
/// </remarks>
public sealed record EiRateNetworkOptions
{
    /// <summary>Total number of units n = n_E + n_I (default 64).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Fraction of excitatory units, in (0, 1); n_E = round(fraction · n), at least 1 of each kind (default 0.8).</summary>
    public double ExcitatoryFraction { get; init; } = 0.8;

    /// <summary>Time constant τ_E of the excitatory units (default 1).</summary>
    public double TauE { get; init; } = 1.0;

    /// <summary>Time constant τ_I of the inhibitory units (default 0.5).</summary>
    public double TauI { get; init; } = 0.5;

    /// <summary>The non-negative rate function φ (default rectified tanh: bounded, so closed-loop runs cannot blow up as with softplus).</summary>
    public RateActivation Activation { get; init; } = RateActivation.RectifiedTanh;

    /// <summary>Read the output from the excitatory units only (as cortical projection neurons are excitatory), else from all (default true).</summary>
    public bool ReadoutFromExcitatory { get; init; } = true;

    /// <summary>What the readout predicts: the next state (default) or its change since the latest input (<see cref="ReadoutTarget.Increment"/>:
    /// y = x_last + s (W_out r_E + b_out), x_last the window's last sample or in closed loop the previous prediction; the closed-loop
    /// field then gains the fed-back state x as D extra coordinates).</summary>
    public ReadoutTarget Readout { get; init; } = ReadoutTarget.State;

    /// <summary>Increment readout: the scale s in y = x_last + s (W_out r_E + b_out) (default 1; unused by the state readout).</summary>
    public double IncrementScale { get; init; } = 1.0;

    /// <summary>Spectral radius ρ of the initial recurrent matrix, whose rows are exactly balanced (default 1: the edge of chaos for unit slope).</summary>
    public double SpectralRadius { get; init; } = 1.0;

    /// <summary>Mean of the initial biases b: a tonic external excitation that sets the units' working point (default 0.5; the
    /// biases are drawn from ExternalDrive ± 1/√D and then trained).</summary>
    public double ExternalDrive { get; init; } = 0.5;

    /// <summary>Model time Δ covered by one sample of the window; the input is held constant over it (zero-order hold). Default 0.1.</summary>
    public double SampleInterval { get; init; } = 0.1;

    /// <summary>Solver of the rate dynamics (default RK4).</summary>
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

    /// <summary>Number of excitatory units n_E = round(fraction · n).</summary>
    public int ExcitatoryCount => (int)Math.Round(ExcitatoryFraction * Hidden, MidpointRounding.AwayFromZero);

    /// <summary>Number of inhibitory units n_I = n − n_E.</summary>
    public int InhibitoryCount => Hidden - ExcitatoryCount;
}
