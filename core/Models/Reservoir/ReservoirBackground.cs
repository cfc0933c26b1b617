using NeuroDyn.Analysis.Spiking;

namespace NeuroDyn.Models.Reservoir;

/// <summary>The state of a reservoir's network with no input signal (u = 0): its measured firing against Brunel's mean-field theory.</summary>
/// <param name="RateHz">Mean firing rate of all neurons (Hz).</param>
/// <param name="MeanFieldRateHz">The stationary rate of the asynchronous state (Hz, <see cref="BrunelMeanField.StationaryRate"/>, with the mean drive <see cref="SpikingReservoirOptions.BiasMean"/>).</param>
/// <param name="IsiCv">Mean coefficient of variation of the inter-spike intervals (1 for Poisson firing, 0 for a clock; NaN if no neuron fired often enough).</param>
/// <param name="Synchrony">Golomb's χ in 1 ms bins (near 1 when neurons fire together, about 1/√N when independent).</param>
/// <param name="MeanInput">Mean-field mean input μ (mV) at the theory's rate; below the threshold θ the state is fluctuation-driven.</param>
/// <param name="FluctuationDriven">Whether μ &lt; θ: only the input's fluctuations make the neurons fire, as in the balanced state.</param>
public sealed record ReservoirBackground(double RateHz, double MeanFieldRateHz, double IsiCv, double Synchrony, double MeanInput, bool FluctuationDriven);
