namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Event-driven simulator of a network of current-based leaky integrate-and-fire neurons, Brunel's model A
/// (Brunel 2000, J Comput Neurosci 8:183): τ_m dV/dt = −(V − V_rest) + R I_syn + R I_ext, spike when V ≥ θ, reset to V_r,
/// refractory for t_ref. The subthreshold dynamics are integrated exactly over each step (inputs held constant in it);
/// spikes reach their targets after the delay D through a ring buffer, and only spikes cost work (out-going CSR rows).
/// On T threads the neurons are split into 4 T contiguous partitions, which the threads claim one at a time (a thread the
/// machine has not scheduled holds no partition up) and update; then, once all are, the targets are split into T contiguous
/// ranges, claimed the same way, and every spike of the step (in ascending neuron order) is written into the targets in the
/// range (a spike costs a row lookup per range, so there are as few ranges as threads). No locks or atomics guard the
/// neurons and every target sums its inputs in the same order whatever the partitioning. Every neuron draws its external Poisson input
/// from its own counter-based random stream, keyed by the seed, so results are bit-identical for every thread count.
/// </summary>
public sealed unsafe class LifNetwork : IDisposable
{
    private readonly int n, delaySteps, refractorySteps, threadCount, partitions, targetRanges;
    private readonly double decay, synapseDecay, synapseGain, externalJump, vRest, vReset, theta, traceDecay;
    private readonly bool exponential;
    private readonly double[] v, synapticCurrent, ringBuffer, presynapticWeight, external;
    private readonly double[]? traces;
    private readonly int[] refractoryLeft, lastSpikes;
    private readonly ulong[] streamKeys;
    private readonly double[] uniforms;
    private readonly PoissonTable? poisson;
    private readonly int[] partitionStart, targetRangeStart;
    private readonly long[] rowSplits;
    private readonly int[][] partitionSpikes;
    private readonly int[] partitionSpikeCount;
    private readonly StepWorkerTeam team;
    private bool externalActive, disposed;
    private int lastSpikeCount;

    /// <summary>The parameters the network was built with.</summary>
    public BrunelParameters Parameters { get; }
    /// <summary>The recurrent connectivity (out-going rows).</summary>
    public SparseConnectivity Connectivity { get; }
    /// <summary>Number of neurons N = N_E + N_I.</summary>
    public int NeuronCount => n;
    /// <summary>
    /// Default thread count: one per processor, but at most one per <see cref="NeuronsPerDefaultThread"/> neurons: the threads
    /// meet twice per step, and updating a smaller share of neurons (a few nanoseconds each) would take less time than meeting.
    /// </summary>
    public static int DefaultThreads(int neuronCount) => Math.Clamp(neuronCount / NeuronsPerDefaultThread, 1, Environment.ProcessorCount);
    /// <summary>Fewest neurons per thread that <see cref="DefaultThreads"/> gives a thread of its own.</summary>
    public const int NeuronsPerDefaultThread = 2048;
    /// <summary>Number of threads that step the network.</summary>
    public int Threads => threadCount;
    /// <summary>Number of steps taken so far.</summary>
    public long StepCount { get; private set; }
    /// <summary>Network time (ms): StepCount × dt.</summary>
    public double Time => StepCount * Parameters.Dt;
    /// <summary>Membrane potentials V_i (mV) after the last step.</summary>
    public ReadOnlySpan<double> MembranePotentials => v;
    /// <summary>Indices (ascending) of the neurons that spiked in the last step.</summary>
    public ReadOnlySpan<int> LastSpikes => lastSpikes.AsSpan(0, lastSpikeCount);
    /// <summary>Filtered spike trains r_i(t) = Σ_spikes exp(−(t − t_spike)/τ_r) after the last step (needs <see cref="BrunelParameters.TraceTimeConstant"/>).</summary>
    public ReadOnlySpan<double> Traces => traces ?? throw new InvalidOperationException("no spike traces are kept: set BrunelParameters.TraceTimeConstant (ms) to keep them.");
    /// <summary>Synaptic currents R I_syn (mV) of exponential synapses after the last step (all zero with delta synapses).</summary>
    public ReadOnlySpan<double> SynapticCurrents => synapticCurrent;

