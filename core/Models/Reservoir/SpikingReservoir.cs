using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// A spiking reservoir (liquid state machine; Maass, Natschläger &amp; Markram 2002, Neural Comput 14:2531): a balanced LIF network
/// (<see cref="LifNetwork"/>) driven by an input series through random weights, R I_i = μ_i + Σ_d W_in[i,d] u_d, each sample held
/// for <see cref="SpikingReservoirOptions.SampleDuration"/>; its state is read as the exponential spike traces r_i after every sample.
/// Connectivity, input weights, biases and initial potentials come from a <see cref="ReservoirWiring"/> (drawn from a seed, or loaded).
/// </summary>
public sealed class SpikingReservoir : IDisposable
{
    readonly LifNetwork network;
    readonly double[] inputWeights, biases, current;
    readonly int n, d, stepsPerSample;

    /// <summary>The options it was built with.</summary>
    public SpikingReservoirOptions Options { get; }
    /// <summary>The seed of the external Poisson streams (for a reservoir built from a seed, the seed of everything).</summary>
    public long Seed { get; }
    /// <summary>Number of neurons N.</summary>
    public int NeuronCount => n;
    /// <summary>The underlying spiking network (for rasters and membrane potentials).</summary>
    public LifNetwork Network => network;
    /// <summary>Spike traces r_i after the last sample.</summary>
    public ReadOnlySpan<double> Traces => network.Traces;
    /// <summary>Input weights W_in (mV per input unit), N × D row-major.</summary>
    public ReadOnlySpan<double> InputWeights => inputWeights;
    /// <summary>Constant drives μ_i (mV).</summary>
    public ReadOnlySpan<double> Biases => biases;

    /// <summary>A reservoir whose every random choice derives from <paramref name="seed"/> (<see cref="ReservoirWiring.FromSeed"/>).</summary>
    public SpikingReservoir(SpikingReservoirOptions options, long seed) : this(options, ReservoirWiring.FromSeed(options, seed)) { }

    /// <summary>A reservoir on given wiring: its connectivity, input weights, drives and initial potentials (a fresh run starts from them).</summary>
    public SpikingReservoir(SpikingReservoirOptions options, ReservoirWiring wiring)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wiring);
        Options = options.Validate();
        wiring.Validate(options);
        Seed = wiring.NoiseSeed;
        n = options.NeuronCount;
        d = options.InputSize;
        stepsPerSample = options.StepsPerSample;
        inputWeights = wiring.InputWeights;
        biases = wiring.Biases;
        current = new double[n];
        network = new LifNetwork(options.NetworkWithTraces, wiring.Connectivity, wiring.NoiseSeed, options.Threads);
        network.SetMembranePotentials(wiring.InitialPotentials);
    }

    /// <summary>Feeds one sample u (held for the sample duration) and returns the spike traces at its end.</summary>
    public ReadOnlySpan<double> Advance(ReadOnlySpan<double> input)
    {
        if (input.Length != d) throw new ArgumentException($"input has {input.Length} entries but the reservoir takes {d}.", nameof(input));
        for (int k = 0; k < d; k++)
            if (!double.IsFinite(input[k]))
                throw new ArgumentException($"input[{k}] is {input[k]}; the reservoir can only be driven by finite values (a closed loop that diverged?).", nameof(input));
        for (int i = 0; i < n; i++)
        {
            double sum = biases[i];
            for (int k = 0; k < d; k++) sum += inputWeights[i * d + k] * input[k];
            current[i] = sum;
        }
        for (int s = 0; s < stepsPerSample; s++) network.Step(current);
        return network.Traces;
    }

    /// <summary>Drives the reservoir with every row of <paramref name="inputs"/> (time × D) in turn; returns the traces after each sample (time × N).</summary>
    public double[,] Drive(double[,] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.GetLength(1) != d) throw new ArgumentException($"inputs has {inputs.GetLength(1)} columns but the reservoir takes {d}.", nameof(inputs));
        int rows = inputs.GetLength(0);
        if (rows == 0) throw new ArgumentException("inputs has no rows; give at least one sample.", nameof(inputs));
        var traces = new double[rows, n];
        var flat = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref traces[0, 0], traces.Length);
        var sample = new double[d];
        for (int t = 0; t < rows; t++)
        {
            for (int k = 0; k < d; k++) sample[k] = inputs[t, k];
            Advance(sample).CopyTo(flat.Slice(t * n, n));
        }
        return traces;
    }

    /// <summary>Stops the network's second thread, if any.</summary>
    public void Dispose() => network.Dispose();
}
