using System.Text.Json.Serialization;

namespace NeuroDyn.Evaluation;

/// <summary>Who was measured: a model's name on the page, and how it was trained (recorded in its report).</summary>
/// <param name="Name">Display name, e.g. "CT-RNN".</param>
/// <param name="Mode">The tutorial mode that trained it: quick, default or full.</param>
/// <param name="Seed">Seed of its training (initialisation, batches, reservoir).</param>
/// <param name="TrainingSeconds">Wall-clock seconds its training took.</param>
public sealed record ModelRun(string Name, string Mode, long Seed, double TrainingSeconds);

/// <summary>Valid prediction times of the protocol's forecasts, and how their errors grew.</summary>
/// <param name="Median">Median VPT (Lyapunov times).</param>
/// <param name="P10">10th percentile (numpy's linear rule).</param>
/// <param name="P90">90th percentile.</param>
/// <param name="N">Number of starts.</param>
/// <param name="Censored">Starts whose error never crossed the threshold within the horizon (their VPT is a lower bound).</param>
/// <param name="PerStart">VPT of each start.</param>
/// <param name="Starts">Test row of the first warm-up state of each forecast.</param>
/// <param name="Times">Time of each forecast step in Lyapunov times, (k + 1) dt λ.</param>
/// <param name="ErrorMedian">Median over starts of the normalised error e(t) at each step.</param>
/// <param name="ErrorP10">10th percentile over starts of e(t) at each step.</param>
/// <param name="ErrorP90">90th percentile over starts of e(t) at each step.</param>
public sealed record VptSummary(
    double Median, double P10, double P90, int N, int Censored, double[] PerStart, int[] Starts,
    double[] Times, double[] ErrorMedian, double[] ErrorP10, double[] ErrorP90);

/// <summary>Wall-clock seconds of each part of an evaluation.</summary>
/// <param name="OneStep">One-step MSE.</param>
/// <param name="Forecasts">The closed-loop forecasts of the VPT.</param>
/// <param name="FreeRun">The free run.</param>
/// <param name="Measures">D_stsp, D_H and Rosenstein's exponent of the free run.</param>
public sealed record EvaluationTimings(double OneStep, double Forecasts, double FreeRun, double Measures);

/// <summary>
/// Everything <see cref="Evaluate.Run(object, NeuroDyn.Data.LorenzData, ForecastProtocol, ModelRun)"/> measured of one model under one
/// <see cref="ForecastProtocol"/>: what the chapters show and hand to each other. Written and read by <see cref="ForecastReportFile"/>
/// (JSON, with the free run beside it as .npy).
/// </summary>
/// <param name="SchemaVersion">Layout version of the JSON (<see cref="ForecastReportFile.SchemaVersion"/>).</param>
/// <param name="Name">The model's display name.</param>
/// <param name="Kind">The model's kind (<see cref="NeuroDyn.Artifacts.ModelKind"/>).</param>
/// <param name="Mode">The tutorial mode that trained it.</param>
/// <param name="Seed">Seed of its training.</param>
/// <param name="TrainingSeconds">Seconds its training took.</param>
/// <param name="ParameterCount">Trained scalar parameters.</param>
/// <param name="Protocol">The protocol it was measured by.</param>
/// <param name="OneStepMse">One-step MSE on the test split (z-scored units).</param>
/// <param name="Vpt">Valid prediction times and error curves.</param>
/// <param name="DStsp">State-space divergence of the free run from the test split (NaN if it could not be measured; see <paramref name="Notes"/>).</param>
/// <param name="DH">Power-spectrum distance of the free run from the test split over their common length (NaN if not measured).</param>
/// <param name="LargestLyapunov">Largest Lyapunov exponent of the free run by Rosenstein's method, per data time unit (NaN if not measured).</param>
/// <param name="FreeRunFile">File name of the free run (.npy, steps × D, z-scored), beside the report ("" until written).</param>
/// <param name="FreeRunSha256">Hex SHA-256 of that file, verified on reading ("" until written).</param>
/// <param name="Timings">Seconds of each part of the evaluation.</param>
/// <param name="Notes">What could not be measured, and why.</param>
public sealed record ForecastReport(
    int SchemaVersion, string Name, string Kind, string Mode, long Seed, double TrainingSeconds, int ParameterCount,
    ForecastProtocol Protocol, double OneStepMse, VptSummary Vpt, double DStsp, double DH, double LargestLyapunov,
    string FreeRunFile, string FreeRunSha256, EvaluationTimings Timings, string[] Notes)
{
    /// <summary>The free run itself (steps × D): set by <see cref="Evaluate"/> and by <see cref="ForecastReportFile.Read"/>; not part of the JSON.</summary>
    [JsonIgnore]
    public double[,] FreeRun { get; init; } = new double[0, 0];
}