    /// <summary>Brunel's network with random fixed in-degree connectivity drawn from <paramref name="seed"/>, on <see cref="DefaultThreads"/> threads; potentials start uniform in [V_r, θ).</summary>
    public LifNetwork(BrunelParameters parameters, long seed)
        : this(parameters, seed, DefaultThreads(parameters.NeuronCount)) { }

    /// <summary>As the constructor without <paramref name="threads"/>, on that many threads (at most N): the count changes the speed, never the results.</summary>
    public LifNetwork(BrunelParameters parameters, long seed, int threads)
        : this(parameters, BuildConnectivity(parameters, seed), seed, threads) { }

    /// <summary>
    /// A network on given connectivity: a spike of neuron j adds J (j &lt; N_E) or −g J (j ≥ N_E) to the input of each of its
    /// targets after the delay D, on <see cref="DefaultThreads"/> threads. External Poisson drive, initial potentials and
    /// parameters as in the constructor without connectivity.
    /// </summary>
    public LifNetwork(BrunelParameters parameters, SparseConnectivity connectivity, long seed)
        : this(parameters, connectivity, seed, DefaultThreads(parameters.NeuronCount)) { }

    /// <summary>A network on given connectivity, on <paramref name="threads"/> threads (at most N): the count changes the speed, never the results.</summary>
    public LifNetwork(BrunelParameters parameters, SparseConnectivity connectivity, long seed, int threads)
    {
        Parameters = parameters.Validate();
        if (connectivity.NeuronCount != parameters.NeuronCount)
            throw new ArgumentException($"connectivity has {connectivity.NeuronCount} neurons but the parameters give N = {parameters.NeuronCount}.", nameof(connectivity));
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1 (leave it out for one per processor).");
        Connectivity = connectivity;
        var p = parameters;
        n = p.NeuronCount;
        threadCount = Math.Min(threads, n);
        partitions = threadCount == 1 ? 1 : Math.Min(PartitionsPerThread * threadCount, n);
        delaySteps = p.DelaySteps;
        refractorySteps = p.RefractorySteps;
        (vRest, vReset, theta) = (p.VRest, p.VReset, p.Theta);
        decay = Math.Exp(-p.Dt / p.TauM);
        exponential = p.Synapse == SynapseKind.Exponential;
        // Exponential current x(t) = x0 e^{−t/τs} moves V by x0 τs/(τs − τm) (e^{−dt/τs} − e^{−dt/τm}) over a step; a jump of
        // J τm/τs gives it the same total effect ∫ x dt / τm = J as the delta synapse.
        synapseDecay = exponential ? Math.Exp(-p.Dt / p.TauSyn) : 0;
        synapseGain = exponential ? p.TauSyn / (p.TauSyn - p.TauM) * (synapseDecay - decay) : 0;
        double weightScale = exponential ? p.TauM / p.TauSyn : 1;
        externalJump = p.J * weightScale;
        traceDecay = p.TraceTimeConstant is double tr ? Math.Exp(-p.Dt / tr) : 0;

        v = new double[n];
        synapticCurrent = new double[n];
        ringBuffer = new double[(long)delaySteps * n];
        external = new double[n];
        traces = p.TraceTimeConstant is null ? null : new double[n];
        refractoryLeft = new int[n];
        lastSpikes = new int[n];
        presynapticWeight = new double[n];
        for (int j = 0; j < n; j++) presynapticWeight[j] = (j < p.ExcitatoryCount ? p.J : -p.G * p.J) * weightScale;
        streamKeys = new ulong[n];
        uniforms = new double[n];
        var keys = new Xoshiro256(seed, -3);
        for (int i = 0; i < n; i++) streamKeys[i] = keys.NextUInt64();
        poisson = p.ExternalSpikesPerStep > 0 ? new PoissonTable(p.ExternalSpikesPerStep) : null;
        var initial = new Xoshiro256(seed, -2);
        for (int i = 0; i < n; i++) v[i] = vReset + (theta - vReset) * initial.NextDouble();

        partitionStart = PartitionStarts(n, partitions);
        targetRanges = threadCount;
        targetRangeStart = PartitionStarts(n, targetRanges);
        rowSplits = RowSplits(connectivity, targetRangeStart);
        partitionSpikes = new int[partitions][];
        for (int q = 0; q < partitions; q++) partitionSpikes[q] = new int[partitionStart[q + 1] - partitionStart[q]];
        partitionSpikeCount = new int[partitions];
        team = new StepWorkerTeam(threadCount, partitions, UpdateNeurons, targetRanges, Propagate);
    }

