namespace NeuroDyn.Models.Reservoir;

/// <summary>Shape and time scales of a <see cref="SurrogateLifNetwork"/>; times in ms, one sample lasting <see cref="SampleDuration"/> (1 ms = 0.01 Lorenz time units, as for the reservoir).</summary>
public sealed record SurrogateLifOptions
{
    /// <summary>Number of LIF neurons n (default 128).</summary>
    public int Hidden { get; init; } = 128;
    /// <summary>Input and output dimension D (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;
    /// <summary>Membrane time constant τ_mem (ms), default 20.</summary>
    public double TauMem { get; init; } = 20.0;
    /// <summary>Time constant τ_filter (ms) of the spike traces the readout reads, default 10.</summary>
    public double TauFilter { get; init; } = 10.0;
    /// <summary>Biological time (ms) per sample, default 1.</summary>
    public double SampleDuration { get; init; } = 1.0;
    /// <summary>Discrete LIF steps per sample, each of SampleDuration/StepsPerSample ms (default 1).</summary>
    public int StepsPerSample { get; init; } = 1;
    /// <summary>Steepness α of the fast-sigmoid surrogate derivative 1/(α|v − 1| + 1)² (default 10; norse's default is 100).</summary>
    public double Steepness { get; init; } = 10.0;
    /// <summary>What the readout predicts: the increment, x̂_{t+1} = x_t + readout (default, like the reservoir's readout; the increment
    /// scale s of the rate networks is 1 here), or the next state itself (<see cref="ReadoutTarget.State"/>).</summary>
    public ReadoutTarget Readout { get; init; } = ReadoutTarget.Increment;
}
