namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// The echo-state property of a spiking reservoir, measured (Jaeger 2001): the same reservoir (same seed) is driven twice by the same
/// inputs from two different initial states; a reservoir whose traces depend on the input only gives the same traces once the washout
/// has passed, a chaotic one keeps its own, input-independent, variability, which a readout sees as noise.
/// </summary>
public static class ReservoirConsistency
{
    /// <summary>
    /// Normalised difference of the traces r¹, r² after the washout, Σ(r¹ − r²)² / (Σ(r¹ − r̄¹)² + Σ(r² − r̄²)²) over samples and neurons
    /// (r̄ the mean over all samples and neurons): 0 for identical traces, about 1 for independent traces of equal statistics.
    /// Each run starts from membrane potentials uniform in [V_r, θ) drawn from a generator seeded with its state seed.
    /// </summary>
    public static double TraceDifference(SpikingReservoirOptions options, long seed, double[,] inputs, int washout, int firstStateSeed = 1, int secondStateSeed = 2)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(inputs);
        if (washout < 0 || washout >= inputs.GetLength(0))
            throw new ArgumentOutOfRangeException(nameof(washout), washout, $"the washout must lie in [0, {inputs.GetLength(0)}) samples so that some traces remain to compare.");
        var first = Traces(options, seed, inputs, firstStateSeed);
        var second = Traces(options, seed, inputs, secondStateSeed);
        int n = options.NeuronCount, from = washout * n;
        double meanFirst = Mean(first, from), meanSecond = Mean(second, from);
        double difference = 0, spread = 0;
        for (int k = from; k < first.Length; k++)
        {
            difference += (first[k] - second[k]) * (first[k] - second[k]);
            spread += (first[k] - meanFirst) * (first[k] - meanFirst) + (second[k] - meanSecond) * (second[k] - meanSecond);
        }
        return spread > 0 ? difference / spread : 0;
    }

    static double[] Traces(SpikingReservoirOptions options, long seed, double[,] inputs, int stateSeed)
    {
        using var reservoir = new SpikingReservoir(options, seed);
        var p = options.Network;
        var random = new Random(stateSeed);
        reservoir.Network.SetMembranePotentials(Enumerable.Range(0, options.NeuronCount).Select(_ => p.VReset + (p.Theta - p.VReset) * random.NextDouble()).ToArray());
        var traces = reservoir.Drive(inputs);
        var flat = new double[traces.Length];
        Buffer.BlockCopy(traces, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }

    static double Mean(double[] values, int from)
    {
        double sum = 0;
        for (int k = from; k < values.Length; k++) sum += values[k];
        return sum / (values.Length - from);
    }
}
