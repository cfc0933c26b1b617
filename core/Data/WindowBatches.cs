using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Data;

/// <summary>One batch of windows [B, L, D] with their targets: the next state [B, D] or the next K states [B, K, D].</summary>
/// <param name="Windows">Input windows, shape [B, L, D].</param>
/// <param name="Targets">Targets, shape [B, D] (one-step) or [B, K, D] (multi-step).</param>
/// <param name="Starts">Index in the series of the first state of each window.</param>
public sealed record WindowBatch(Tensor Windows, Tensor Targets, int[] Starts) : IDisposable
{
    /// <summary>Releases both tensors.</summary>
    public void Dispose()
    {
        Windows.Dispose();
        Targets.Dispose();
    }
}

/// <summary>
/// All windows of L consecutive states of a series (time × dim) with the state(s) that follow as targets:
/// window s is x[s .. s+L-1], its targets x[s+L .. s+L+K-1]; there are T − L − K + 1 windows.
/// Batches are gathered from one tensor copy of the series; their order is a seeded shuffle per epoch.
/// </summary>
public sealed class WindowBatches : IDisposable
{
    readonly Tensor series;

    /// <summary>Window length L (states read by the model).</summary>
    public int SeqLength { get; }
    /// <summary>Number K of target states after each window.</summary>
    public int Horizon { get; }
    /// <summary>True when targets are single next states [B, D] rather than [B, K, D].</summary>
    public bool OneStepTargets { get; }
    /// <summary>State dimension D.</summary>
    public int Dimension { get; }
    /// <summary>Number of windows, T − L − K + 1.</summary>
    public int Count { get; }
    /// <summary>Element type of the tensors produced.</summary>
    public ScalarType DType => series.dtype;
    /// <summary>Device of the tensors produced.</summary>
    public Device Device => series.device;

