namespace NeuroDyn.Solvers;

/// <summary>Growing store of (time, state) rows for a solve; preallocated when the number of rows is known (TEval).</summary>
internal sealed class Trajectory
{
    private readonly int n;
    private double[] times;
    private double[] states;

    /// <summary>Rows stored so far.</summary>
    public int Count { get; private set; }

    /// <summary>An empty trajectory of dimension n with room for <paramref name="capacity"/> rows.</summary>
    public Trajectory(int n, int capacity)
    {
        this.n = n;
        times = new double[Math.Max(capacity, 1)];
        states = new double[times.Length * n];
    }

    /// <summary>Appends a row, doubling the storage when full.</summary>
    public void Add(double t, ReadOnlySpan<double> state)
    {
        if (Count == times.Length)
        {
            Array.Resize(ref times, 2 * times.Length);
            Array.Resize(ref states, times.Length * n);
        }
        times[Count] = t;
        state.CopyTo(states.AsSpan(Count * n, n));
        Count++;
    }

    /// <summary>Packs the rows into a solution record.</summary>
    public OdeSolution ToSolution(long evaluations, long accepted, long rejected, bool success, string message)
    {
        var t = times.AsSpan(0, Count).ToArray();
        var y = new double[Count, n];
        Buffer.BlockCopy(states, 0, y, 0, Count * n * sizeof(double));
        return new OdeSolution(t, y, evaluations, accepted, rejected, success, message);
    }
}
