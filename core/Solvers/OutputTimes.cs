namespace NeuroDyn.Solvers;

/// <summary>Cursor over the requested output times (TEval), shared by the fixed-step and adaptive integrators.</summary>
internal sealed class OutputTimes
{
    private readonly double[] times;
    private int next;

    /// <summary>A cursor at the first of the given (validated, strictly increasing) times.</summary>
    public OutputTimes(double[] times) => this.times = times;

    /// <summary>How many times were requested.</summary>
    public int Count => times.Length;

    /// <summary>True while a requested time at or before <paramref name="t"/> is still to be written.</summary>
    public bool HasAtOrBefore(double t) => next < times.Length && times[next] <= t;

    /// <summary>The next requested time.</summary>
    public double Peek => times[next];

    /// <summary>Moves past the next requested time.</summary>
    public void Advance() => next++;
}
