namespace NeuroDyn.Evaluation;

/// <summary>Valid prediction times of closed-loop forecasts from many start points, with the error curves behind them.</summary>
/// <param name="Median">Median VPT in Lyapunov times.</param>
/// <param name="P10">10th percentile of the VPT (linear interpolation between order statistics).</param>
/// <param name="P90">90th percentile of the VPT.</param>
/// <param name="N">Number of start points.</param>
/// <param name="PerStart">VPT of each start in Lyapunov times (the horizon where the error never crossed the threshold).</param>
/// <param name="Censored">Number of starts whose error stayed below the threshold over the whole horizon (their VPT is a lower bound).</param>
/// <param name="Starts">Index in the series of the first warm-up state of each forecast.</param>
/// <param name="Times">Time of each forecast step in Lyapunov times: (k + 1) dt λ for k = 0 .. H−1.</param>
/// <param name="ErrorCurves">Normalised error e(t) of each start at each step, [start][step].</param>
/// <param name="Threshold">Error threshold used.</param>
/// <param name="LyapunovExponent">Largest Lyapunov exponent λ used to convert time to Lyapunov times.</param>
public sealed record VptResult(
    double Median, double P10, double P90, int N,
    double[] PerStart, int Censored, int[] Starts,
    double[] Times, double[][] ErrorCurves,
    double Threshold, double LyapunovExponent);
