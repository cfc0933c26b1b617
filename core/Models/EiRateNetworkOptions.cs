namespace NeuroDyn.Models;

/// <summary>Shape, time scales, rate function, input, balanced initialisation and solver of an <see cref="EiRateNetwork"/>:
/// τ_E dr_E/dt = −r_E + φ(W_EE r_E − W_EI r_I + W_E,in x + b_E), τ_I dr_I/dt = −r_I + φ(W_IE r_E − W_II r_I [+ W_I,in x + b_I, with <see cref="EiInput.All"/>]).</summary>
/// <remarks>
/// Defaults suit z-scored Lorenz-63 at one sample per Δ = 0.1 model time, like <see cref="CtRnnOptions"/>: τ_E = 1 and a faster
/// inhibition τ_I = 0.5 (cortical inhibitory cells integrate about twice as fast as excitatory ones), so one RK4 step per sample
/// keeps Δ/τ ≤ 0.2. With 64 units (51 E, 13 I) and a readout from the E cells the network has about as many parameters as a
/// 64-unit CT-RNN.
/// </remarks>
public sealed record EiRateNetworkOptions : RateNetworkOptions
{
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

    /// <summary>Which units receive the external drive W_in x + b: the excitatory ones only (default), or all.</summary>
    public EiInput Input { get; init; } = EiInput.Excitatory;

    /// <summary>Strength λ ≥ 0 of the balance penalty λ (ρ − ρ₀)² that training adds to the loss (<see cref="EiRateNetwork.TrainingPenalty"/>):
    /// ρ the ratio of inhibitory to excitatory input, ρ₀ = <see cref="BalanceTarget"/> (default 0: no penalty).</summary>
    public double BalancePenalty { get; init; }

    /// <summary>Target ρ₀ of the balance penalty, e.g. the ratio measured at initialisation (default 1: inhibition equal to excitation,
    /// as the exactly balanced initial rows give at equal rates).</summary>
    public double BalanceTarget { get; init; } = 1.0;

        /// <summary>Spectral radius ρ of the initial recurrent matrix, whose rows are exactly balanced (default 1: the edge of chaos for unit slope).</summary>
    public double SpectralRadius { get; init; } = 1.0;

    /// <summary>Mean of the initial biases b: a tonic external excitation that sets the units' working point (default 0.5; the
    /// biases are drawn from ExternalDrive ± 1/√D and then trained).</summary>
    public double ExternalDrive { get; init; } = 0.5;

    /// <summary>Number of excitatory units n_E = round(fraction · n).</summary>
    public int ExcitatoryCount => (int)Math.Round(ExcitatoryFraction * Hidden, MidpointRounding.AwayFromZero);

    /// <summary>Number of inhibitory units n_I = n − n_E.</summary>
    public int InhibitoryCount => Hidden - ExcitatoryCount;

    /// <summary>Number of units receiving the external drive: n_E with <see cref="EiInput.Excitatory"/>, n with <see cref="EiInput.All"/> (always the first ones).</summary>
    public int InputUnits => Input == EiInput.Excitatory ? ExcitatoryCount : Hidden;
}
