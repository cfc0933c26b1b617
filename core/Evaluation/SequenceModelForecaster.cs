using NeuroDyn.Models;

namespace NeuroDyn.Evaluation;

/// <summary>A torch sequence model as an <see cref="IForecaster"/>: windows of the warm-up length, forecasts in one batch, no gradients.</summary>
/// <param name="Model">The model forecast with.</param>
public sealed record SequenceModelForecaster(ISequenceModel Model) : IForecaster
{
    /// <inheritdoc/>
    public int ParameterCount => Model.ParameterCount;

    /// <inheritdoc/>
    public double OneStepMse(double[,] series, int warmup) => Evaluate.OneStepMse(Model, series, warmup);

    /// <inheritdoc/>
    public IReadOnlyList<double[,]> Forecasts(double[,] series, IReadOnlyList<int> starts, int warmup, int steps) =>
        Evaluate.Forecasts(Model, series, starts, warmup, steps);

    /// <inheritdoc/>
    public double[,] FreeRun(double[,] warmup, int steps) => Evaluate.FreeRun(Model, warmup, steps);
}
