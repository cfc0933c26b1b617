using System.Text.Json.Serialization;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// A balanced network of leaky integrate-and-fire neurons used as a reservoir: neuron i receives the extra input
/// R I_i(t) = μ_i + Σ_d W_in[i,d] u_d(t) (mV), with u the current (z-scored) sample held for <see cref="SampleDuration"/>,
/// W_in[i,d] ~ N(0, <see cref="InputScale"/>²) and biases μ_i uniform in <see cref="BiasMean"/> ± <see cref="BiasSpread"/>.
/// </summary>
/// <remarks>
/// The defaults are Brunel's balanced, fluctuation-driven state (model A, asynchronous irregular): N_E = 800, N_I = 200, ε = 0.25
/// (C_E = 200, C_I = 50), J = 0.5 mV so that C_E J = 100 mV as in Brunel's network (C_E = 1000, J = 0.1 mV), g = 5 (inhibition
/// dominates), external Poisson drive η = 2 and no constant drive (μ_i = 0). The mean input then stays below threshold (mean field:
/// μ ≈ 15 mV against θ = 20 mV, σ ≈ 19 mV), the neurons fire irregularly at about 45 Hz with a CV of the inter-spike intervals near 1, and
/// the Lorenz input, W_in[i,d] ~ N(0, 30²) mV, modulates the probability of firing on top of that background. Time scale: one sample
/// lasts 5 ms (one Lorenz time unit 500 ms), read through 20 ms traces (chapter 03 measures why: slower mappings forecast longer).
/// The previous mean-driven default (η = 0, μ_i = 80 ± 40 mV, W_in of 40 mV: regular firing) is still one set of options away.
/// </remarks>
public sealed record SpikingReservoirOptions
{
    /// <summary>The spiking network (sizes, coupling, time step); its trace time constant is replaced by <see cref="TraceTimeConstant"/>.</summary>
    public BrunelParameters Network { get; init; } = new()
    {
        ExcitatoryCount = 800, InhibitoryCount = 200, Epsilon = 0.25, J = 0.5, G = 5.0, Eta = 2.0, Delay = 1.5,
    };
    /// <summary>Dimension D of the input u (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;
    /// <summary>Standard deviation (mV per unit of input) of the input weights W_in.</summary>
    public double InputScale { get; init; } = 30.0;
    /// <summary>Mean constant drive μ (mV) on top of the network's external Poisson drive (default 0: the balanced state needs none; above θ = 20 mV neurons fire like clocks).</summary>
    public double BiasMean { get; init; }
    /// <summary>Half-width (mV) of the uniform spread of the constant drives μ_i.</summary>
    public double BiasSpread { get; init; }
    /// <summary>Time constant τ_filter (ms) of the exponential spike traces r_i(t) = Σ exp(−(t − t_spike)/τ_filter) the readout reads.</summary>
    public double TraceTimeConstant { get; init; } = 20.0;
    /// <summary>Biological time (ms) per sample of the input series; a whole number of simulator steps (default 5 ms: 1 Lorenz time unit = 500 ms).</summary>
    public double SampleDuration { get; init; } = 5.0;
    /// <summary>Threads stepping the network (at least 1; the default network is too small to gain from more); results do not depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Number of neurons N.</summary>
    [JsonIgnore]
    public int NeuronCount => Network.NeuronCount;
    /// <summary>Simulator steps per sample, SampleDuration / dt.</summary>
    [JsonIgnore]
    public int StepsPerSample => (int)Math.Round(SampleDuration / Network.Dt);
    /// <summary>The network parameters with the reservoir's trace time constant.</summary>
    [JsonIgnore]
    public BrunelParameters NetworkWithTraces => Network with { TraceTimeConstant = TraceTimeConstant };

    /// <summary>Throws an error naming the first invalid option and what to do; returns this record otherwise.</summary>
    public SpikingReservoirOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Network, nameof(Network));
        NetworkWithTraces.Validate();
        if (InputSize < 1) Fail(nameof(InputSize), InputSize, "must be at least 1.");
        if (!double.IsFinite(InputScale) || InputScale < 0) Fail(nameof(InputScale), InputScale, "must be a finite number >= 0 (mV per input unit).");
        if (!double.IsFinite(BiasMean)) Fail(nameof(BiasMean), BiasMean, "must be a finite number (mV).");
        if (!double.IsFinite(BiasSpread) || BiasSpread < 0) Fail(nameof(BiasSpread), BiasSpread, "must be a finite number >= 0 (mV).");
        if (!double.IsFinite(TraceTimeConstant) || TraceTimeConstant <= 0) Fail(nameof(TraceTimeConstant), TraceTimeConstant, "must be a finite number > 0 (ms).");
        double steps = SampleDuration / Network.Dt;
        if (!double.IsFinite(SampleDuration) || SampleDuration <= 0 || Math.Round(steps) < 1 || Math.Abs(steps - Math.Round(steps)) > 1e-9 * steps)
            Fail(nameof(SampleDuration), SampleDuration, $"must be a positive whole multiple of the time step dt = {Network.Dt} ms.");
        if (Threads < 1) Fail(nameof(Threads), Threads, "must be at least 1.");
        return this;
    }

    static void Fail(string name, object value, string what) =>
        throw new ArgumentException($"SpikingReservoirOptions.{name} = {value} {what}", name);
}
