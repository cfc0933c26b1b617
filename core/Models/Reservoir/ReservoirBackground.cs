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

/// <summary>Measures a reservoir's background state (<see cref="ReservoirBackground"/>): its network run with the constant drives μ_i only.</summary>
public static class ReservoirBackgroundState
{
    /// <summary>
    /// Runs the reservoir built from <paramref name="seed"/> with zero input for <paramref name="warmUp"/> ms, then records every neuron for
    /// <paramref name="duration"/> ms (both whole multiples of dt); the CV counts neurons with at least 4 spikes.
    /// </summary>
    public static ReservoirBackground Measure(SpikingReservoirOptions options, long seed, double warmUp = 200, double duration = 1000)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(warmUp >= 0 && double.IsFinite(warmUp))) throw new ArgumentOutOfRangeException(nameof(warmUp), warmUp, "the warm-up must be a finite number of ms >= 0.");
        using var reservoir = new SpikingReservoir(options, seed);
        var biases = reservoir.Biases.ToArray();
        void Drive(double time, Span<double> current) => biases.CopyTo(current);
        if (warmUp > 0) reservoir.Network.Run(warmUp, recordNeurons: Array.Empty<int>(), input: Drive);
        var raster = reservoir.Network.Run(duration, input: Drive);
        var p = options.Network;
        double theory = BrunelMeanField.StationaryRate(p, options.BiasMean);
        double mu = BrunelMeanField.MeanInput(p, theory / 1000.0, options.BiasMean);
        return new ReservoirBackground(SpikeStatistics.MeanRate(raster), theory, SpikeStatistics.IsiCv(raster, minSpikes: 4).Mean,
            SpikeStatistics.Synchrony(raster, 1.0), mu, mu < p.Theta);
    }
}