    WindowBatches(double[,] data, int seqLength, int horizon, bool oneStep, ScalarType dtype, Device? device)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (seqLength < 1)
            throw new ArgumentOutOfRangeException(nameof(seqLength), seqLength, "The window length must be at least 1 state.");
        if (horizon < 1)
            throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "The number of target steps must be at least 1.");
        int length = data.GetLength(0), dimension = data.GetLength(1);
        if (dimension < 1)
            throw new ArgumentException("The series has no columns; pass a time × dimension array with at least one column.", nameof(data));
        if (length < seqLength + horizon)
            throw new ArgumentException(
                $"The series has {length} states, but a window of {seqLength} states followed by {horizon} target state(s) needs at least {seqLength + horizon}. " +
                "Use a shorter window or a longer series.", nameof(data));
        for (int t = 0; t < length; t++)
            for (int i = 0; i < dimension; i++)
                if (!double.IsFinite(data[t, i]))
                    throw new ArgumentException($"The series has {data[t, i]} at time index {t}, component {i}; every entry must be finite. Clean or re-generate the data.", nameof(data));
        SeqLength = seqLength;
        Horizon = horizon;
        OneStepTargets = oneStep;
        Dimension = dimension;
        Count = length - seqLength - horizon + 1;
        series = torch.tensor(data, dtype, device).DetachFromDisposeScope();
    }

    /// <summary>Windows of L states, each with the single next state as target ([B, L, D] → [B, D]).</summary>
    public static WindowBatches OneStep(double[,] series, int seqLength, ScalarType dtype = ScalarType.Float64, Device? device = null) =>
        new(series, seqLength, 1, true, dtype, device);

    /// <summary>Windows of L states, each with the next K states as targets ([B, L, D] → [B, K, D]), for closed-loop rollout training.</summary>
    public static WindowBatches MultiStep(double[,] series, int seqLength, int horizon, ScalarType dtype = ScalarType.Float64, Device? device = null) =>
        new(series, seqLength, horizon, false, dtype, device);

    /// <summary>The seed of epoch <paramref name="epoch"/>'s shuffle, derived from the run's base seed (SplitMix64 finaliser of both).</summary>
    public static int EpochSeed(int seed, int epoch)
    {
        ulong z = unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)(uint)epoch + 0x632BE59BD9B4E019UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }

    /// <summary>A permutation of 0 .. count−1 (Fisher–Yates) fixed by the base seed and the epoch.</summary>
    public static int[] ShuffledIndices(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(EpochSeed(seed, epoch)).Shuffle(order);
        return order;
    }

    /// <summary>Window starts of every batch of an epoch in shuffled order, at most <paramref name="maxBatches"/> batches (the last may be smaller).</summary>
    public int[][] ShuffledBatches(int batchSize, int seed, int epoch, int? maxBatches = null) =>
        Split(ShuffledIndices(Count, seed, epoch), batchSize, maxBatches);

    /// <summary>Window starts of every batch in time order (for evaluation).</summary>
    public int[][] OrderedBatches(int batchSize) => Split(Enumerable.Range(0, Count).ToArray(), batchSize, null);

    /// <summary>Number of batches an epoch has with this batch size and cap.</summary>
    public int BatchCount(int batchSize, int? maxBatches = null)
    {
        CheckBatchSize(batchSize, maxBatches);
        int all = (int)((Count + (long)batchSize - 1) / batchSize);   // long: a batch size near int.MaxValue must not overflow
        return maxBatches is int cap ? Math.Min(all, cap) : all;
    }

    /// <summary>Gathers the windows starting at <paramref name="starts"/> and their targets as tensors.</summary>
    public WindowBatch Batch(int[] starts)
    {
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Length == 0) throw new ArgumentException("A batch needs at least one window start.", nameof(starts));
        foreach (var s in starts)
            if (s < 0 || s >= Count)
                throw new ArgumentOutOfRangeException(nameof(starts), s, $"Window start must lie in 0 .. {Count - 1}.");
        using var scope = torch.NewDisposeScope();
        // explicit Scalars disposed after use (arange's shorter overloads and Tensor + Tensor convert 0 and 1 implicitly): an implicit one
        // may be finalized while libtorch still reads it
        using Scalar zero = 0.ToScalar(), one = 1.ToScalar(), windowEnd = SeqLength.ToScalar(), targetEnd = (SeqLength + Horizon).ToScalar();
        var first = torch.tensor(starts.Select(s => (long)s).ToArray(), device: series.device).unsqueeze(1);
        var windowRows = first.add(torch.arange(zero, windowEnd, one, device: series.device).unsqueeze(0), alpha: one);
        var windows = series.index_select(0, windowRows.flatten()).view(starts.Length, SeqLength, Dimension);
        var targetRows = first.add(torch.arange(windowEnd, targetEnd, one, device: series.device).unsqueeze(0), alpha: one);
        var targets = series.index_select(0, targetRows.flatten()).view(starts.Length, Horizon, Dimension);
        if (OneStepTargets) targets = targets.squeeze(1);
        return new WindowBatch(windows.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), starts);
    }

    static void CheckBatchSize(int batchSize, int? maxBatches)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (maxBatches is < 1) throw new ArgumentOutOfRangeException(nameof(maxBatches), maxBatches, "The batch cap must be at least 1 (or null for no cap).");
    }

    int[][] Split(int[] order, int batchSize, int? maxBatches)
    {
        int batches = BatchCount(batchSize, maxBatches);
        NeuroDyn.IO.MemoryBudget.Ensure((double)Math.Min(batchSize, Count) * (SeqLength + Horizon) * (Dimension * series.element_size() + sizeof(long)), nameof(batchSize),
            $"batches of {Math.Min(batchSize, Count)} windows of {SeqLength} + {Horizon} states (values and row indices)", "Lower the batch size (TrainingOptions.BatchSize or ValidationBatchSize) or the window length.");
        var result = new int[batches][];
        for (int b = 0; b < batches; b++)
            result[b] = order[(b * batchSize)..Math.Min(order.Length, (b + 1) * batchSize)];
        return result;
    }

    /// <summary>Releases the tensor copy of the series.</summary>
    public void Dispose() => series.Dispose();
}
