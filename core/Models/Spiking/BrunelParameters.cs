namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Parameters of Brunel's balanced network of leaky integrate-and-fire neurons, model A (Brunel 2000,
/// "Dynamics of sparsely connected networks of excitatory and inhibitory spiking neurons", J Comput Neurosci 8:183):
/// τ_m dV/dt = −(V − V_rest) + R I_syn + R I_ext, spike and reset to V_r when V ≥ θ, refractory for t_ref.
/// Times are in milliseconds, potentials (and currents times R) in millivolts. Defaults are Brunel's.
/// </summary>
public sealed record BrunelParameters
{
    /// <summary>Number of excitatory neurons N_E (indices 0 … N_E − 1).</summary>
    public int ExcitatoryCount { get; init; } = 10_000;
    /// <summary>Number of inhibitory neurons N_I (indices N_E … N_E + N_I − 1); Brunel uses N_E/4.</summary>
    public int InhibitoryCount { get; init; } = 2_500;
    /// <summary>Connection probability ε: each neuron receives exactly C_E = round(ε N_E) excitatory and C_I = round(ε N_I) inhibitory inputs.</summary>
    public double Epsilon { get; init; } = 0.1;
    /// <summary>Excitatory efficacy J (mV): the voltage jump caused by one excitatory (or external) spike.</summary>
    public double J { get; init; } = 0.1;
    /// <summary>Relative strength of inhibition g: inhibitory spikes cause a jump of −g J.</summary>
    public double G { get; init; } = 5.0;
    /// <summary>External drive η = ν_ext/ν_thr, the rate of each of the C_E external Poisson synapses relative to ν_thr = θ/(J C_E τ_m).</summary>
    public double Eta { get; init; } = 2.0;
    /// <summary>Transmission delay D (ms), a whole multiple of the time step, at least one step.</summary>
    public double Delay { get; init; } = 1.5;
    /// <summary>Membrane time constant τ_m (ms).</summary>
    public double TauM { get; init; } = 20.0;
    /// <summary>Firing threshold θ (mV).</summary>
    public double Theta { get; init; } = 20.0;
    /// <summary>Reset potential V_r (mV).</summary>
    public double VReset { get; init; } = 10.0;
    /// <summary>Resting potential V_rest (mV).</summary>
    public double VRest { get; init; } = 0.0;
    /// <summary>Absolute refractory period t_ref (ms), a whole multiple of the time step; inputs arriving during it are discarded (delta synapses).</summary>
    public double RefractoryPeriod { get; init; } = 2.0;
    /// <summary>Time step dt (ms).</summary>
    public double Dt { get; init; } = 0.1;
    /// <summary>Synapse model: delta (Brunel's) or exponential current.</summary>
    public SynapseKind Synapse { get; init; } = SynapseKind.Delta;
    /// <summary>Synaptic time constant τ_s (ms) of exponential synapses (ignored for delta synapses); must differ from τ_m.</summary>
    public double TauSyn { get; init; } = 0.5;
    /// <summary>Time constant (ms) of the per-neuron spike-train traces r_i(t) = Σ_spikes exp(−(t − t_spike)/τ_r); null keeps no traces.</summary>
    public double? TraceTimeConstant { get; init; }

    /// <summary>Total number of neurons N = N_E + N_I (at most <see cref="MaxNeuronCount"/> in parameters that pass <see cref="Validate"/>).</summary>
    public int NeuronCount => ExcitatoryCount + InhibitoryCount;
    /// <summary>The most neurons a network holds: its connectivity's row offsets, N + 1 of them, fill one array of at most Array.MaxLength entries.</summary>
    public static int MaxNeuronCount => Array.MaxLength - 1;
    /// <summary>Excitatory in-degree C_E = round(ε N_E).</summary>
    public int ExcitatoryInDegree => (int)Math.Round(Epsilon * ExcitatoryCount);
    /// <summary>Inhibitory in-degree C_I = round(ε N_I).</summary>
    public int InhibitoryInDegree => (int)Math.Round(Epsilon * InhibitoryCount);
    /// <summary>Threshold rate ν_thr = θ/(J C_E τ_m) in spikes per ms: the external rate that brings the mean input to threshold without feedback.</summary>
    public double ThresholdRate => Theta / (J * ExcitatoryInDegree * TauM);
    /// <summary>Mean number of external spikes a neuron receives per step, λ = C_E η ν_thr dt (zero when η = 0).</summary>
    public double ExternalSpikesPerStep => Eta == 0 ? 0 : ExcitatoryInDegree * Eta * ThresholdRate * Dt;
    /// <summary>The delay in steps, D/dt.</summary>
    public int DelaySteps => (int)Math.Round(Delay / Dt);
    /// <summary>The refractory period in steps, t_ref/dt.</summary>
    public int RefractorySteps => (int)Math.Round(RefractoryPeriod / Dt);

