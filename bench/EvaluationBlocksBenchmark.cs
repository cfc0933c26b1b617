using NeuroDyn.Data;
using NeuroDyn.Evaluation;
using NeuroDyn.Models;
using NeuroDyn.Torch;

namespace NeuroDyn.Bench;

/// <summary>
/// Evaluation of the torch sequence models in row blocks (<see cref="Evaluate.DefaultBlockRows"/>): closed-loop forecasts from 256 starts
/// (50 warm-up samples, 100 forecast steps) and the one-step MSE over 1,024 windows of 50 samples, each in blocks of 16 … 256 rows (256 =
/// one block), for the 64-unit CT-RNN and E/I network with RK4; time per window, to choose the block size.
/// </summary>
public sealed class EvaluationBlocksBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "evaluation";

    /// <summary>One model at one block size: median seconds per forecast window (of 150 steps) and per one-step window, wall and CPU.</summary>
    public sealed record Row(string Model, int BlockRows, double ForecastWallPerWindow, double ForecastCpuPerWindow, double OneStepWallPerWindow, double OneStepCpuPerWindow);

    /// <summary>Every row, the block size fastest per window for each model and kind, and the default in use.</summary>
    public sealed record Figures(Row[] Rows, int DefaultBlockRows, int Repeats, double LoadAverage);

    /// <inheritdoc/>
    public object Run()
    {
        TorchRuntime.Initialize();
        const int starts = 256, windows = 1024, warmup = 50, horizon = 100, repeats = 5;
        int[] blocks = [16, 32, 64, 128, 256];
        var data = LorenzDataset.Generate(new LorenzDataOptions { Duration = 30 }).Data;
        var forecastSeries = data.Train;
        var oneStepSeries = Series.Rows(data.Train, 0, windows + warmup);
        var startIndices = Evaluate.ForecastStarts(forecastSeries.GetLength(0), warmup, horizon, starts);
        var models = new (string Name, ISequenceModel Model)[]
        {
            ("CT-RNN 64", new CtRnn(new CtRnnOptions { Hidden = 64 }, 0)),
            ("E/I 64", new EiRateNetwork(new EiRateNetworkOptions { Hidden = 64 }, 0)),
        };
        var rows = new List<Row>();
        foreach (var (name, model) in models)
        {
            Evaluate.Forecasts(model, forecastSeries, startIndices, warmup, horizon);   // warm-up
            foreach (int block in blocks)
            {
                var forecast = Timing.Measure(repeats, () => Evaluate.Forecasts(model, forecastSeries, startIndices, warmup, horizon, block));
                var oneStep = Timing.Measure(repeats, () => Evaluate.OneStepMse(model, oneStepSeries, warmup, block));
                var row = new Row(name, block, forecast.Wall / starts, forecast.Cpu / starts, oneStep.Wall / windows, oneStep.Cpu / windows);
                rows.Add(row);
                Console.WriteLine($"{name}, blocks of {block,3}: forecasts {row.ForecastWallPerWindow * 1e6:F0} µs per window wall ({row.ForecastCpuPerWindow * 1e6:F0} CPU), one-step {row.OneStepWallPerWindow * 1e6:F1} µs per window wall ({row.OneStepCpuPerWindow * 1e6:F1} CPU)");
            }
        }
        double load = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Console.WriteLine($"medians of {repeats}; load average {load:F1} (the figures mean something on a quiet machine only); default block size {Evaluate.DefaultBlockRows}");
        return new Figures(rows.ToArray(), Evaluate.DefaultBlockRows, repeats, load);
    }
}
