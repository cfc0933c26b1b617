using NeuroDyn.Models;

namespace NeuroDyn.Evaluation;

/// <summary>A torch sequence model as an <see cref="IForecaster"/>: windows of the warm-up length, evaluated in blocks of <see cref="BlockRows"/> rows, no gradients.</summary>
/// <param name="Model">The model forecast with.</param>
public sealed record SequenceModelForecaster(ISequenceModel Model) : IForecaster
{
    /// <summary>Windows or forecasts per block (default <see cref="Evaluate.DefaultBlockRows"/>); another size changes the numbers only by rounding.</summary>
    public int BlockRows { get; init; } = Evaluate.DefaultBlockRows;

    /// <inheritdoc/>
    public int ParameterCount => Model.ParameterCount;

    /// <inheritdoc/>
    public double OneStepMse(double[,] series, int warmup) => Evaluate.OneStepMse(Model, series, warmup, BlockRows);

    /// <inheritdoc/>
    public IReadOnlyList<double[,]> Forecasts(double[,] series, IReadOnlyList<int> starts, int warmup, int steps) =>
        Evaluate.Forecasts(Model, series, starts, warmup, steps, BlockRows);

    /// <inheritdoc/>
    public double[,] FreeRun(double[,] warmup, int steps) => Evaluate.FreeRun(Model, warmup, steps);
}
