namespace NeuroDyn.Analysis.Spiking;

/// <summary>A population-rate histogram: <c>Rates[b]</c> (Hz per neuron) in the bin that starts at <c>BinStarts[b]</c> (ms).</summary>
/// <param name="BinStarts">Start time (ms) of every bin.</param>
/// <param name="Rates">Population rate (Hz per neuron) in every bin.</param>
/// <param name="BinWidth">Width of the bins (ms).</param>
public sealed record RateHistogram(double[] BinStarts, double[] Rates, double BinWidth);

/// <summary>Irregularity of inter-spike intervals.</summary>
/// <param name="PerNeuron">CV of every recorded neuron (NaN where it fired too few spikes).</param>
/// <param name="Mean">Mean CV over the neurons with enough spikes (NaN if none).</param>
/// <param name="NeuronsUsed">Number of neurons that entered the mean.</param>
public sealed record IsiVariability(double[] PerNeuron, double Mean, int NeuronsUsed);

/// <summary>The dominant oscillation of the population rate.</summary>
/// <param name="Frequency">Frequency of the spectral peak (Hz).</param>
/// <param name="PowerFraction">Fraction of the non-zero-frequency power within ±2 bins of the peak.</param>
public sealed record OscillationPeak(double Frequency, double PowerFraction);

/// <summary>Points of a raster plot.</summary>
/// <param name="Times">Spike times (ms).</param>
/// <param name="Neurons">Neuron index of each spike.</param>
public sealed record RasterPoints(double[] Times, int[] Neurons);
