namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Out-going adjacency in compressed sparse row form: the targets of presynaptic neuron j are
/// <c>Targets[Offsets[j] .. Offsets[j + 1]]</c>, sorted ascending, so a spike is delivered by one pass over its row.
/// </summary>
public sealed class SparseConnectivity
{
    /// <summary>Number of neurons (rows and possible targets).</summary>
    public int NeuronCount { get; }
    /// <summary>Row starts, length N + 1; row j is [Offsets[j], Offsets[j + 1]).</summary>
    public long[] Offsets { get; }
    /// <summary>Target neuron indices of all rows, concatenated.</summary>
    public int[] Targets { get; }
    /// <summary>Total number of synapses.</summary>
    public long SynapseCount => Targets.LongLength;

    /// <summary>Wraps given CSR arrays after checking their shapes, order and ranges.</summary>
    public SparseConnectivity(int neuronCount, long[] offsets, int[] targets)
    {
        if (neuronCount < 0) throw new ArgumentOutOfRangeException(nameof(neuronCount), neuronCount, "neuronCount must be >= 0.");
        if (offsets.Length != neuronCount + 1)
            throw new ArgumentException($"offsets has {offsets.Length} entries but needs neuronCount + 1 = {neuronCount + 1}.", nameof(offsets));
        if (offsets[0] != 0 || offsets[^1] != targets.LongLength)
            throw new ArgumentException($"offsets must start at 0 and end at targets.Length = {targets.LongLength}.", nameof(offsets));
        for (int j = 0; j < neuronCount; j++)
        {
            if (offsets[j + 1] < offsets[j]) throw new ArgumentException($"offsets decrease at row {j}.", nameof(offsets));
            for (long k = offsets[j]; k < offsets[j + 1]; k++)
            {
                int t = targets[k];
                if ((uint)t >= (uint)neuronCount) throw new ArgumentException($"row {j} has target {t} outside [0, {neuronCount}).", nameof(targets));
                if (k > offsets[j] && targets[k - 1] >= t) throw new ArgumentException($"row {j} is not strictly ascending at entry {k}: sort each row and remove duplicates.", nameof(targets));
            }
        }
        (NeuronCount, Offsets, Targets) = (neuronCount, offsets, targets);
    }

    /// <summary>
    /// Random connectivity with fixed in-degree (Brunel 2000): every neuron receives exactly <paramref name="excitatoryInDegree"/>
    /// inputs from distinct excitatory neurons [0, N_E) and <paramref name="inhibitoryInDegree"/> from distinct inhibitory
    /// neurons [N_E, N_E + N_I), never from itself, drawn uniformly with the given seed.
    /// </summary>
    public static SparseConnectivity FixedInDegree(int excitatoryCount, int inhibitoryCount, int excitatoryInDegree, int inhibitoryInDegree, long seed)
    {
        int n = excitatoryCount + inhibitoryCount;
        if (excitatoryInDegree < 0 || excitatoryInDegree > Math.Max(excitatoryCount - 1, 0))
            throw new ArgumentOutOfRangeException(nameof(excitatoryInDegree), excitatoryInDegree, $"must lie in [0, N_E − 1 = {excitatoryCount - 1}].");
        if (inhibitoryInDegree < 0 || inhibitoryInDegree > Math.Max(inhibitoryCount - 1, 0))
            throw new ArgumentOutOfRangeException(nameof(inhibitoryInDegree), inhibitoryInDegree, $"must lie in [0, N_I − 1 = {inhibitoryCount - 1}].");
        int inDegree = excitatoryInDegree + inhibitoryInDegree;
        var sources = new int[(long)n * inDegree];
        var stamp = new int[n];
        var rng = new Xoshiro256(seed, -1);
        for (int target = 0; target < n; target++)
        {
            long at = (long)target * inDegree;
            stamp[target] = target + 1; // excludes self-connections
            Draw(ref rng, 0, excitatoryCount, excitatoryInDegree);
            Draw(ref rng, excitatoryCount, inhibitoryCount, inhibitoryInDegree);

            void Draw(ref Xoshiro256 r, int first, int count, int needed)
            {
                for (int drawn = 0; drawn < needed;)
                {
                    int s = first + r.NextInt(count);
                    if (stamp[s] == target + 1) continue;
                    stamp[s] = target + 1;
                    sources[at++] = s;
                    drawn++;
                }
            }
        }
        var offsets = new long[n + 1];
        foreach (int s in sources) offsets[s + 1]++;
        for (int j = 0; j < n; j++) offsets[j + 1] += offsets[j];
        var fill = offsets[..n];
        var targets = new int[sources.LongLength];
        for (int target = 0; target < n; target++)
            for (long k = (long)target * inDegree, end = k + inDegree; k < end; k++)
                targets[fill[sources[k]]++] = target; // targets visited in ascending order keep each row sorted
        return new SparseConnectivity(n, offsets, targets);
    }

    /// <summary>The in-degree of every neuron split by source population: (from [0, excitatoryCount), from the rest).</summary>
    public InDegreeCounts InDegrees(int excitatoryCount)
    {
        var fromE = new int[NeuronCount];
        var fromI = new int[NeuronCount];
        for (int j = 0; j < NeuronCount; j++)
        {
            var counts = j < excitatoryCount ? fromE : fromI;
            for (long k = Offsets[j]; k < Offsets[j + 1]; k++) counts[Targets[k]]++;
        }
        return new InDegreeCounts(fromE, fromI);
    }

    /// <summary>The first position in row j whose target is at least <paramref name="target"/> (binary search).</summary>
    public long RowLowerBound(int j, int target)
    {
        long lo = Offsets[j], hi = Offsets[j + 1];
        while (lo < hi)
        {
            long mid = (lo + hi) >>> 1;
            if (Targets[mid] < target) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>Per-neuron in-degrees split by source population.</summary>
    /// <param name="FromExcitatory">Number of inputs from excitatory neurons, per target neuron.</param>
    /// <param name="FromInhibitory">Number of inputs from inhibitory neurons, per target neuron.</param>
    public sealed record InDegreeCounts(int[] FromExcitatory, int[] FromInhibitory);
}
