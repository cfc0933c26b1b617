using NeuroDyn.Analysis.Spiking;

namespace NeuroDyn.Models.Reservoir;

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