    /// <summary>Update partitions per thread when there are several: enough that the others absorb the share of a thread that is not scheduled.</summary>
    private const int PartitionsPerThread = 4;

    /// <summary>
    /// Starts of P contiguous partitions (or target ranges) of nearly equal size (and the end, N); where they hold at least 64 neurons their
    /// starts are multiples of 8, so that no two threads write into the same 64-byte cache line of a per-neuron array.
    /// </summary>
    private static int[] PartitionStarts(int n, int partitions)
    {
        int align = n / partitions >= 64 ? 8 : 1;
        var starts = new int[partitions + 1];
        for (int q = 1; q < partitions; q++) starts[q] = (int)((long)q * n / partitions) / align * align;
        starts[partitions] = n;
        return starts;
    }

    /// <summary>
    /// For every presynaptic neuron j, the positions in its (ascending) row where each target range begins, R + 1 per row:
    /// range r's targets of row j are <c>Targets[splits[j (R + 1) + r] .. splits[j (R + 1) + r + 1]]</c>.
    /// </summary>
    private static long[] RowSplits(SparseConnectivity connectivity, int[] rangeStart)
    {
        int stride = rangeStart.Length, n = connectivity.NeuronCount;
        var splits = new long[(long)n * stride];
        for (int j = 0; j < n; j++)
        {
            long at = (long)j * stride;
            splits[at] = connectivity.Offsets[j];
            for (int r = 1; r < stride - 1; r++) splits[at + r] = connectivity.RowLowerBound(j, rangeStart[r]);
            splits[at + stride - 1] = connectivity.Offsets[j + 1];
        }
        return splits;
    }

    private static SparseConnectivity BuildConnectivity(BrunelParameters parameters, long seed)
    {
        var p = parameters.Validate();
        NeuroDyn.IO.MemoryBudget.Ensure(8.0 * ((double)p.ExcitatoryCount + p.InhibitoryCount) * ((double)p.ExcitatoryInDegree + p.InhibitoryInDegree + 1), "BrunelParameters.ExcitatoryCount", $"the connections of N = {p.NeuronCount} neurons with C = {p.ExcitatoryInDegree + p.InhibitoryInDegree} inputs each (two int32 per synapse)", "Use fewer neurons or a smaller connection probability Epsilon.");
        return SparseConnectivity.FixedInDegree(p.ExcitatoryCount, p.InhibitoryCount, p.ExcitatoryInDegree, p.InhibitoryInDegree, seed);
    }

    /// <summary>Sets every membrane potential (mV); each must be finite (values at or above θ fire in the next step).</summary>
    public void SetMembranePotentials(ReadOnlySpan<double> potentials)
    {
        CheckPerNeuron(potentials, nameof(potentials));
        potentials.CopyTo(v);
    }

    /// <summary>Advances the network by one step dt with no extra input current.</summary>
    public void Step()
    {
        externalActive = false;
        Advance();
    }

