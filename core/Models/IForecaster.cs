namespace NeuroDyn.Models;

/// <summary>Anything that forecasts a series in closed loop after warming up on true states, whatever it is made of (a torch
/// sequence model through <c>Evaluation.SequenceModelForecaster</c>, or the spiking reservoir): what <c>Evaluate.Run</c> measures.</summary>
public interface IForecaster
{
    /// <summary>Number of trained scalar parameters.</summary>
    int ParameterCount { get; }

    /// <summary>One-step MSE over <paramref name="series"/> (time × D): mean over every predicted row and component of (x̂_{t+1} − x_{t+1})²,
    /// each prediction made after reading the <paramref name="warmup"/> states before it (a window, or a reservoir's washout).</summary>
    double OneStepMse(double[,] series, int warmup);

    /// <summary>Closed-loop forecasts: forecast n warms up on rows starts[n] … starts[n] + warmup − 1 and predicts the next <paramref name="steps"/> rows (steps × D each).</summary>
    IReadOnlyList<double[,]> Forecasts(double[,] series, IReadOnlyList<int> starts, int warmup, int steps);

    /// <summary>One long closed-loop run after warming up on the rows of <paramref name="warmup"/> (L × D): <paramref name="steps"/> × D predicted states.</summary>
    double[,] FreeRun(double[,] warmup, int steps);
}
