namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Spikes recorded over a run: spike k is neuron <c>Neurons[k]</c> at time <c>Times[k]</c> (ms), in time order,
/// restricted to <see cref="RecordedNeurons"/>; <see cref="PopulationCounts"/> counts the spikes of the whole
/// population in every step, recorded or not.
/// </summary>
/// <param name="Neurons">Neuron index of every recorded spike.</param>
/// <param name="Times">Time (ms) of every recorded spike: the end of the step in which threshold was crossed.</param>
/// <param name="RecordedNeurons">The neurons whose spikes were kept, ascending.</param>
/// <param name="PopulationCounts">Number of spikes of all neurons in each step of the run.</param>
/// <param name="PopulationSize">Number of neurons in the network.</param>
/// <param name="StartTime">Network time (ms) at the start of the run.</param>
/// <param name="Dt">The time step (ms).</param>
public sealed record SpikeRaster(int[] Neurons, double[] Times, int[] RecordedNeurons, int[] PopulationCounts, int PopulationSize, double StartTime, double Dt)
{
    /// <summary>Length of the run (ms).</summary>
    public double Duration => PopulationCounts.Length * Dt;
    /// <summary>Network time (ms) at the end of the run.</summary>
    public double EndTime => StartTime + Duration;
    /// <summary>Number of recorded spikes.</summary>
    public int Count => Neurons.Length;
}