    /// <summary>Advances the network by one step dt with the extra input R I_ext (mV per neuron, held over the step).</summary>
    public void Step(ReadOnlySpan<double> externalCurrent)
    {
        CheckPerNeuron(externalCurrent, nameof(externalCurrent));
        externalCurrent.CopyTo(external);
        externalActive = true;
        Advance();
    }

    /// <summary>
    /// Runs for <paramref name="duration"/> ms (a whole number of steps) and returns the spikes of
    /// <paramref name="recordNeurons"/> (all neurons when null) with the population's spike count in every step.
    /// <paramref name="input"/>, when given, fills the extra input of each step; <paramref name="afterStep"/> is called after each step.
    /// </summary>
    public SpikeRaster Run(double duration, IReadOnlyList<int>? recordNeurons = null, ExternalInputFiller? input = null, Action<LifNetwork>? afterStep = null)
    {
        double stepsExact = duration / Parameters.Dt;
        long steps = (long)Math.Round(stepsExact);
        if (!double.IsFinite(duration) || duration <= 0 || Math.Abs(stepsExact - steps) > 1e-6 * Math.Max(1, stepsExact) || steps > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, $"duration must be a positive whole multiple of dt = {Parameters.Dt} ms.");
        var recorded = RecordedSet(recordNeurons);
        bool[]? keep = null;
        if (recordNeurons is not null)
        {
            keep = new bool[n];
            foreach (int i in recorded) keep[i] = true;
        }
        var neurons = new List<int>();
        var times = new List<double>();
        var counts = new int[steps];
        double start = Time;
        for (long s = 0; s < steps; s++)
        {
            if (input is null) Step();
            else
            {
                input(Time, external);
                CheckPerNeuron(external, "the current filled by input");
                externalActive = true;
                Advance();
            }
            counts[s] = lastSpikeCount;
            double t = Time;
            foreach (int i in LastSpikes)
                if (keep is null || keep[i]) { neurons.Add(i); times.Add(t); }
            afterStep?.Invoke(this);
        }
        return new SpikeRaster(neurons.ToArray(), times.ToArray(), recorded, counts, n, start, Parameters.Dt);
    }

    private int[] RecordedSet(IReadOnlyList<int>? recordNeurons)
    {
        if (recordNeurons is null) return Enumerable.Range(0, n).ToArray();
        var sorted = recordNeurons.ToArray();
        Array.Sort(sorted);
        for (int k = 0; k < sorted.Length; k++)
        {
            if ((uint)sorted[k] >= (uint)n) throw new ArgumentOutOfRangeException(nameof(recordNeurons), sorted[k], $"neuron index outside [0, {n}).");
            if (k > 0 && sorted[k] == sorted[k - 1]) throw new ArgumentException($"neuron {sorted[k]} is listed twice.", nameof(recordNeurons));
        }
        return sorted;
    }

    private void CheckPerNeuron(ReadOnlySpan<double> values, string name)
    {
        if (values.Length != n) throw new ArgumentException($"{name} has {values.Length} entries but the network has {n} neurons.", name);
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ArgumentException($"{name}[{i}] is {values[i]}; every entry must be a finite number.", name);
    }

