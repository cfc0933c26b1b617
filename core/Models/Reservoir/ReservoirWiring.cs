using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// The fixed random parts of a <see cref="SpikingReservoir"/>, as arrays: recurrent connectivity, input weights W_in (N × D row-major,
/// mV per input unit), constant drives μ_i (mV), initial membrane potentials (mV), and the seed of the external Poisson streams
/// (used only when the network has a Poisson background, η &gt; 0). A reservoir built from them behaves exactly like the one built
/// from the seed they were drawn with; a model file stores them, so a reservoir does not depend on how a seed is turned into arrays.
/// </summary>
/// <param name="Connectivity">Out-going CSR rows of the recurrent synapses.</param>
/// <param name="InputWeights">W_in, N × D row-major.</param>
/// <param name="Biases">μ_i, one per neuron.</param>
/// <param name="InitialPotentials">V_i at the start of every run, one per neuron.</param>
/// <param name="NoiseSeed">Seed of the per-neuron external Poisson streams.</param>
public sealed record ReservoirWiring(SparseConnectivity Connectivity, double[] InputWeights, double[] Biases, double[] InitialPotentials, long NoiseSeed)
{
    /// <summary>The wiring a reservoir with <paramref name="options"/> draws from <paramref name="seed"/>: Brunel's fixed in-degree connectivity and the
    /// network's uniform initial potentials as <see cref="LifNetwork"/> draws them; W_in[i,d] ~ N(0, InputScale²) and μ_i uniform in BiasMean ± BiasSpread from stream −3.</summary>
    public static ReservoirWiring FromSeed(SpikingReservoirOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = options.NeuronCount, d = options.InputSize;
        var random = new Xoshiro256(seed, -3); // streams 0 … N−1 and −2 belong to the network
        var inputWeights = new double[n * d];
        for (int k = 0; k < inputWeights.Length; k++)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble(); // Box–Muller
            inputWeights[k] = options.InputScale * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }
        var biases = new double[n];
        for (int i = 0; i < n; i++) biases[i] = options.BiasMean + options.BiasSpread * (2 * random.NextDouble() - 1);
        using var network = new LifNetwork(options.NetworkWithTraces, seed);
        return new ReservoirWiring(network.Connectivity, inputWeights, biases, network.MembranePotentials.ToArray(), seed);
    }

    /// <summary>Throws unless the arrays fit a reservoir with <paramref name="options"/> (N neurons, D inputs) and hold finite values.</summary>
    public ReservoirWiring Validate(SpikingReservoirOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int n = options.NeuronCount, d = options.InputSize;
        if (Connectivity.NeuronCount != n) throw new ArgumentException($"the connectivity has {Connectivity.NeuronCount} neurons but the options give N = {n}.", nameof(Connectivity));
        foreach (var (name, values, length) in new[] { (nameof(InputWeights), InputWeights, n * d), (nameof(Biases), Biases, n), (nameof(InitialPotentials), InitialPotentials, n) })
        {
            if (values.Length != length) throw new ArgumentException($"{name} has {values.Length} entries but a reservoir of N = {n} neurons and D = {d} inputs needs {length}.", name);
            NeuroDyn.Systems.Guard.Finite(values, name);
        }
        return this;
    }
}