    /// <summary>Throws an error naming the first invalid parameter and what to do about it; returns this record otherwise.</summary>
    public BrunelParameters Validate()
    {
        if (ExcitatoryCount < 1) Fail(nameof(ExcitatoryCount), ExcitatoryCount, "must be at least 1.");
        if (InhibitoryCount < 0) Fail(nameof(InhibitoryCount), InhibitoryCount, "must be >= 0.");
        long neurons = (long)ExcitatoryCount + InhibitoryCount;
        if (neurons > MaxNeuronCount)
            Fail(nameof(InhibitoryCount), InhibitoryCount, $"gives N = N_E + N_I = {ExcitatoryCount} + {InhibitoryCount} = {neurons} neurons, more than the {MaxNeuronCount} a network holds: lower ExcitatoryCount or InhibitoryCount.");
        if (!(Epsilon >= 0 && Epsilon <= 1)) Fail(nameof(Epsilon), Epsilon, "must lie in [0, 1].");
        if (ExcitatoryInDegree > ExcitatoryCount - 1)
            Fail(nameof(Epsilon), Epsilon, $"gives C_E = {ExcitatoryInDegree} excitatory inputs but only N_E − 1 = {ExcitatoryCount - 1} distinct non-self excitatory neurons exist: lower ε or raise N_E.");
        if (InhibitoryInDegree > Math.Max(InhibitoryCount - 1, 0))
            Fail(nameof(Epsilon), Epsilon, $"gives C_I = {InhibitoryInDegree} inhibitory inputs but only {Math.Max(InhibitoryCount - 1, 0)} distinct non-self inhibitory neurons exist: lower ε or raise N_I.");
        long synapses = neurons * ((long)ExcitatoryInDegree + InhibitoryInDegree);
        if (synapses > Array.MaxLength)
            Fail(nameof(Epsilon), Epsilon, $"gives N (C_E + C_I) = {neurons} × ({ExcitatoryInDegree} + {InhibitoryInDegree}) = {synapses} synapses, more than the {Array.MaxLength} one array holds: lower ε or the neuron counts.");
        Positive(J, nameof(J));
        NonNegative(G, nameof(G));
        NonNegative(Eta, nameof(Eta));
        if (Eta > 0 && ExcitatoryInDegree == 0)
            Fail(nameof(Eta), Eta, "needs C_E > 0 (the external rate is η ν_thr with ν_thr = θ/(J C_E τ_m)): set η = 0 or connect the network.");
        Positive(TauM, nameof(TauM));
        Positive(Dt, nameof(Dt));
        Finite(Theta, nameof(Theta));
        Finite(VReset, nameof(VReset));
        Finite(VRest, nameof(VRest));
        if (!(VReset < Theta)) Fail(nameof(VReset), VReset, $"must lie below the threshold θ = {Theta} mV.");
        Positive(Delay, nameof(Delay));
        WholeSteps(Delay, nameof(Delay));
        if (DelaySteps < 1) Fail(nameof(Delay), Delay, $"must be at least one time step dt = {Dt} ms.");
        double ringEntries = Math.Round(Delay / Dt) * neurons;
        if (ringEntries > Array.MaxLength)
            Fail(nameof(Delay), Delay, $"gives a ring buffer of D/dt × N = {Math.Round(Delay / Dt)} × {neurons} = {ringEntries:G6} entries, more than the {Array.MaxLength} one array holds: shorten the delay, raise dt or use fewer neurons.");
        NonNegative(RefractoryPeriod, nameof(RefractoryPeriod));
        WholeSteps(RefractoryPeriod, nameof(RefractoryPeriod));
        if (Synapse == SynapseKind.Exponential)
        {
            Positive(TauSyn, nameof(TauSyn));
            if (Math.Abs(TauSyn - TauM) < 1e-9 * TauM) Fail(nameof(TauSyn), TauSyn, "must differ from τ_m (the exact update divides by τ_s − τ_m): change it slightly.");
        }
        if (TraceTimeConstant is double tr) Positive(tr, nameof(TraceTimeConstant));
        if (ExternalSpikesPerStep > 700)
            Fail(nameof(Eta), Eta, $"gives {ExternalSpikesPerStep:G3} external spikes per neuron per step; beyond 700 the Poisson tables underflow (e^−λ): lower η or dt.");
        return this;
    }

    private void WholeSteps(double value, string name)
    {
        double steps = value / Dt;
        if (Math.Abs(steps - Math.Round(steps)) > 1e-9 * Math.Max(1, steps))
            Fail(name, value, $"is not a whole multiple of the time step dt = {Dt} ms ({steps} steps): choose a multiple of dt.");
    }

    private static void Positive(double value, string name)
    {
        if (!double.IsFinite(value) || value <= 0) Fail(name, value, "must be a finite number > 0.");
    }

    private static void NonNegative(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0) Fail(name, value, "must be a finite number >= 0.");
    }

    private static void Finite(double value, string name)
    {
        if (!double.IsFinite(value)) Fail(name, value, "must be a finite number.");
    }

    private static void Fail(string name, object value, string what) =>
        throw new ArgumentException($"BrunelParameters.{name} = {value} {what}", name);
}