    private void Advance()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        team.Step();
        lastSpikeCount = 0;
        for (int q = 0; q < partitions; q++)
        {
            partitionSpikes[q].AsSpan(0, partitionSpikeCount[q]).CopyTo(lastSpikes.AsSpan(lastSpikeCount));
            lastSpikeCount += partitionSpikeCount[q];
        }
        StepCount++;
    }

    /// <summary>
    /// Phase A for one partition: exact update over the step, V ← V∞ + (V − V∞) e^{−dt/τm} (+ x β for exponential synapses),
    /// V∞ = V_rest + R I_ext, then arriving recurrent and external spikes, threshold, reset and refractoriness.
    /// </summary>
    private void UpdateNeurons(int part)
    {
        int spikeCount = (exponential, externalActive) switch
        {
            (false, false) => UpdateRange<Off, Off>(part),
            (false, true) => UpdateRange<Off, On>(part),
            (true, false) => UpdateRange<On, Off>(part),
            (true, true) => UpdateRange<On, On>(part),
        };
        partitionSpikeCount[part] = spikeCount;
        if (traces is not null)
        {
            var spikes = partitionSpikes[part];
            for (int i = partitionStart[part], to = partitionStart[part + 1]; i < to; i++) traces[i] *= traceDecay;
            for (int k = 0; k < spikeCount; k++) traces[spikes[k]] += 1;
        }
    }

    /// <summary>The neuron loop, compiled once per combination of synapse kind and presence of extra input so that neither costs a branch.</summary>
    private int UpdateRange<TExponential, TExternal>(int part) where TExponential : struct, IFlag where TExternal : struct, IFlag
    {
        int from = partitionStart[part], to = partitionStart[part + 1];
        int spikeCount = 0;
        double a = decay, gain = synapseGain, sDecay = synapseDecay, jump = externalJump, rest = vRest, reset = vReset, th = theta;
        int refractory = refractorySteps;
        long step = StepCount;
        var table = poisson;
        if (table is not null) CounterRandom.Fill(streamKeys.AsSpan(from, to - from), step, uniforms.AsSpan(from, to - from));
        fixed (double* vp = v, xp = synapticCurrent, arrivals = &ringBuffer[StepCount % delaySteps * n], ext = external, uniform = uniforms)
        fixed (int* refr = refractoryLeft, spikes = partitionSpikes[part])
        {
            for (int i = from; i < to; i++)
            {
                double arriving = arrivals[i];
                arrivals[i] = 0;
                if (table is not null) arriving += table.Invert(uniform[i]) * jump;
                double vInf = TExternal.Value ? rest + ext[i] : rest;
                double vi = vp[i];
                if (TExponential.Value)
                {
                    double x = xp[i];
                    vi = vInf + (vi - vInf) * a + x * gain;
                    xp[i] = x * sDecay + arriving; // the synaptic current keeps integrating during refractoriness
                }
                else vi = vInf + (vi - vInf) * a + arriving;
                if (refr[i] > 0)
                {
                    refr[i]--; // V stays clamped at V_r; delta inputs arriving now are lost
                    continue;
                }
                if (vi >= th)
                {
                    spikes[spikeCount++] = i;
                    vi = reset;
                    refr[i] = refractory;
                }
                vp[i] = vi;
            }
        }
        return spikeCount;
    }

    /// <summary>A compile-time switch for specialising generic loops.</summary>
    private interface IFlag { static abstract bool Value { get; } }
    private struct On : IFlag { public static bool Value => true; }
    private struct Off : IFlag { public static bool Value => false; }

    /// <summary>Phase B for one target range: every spike of this step adds its weight to the arrivals, D steps ahead, of the targets in this range.</summary>
    private void Propagate(int range)
    {
        // the ring holds D steps: the slot this step's phase A has just consumed is the one due D steps from now
        int slot = (int)(StepCount % delaySteps);
        int stride = targetRanges + 1;
        fixed (double* arrivals = &ringBuffer[(long)slot * n])
        fixed (int* targets = Connectivity.Targets)
        fixed (long* splits = rowSplits)
        {
            for (int q = 0; q < partitions; q++)
            {
                var spikes = partitionSpikes[q];
                for (int k = 0, count = partitionSpikeCount[q]; k < count; k++)
                {
                    int j = spikes[k];
                    double w = presynapticWeight[j];
                    long* row = splits + (long)j * stride + range;
                    for (long s = row[0], end = row[1]; s < end; s++) arrivals[targets[s]] += w;
                }
            }
        }
    }

    /// <summary>Stops the worker threads, if any.</summary>
    public void Dispose()
    {
        disposed = true;
        team.Dispose();
    }
}
