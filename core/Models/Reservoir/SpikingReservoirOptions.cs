using System.Text.Json.Serialization;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// A balanced network of leaky integrate-and-fire neurons used as a reservoir: neuron i receives the extra input
/// R I_i(t) = μ_i + Σ_d W_in[i,d] u_d(t) (mV), with u the current (z-scored) sample held for <see cref="SampleDuration"/>,
/// W_in[i,d] ~ N(0, <see cref="InputScale"/>²) and biases μ_i uniform in <see cref="BiasMean"/> ± <see cref="BiasSpread"/>.
/// </summary>
/// <remarks>
/// Time scale: one Lorenz time unit is taken as 100 ms, so one sample (dt = 0.01) lasts 1 ms = 10 simulator steps of 0.1 ms.
/// The Lorenz oscillation around a wing has a period of about 0.7 time units = 70 ms, a few membrane time constants
/// (τ_m = 20 ms): slow enough for the membranes and the 10 ms spike traces to follow it, fast enough that a few hundred ms of
/// biological time hold many oscillations. A much faster mapping (1 time unit = 10 ms) would ask neurons to track a 7 ms period,
/// below τ_m. These defaults are cheap, not the best for a closed-loop generator: there a slower mapping (5–20 ms per sample,
/// <see cref="SampleDuration"/>), a strong drive (<see cref="BiasMean"/> 80 ± 40 mV, <see cref="InputScale"/> 40 mV) and traces of
/// two samples forecast several times longer (chapter 03 measures it).
/// The default network (N_E = 800, N_I = 200, ε = 0.1, J = 0.1 mV, g = 5, no Poisson background) is inhibition dominated:
/// the suprathreshold drives (24–36 mV) make neurons fire at about 60 Hz and recurrent inhibition balances part of them. Synapses
/// are weak on purpose: at J = 0.5 mV the network's own irregular activity doubled the one-step error of a Lorenz readout.
/// </remarks>
public sealed record SpikingReservoirOptions
{
    /// <summary>The spiking network (sizes, coupling, time step); its trace time constant is replaced by <see cref="TraceTimeConstant"/>.</summary>
    public BrunelParameters Network { get; init; } = new()
    {
        ExcitatoryCount = 800, InhibitoryCount = 200, Epsilon = 0.1, J = 0.1, G = 5.0, Eta = 0.0, Delay = 1.5,
    };
    /// <summary>Dimension D of the input u (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;
    /// <summary>Standard deviation (mV per unit of input) of the input weights W_in.</summary>
    public double InputScale { get; init; } = 12.0;
    /// <summary>Mean constant drive μ (mV); above θ = 20 mV the neurons would fire without recurrent inhibition.</summary>
    public double BiasMean { get; init; } = 30.0;
    /// <summary>Half-width (mV) of the uniform spread of the constant drives μ_i.</summary>
    public double BiasSpread { get; init; } = 6.0;
    /// <summary>Time constant τ_filter (ms) of the exponential spike traces r_i(t) = Σ exp(−(t − t_spike)/τ_filter) the readout reads.</summary>
    public double TraceTimeConstant { get; init; } = 10.0;
    /// <summary>Biological time (ms) per sample of the input series; a whole number of simulator steps (default 1 ms: 1 Lorenz time unit = 100 ms).</summary>
    public double SampleDuration { get; init; } = 1.0;
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
