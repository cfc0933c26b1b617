using NeuroDyn.Data;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// The spike traces a <see cref="ReservoirForecaster"/>'s readout read in a one-step forecast, saved with the inputs beside the model file
/// (an .npz that numpy.load reads), so that the readout can be applied without the LIF network (interop/reservoir_readout_numpy.py):
/// x̂_{t+1} = u_t + Wᵀφ_t + b with φ_t = [u_t, r(t)] or [u_t, r(t), r(t)²].
/// </summary>
public static class ReservoirTraceFile
{
    /// <summary>The traces file beside a model file: models/reservoir.safetensors → models/reservoir.traces.npz.</summary>
    public static string PathBeside(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        return Path.ChangeExtension(modelPath, ".traces.npz");
    }

    /// <summary>Writes, atomically, the arrays <c>inputs</c> u_t (rows × D: the rows washout … T−2 of <paramref name="series"/>), <c>traces</c> r(t)
    /// (rows × N), <c>predictions</c> x̂_{t+1} and <c>targets</c> x_{t+1} (rows × D) of <paramref name="forecast"/>, which
    /// <see cref="ReservoirForecaster.PredictOneStep"/> made from <paramref name="series"/> after <paramref name="washout"/> samples.</summary>
    public static void Write(string path, double[,] series, int washout, OneStepForecast forecast)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(forecast);
        int rows = forecast.Predictions.GetLength(0), d = series.GetLength(1);
        if (washout < 0 || washout + rows + 1 != series.GetLength(0) || forecast.Predictions.GetLength(1) != d || forecast.Traces.GetLength(0) != rows)
            throw new ArgumentException($"the forecast has {rows} rows of {forecast.Predictions.GetLength(1)} values, but a series of {series.GetLength(0)} × {d} after a washout of {washout} gives {series.GetLength(0) - washout - 1} of {d}; pass the series and washout the forecast was made from.", nameof(forecast));
        var inputs = new double[rows, d];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < d; k++)
            {
                if (BitConverter.DoubleToInt64Bits(forecast.Targets[r, k]) != BitConverter.DoubleToInt64Bits(series[washout + r + 1, k]))
                    throw new ArgumentException($"the forecast's target {r}, {k} is not row {washout + r + 1} of the series; pass the series and washout the forecast was made from.", nameof(forecast));
                inputs[r, k] = series[washout + r, k];
            }
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        Npz.Write(path, new Dictionary<string, NpyArray>
        {
            ["inputs"] = NpyArray.Matrix(inputs),
            ["traces"] = NpyArray.Matrix(forecast.Traces),
            ["predictions"] = NpyArray.Matrix(forecast.Predictions),
            ["targets"] = NpyArray.Matrix(forecast.Targets),
        });
    }
}
