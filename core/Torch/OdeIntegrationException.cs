namespace NeuroDyn.Torch;

/// <summary>An integration that cannot finish: the adaptive step underflowed or the step budget ran out.</summary>
public sealed class OdeIntegrationException : Exception
{
    /// <summary>Time reached when the integration stopped.</summary>
    public double Time { get; }

    /// <summary>Number of steps taken (accepted and rejected) when it stopped.</summary>
    public int Steps { get; }

    /// <summary>An integration failure at time <paramref name="time"/> after <paramref name="steps"/> steps, with a message saying what to do.</summary>
    public OdeIntegrationException(string message, double time, int steps) : base(message) => (Time, Steps) = (time, steps);
}
