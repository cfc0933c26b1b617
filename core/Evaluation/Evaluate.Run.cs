using System.Diagnostics;
using NeuroDyn.Analysis;
using NeuroDyn.Artifacts;
using NeuroDyn.Data;
using NeuroDyn.Models;

namespace NeuroDyn.Evaluation;

public static partial class Evaluate
{
    /// <summary>
    /// Measures a model by the protocol on the data set's test split, the same way for every kind of model: one-step MSE; closed-loop
    /// forecasts from the protocol's seeded starts, their valid prediction times and error curves (<see cref="ValidPredictionTime(double[,], int, IReadOnlyList{int}, IReadOnlyList{double[,]}, double, double, double)"/>);
    /// a free run warmed up on the test split, its D_stsp against the whole test split and D_H over their common length
    /// (<see cref="AttractorAgreement"/>), and its largest Lyapunov exponent (<see cref="LargestLyapunov.Rosenstein(double[,], RosensteinOptions?)"/>, per data time unit).
    /// A measure the free run does not allow (it left the attractor, or settled too soon) is NaN with a note saying why.
    /// </summary>
    /// <param name="model">A torch <see cref="ISequenceModel"/> or any <see cref="IForecaster"/> (the spiking reservoir's <c>ReservoirForecaster</c>).</param>
    /// <param name="data">The data set; its test split is forecast, its dt converts steps to time.</param>
    /// <param name="protocol">How to measure (<see cref="ForecastProtocol.Default"/> in the tutorial, <see cref="ForecastProtocol.Quick"/> on quick data).</param>
    /// <param name="run">The model's name and how it was trained, recorded in the report.</param>
    public static ForecastReport Run(object model, LorenzData data, ForecastProtocol protocol, ModelRun run)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(run);
        protocol.Validate();
        var forecaster = model switch
        {
            ISequenceModel m => new SequenceModelForecaster(m),
            IForecaster f => f,
            _ => throw new ArgumentException($"{model.GetType().Name} can be measured only as an ISequenceModel or an IForecaster.", nameof(model)),
        };
        var test = data.Test;
        if (protocol.FreeRunStart + protocol.WarmUp > test.GetLength(0))
            throw new ArgumentException($"The free run warms up on test rows {protocol.FreeRunStart} … {protocol.FreeRunStart + protocol.WarmUp - 1}, past the test split of {test.GetLength(0)} rows; use a smaller ForecastProtocol.FreeRunStart or a longer data set.", nameof(protocol));
        var notes = new List<string>();
        var clock = Stopwatch.StartNew();
        double Lap()
        {
            double seconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            return seconds;
        }

        double mse = forecaster.OneStepMse(test, protocol.WarmUp);
        double oneStepSeconds = Lap();
        var starts = ForecastStarts(test.GetLength(0), protocol.WarmUp, protocol.Horizon, protocol.Starts, protocol.StartSeed);
        var vpt = ValidPredictionTime(test, protocol.WarmUp, starts, forecaster.Forecasts(test, starts, protocol.WarmUp, protocol.Horizon),
            data.Dt, protocol.LyapunovExponent, protocol.Threshold);
        double forecastSeconds = Lap();
        var freeRun = forecaster.FreeRun(Series.Rows(test, protocol.FreeRunStart, protocol.WarmUp), protocol.FreeRunSteps);
        double freeRunSeconds = Lap();
        int common = Math.Min(test.GetLength(0), freeRun.GetLength(0));
        double dStsp = Measured("D_stsp", notes, () => AttractorAgreement.StateSpaceDivergence(test, freeRun, protocol.StateSpaceBins));
        double dH = Measured("D_H", notes, () => AttractorAgreement.PowerSpectrumDistance(Series.Rows(test, 0, common), Series.Rows(freeRun, 0, common), protocol.SpectrumSmoothing));
        double lyapunov = Measured("the largest Lyapunov exponent", notes, () => LargestLyapunov.Rosenstein(freeRun, new RosensteinOptions { Dt = data.Dt }).Exponent);
        double measureSeconds = Lap();

        return new ForecastReport(ForecastReportFile.SchemaVersion, run.Name, KindName(model), run.Mode, run.Seed, run.TrainingSeconds, forecaster.ParameterCount,
            protocol, mse, Summary(vpt), dStsp, dH, lyapunov, "", "", new EvaluationTimings(oneStepSeconds, forecastSeconds, freeRunSeconds, measureSeconds), notes.ToArray())
        {
            FreeRun = freeRun,
        };
    }

    /// <summary>The median, 10th and 90th percentile over starts of the error at each step, beside the VPT's own summary.</summary>
    static VptSummary Summary(VptResult vpt)
    {
        double[] Quantile(double p) =>
            Enumerable.Range(0, vpt.Times.Length).Select(k => Percentile(vpt.ErrorCurves.Select(curve => curve[k]).ToArray(), p)).ToArray();
        return new VptSummary(vpt.Median, vpt.P10, vpt.P90, vpt.N, vpt.Censored, vpt.PerStart, vpt.Starts, vpt.Times, Quantile(0.5), Quantile(0.1), Quantile(0.9));
    }

    /// <summary>The measure, or NaN with a note naming it and why (an <see cref="ArgumentException"/> of the analysis: a free run off the attractor, too short, or constant).</summary>
    static double Measured(string name, List<string> notes, Func<double> measure)
    {
        try { return measure(); }
        catch (ArgumentException e)
        {
            notes.Add($"{name} of the free run could not be measured: {e.Message}");
            return double.NaN;
        }
    }

    /// <summary>The model's kind as its file names it (<see cref="ModelKind"/>), or its type's name for a model without a file format.</summary>
    static string KindName(object model) => ModelArtifact.TryKindOf(model)?.ToString() ?? model.GetType().Name;
}
