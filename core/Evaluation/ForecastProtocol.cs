namespace NeuroDyn.Evaluation;

/// <summary>
/// How every model is measured (<see cref="Evaluate.Run(object, NeuroDyn.Data.LorenzData, ForecastProtocol, ModelRun)"/>), defined once so that
/// the same model gives the same numbers in every chapter. The defaults are chapter 01's protocol on the test split: forecasts from
/// 100 seeded starts of 1000 steps after 50 warm-up states, error threshold 0.4, time in Lyapunov times of λ = 0.9056; a free run of
/// 5000 steps warmed up on the first 50 test states, compared with the test split by D_stsp (30 bins per coordinate) and D_H
/// (spectra smoothed over σ = 20 frequency bins), and its largest exponent by Rosenstein's method.
/// </summary>
public sealed record ForecastProtocol
{
    /// <summary>True states read before each forecast and before the free run (the window length L; default 50).</summary>
    public int WarmUp { get; init; } = 50;
    /// <summary>Number of forecast start points (default 100).</summary>
    public int Starts { get; init; } = 100;
    /// <summary>Seed of the draw of the start points (<see cref="Evaluate.ForecastStarts"/>); fixed, so every model is forecast from the same states (default 0).</summary>
    public int StartSeed { get; init; }
    /// <summary>Steps of each closed-loop forecast (default 1000 = 10 time units at dt = 0.01, about 9 Lyapunov times).</summary>
    public int Horizon { get; init; } = 1000;
    /// <summary>Normalised error at which a forecast stops being valid (default 0.4).</summary>
    public double Threshold { get; init; } = 0.4;
    /// <summary>Largest Lyapunov exponent λ of the true system that converts time to Lyapunov times t·λ (default 0.9056, Lorenz-63).</summary>
    public double LyapunovExponent { get; init; } = 0.9056;
    /// <summary>Steps of the free run (default 5000).</summary>
    public int FreeRunSteps { get; init; } = 5000;
    /// <summary>Test row of the first warm-up state of the free run (default 0).</summary>
    public int FreeRunStart { get; init; }
    /// <summary>Histogram bins per coordinate of D_stsp (default 30).</summary>
    public int StateSpaceBins { get; init; } = 30;
    /// <summary>Standard deviation, in frequency bins, of the Gaussian that smooths the spectra of D_H (default 20, Hess et al. 2023).</summary>
    public double SpectrumSmoothing { get; init; } = 20;

    /// <summary>The tutorial's default protocol (chapter 01's).</summary>
    public static ForecastProtocol Default { get; } = new();

    /// <summary>A protocol small enough for the tiny data set of a quick run (300 test states): 20 starts of 200 steps, a free run of 1000 steps.</summary>
    public static ForecastProtocol Quick { get; } = new() { Starts = 20, Horizon = 200, FreeRunSteps = 1000 };

    /// <summary>Throws an error naming the first setting that cannot be used.</summary>
    public ForecastProtocol Validate()
    {
        static void Check(bool ok, string name, object value, string what)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"ForecastProtocol.{name} = {value} {what}");
        }
        Check(WarmUp >= 1, nameof(WarmUp), WarmUp, "must be at least 1 state.");
        Check(Starts >= Evaluate.MinimumStarts, nameof(Starts), Starts, $"must be at least {Evaluate.MinimumStarts}, so that the median and 10th/90th percentiles mean something.");
        Check(Horizon >= 1, nameof(Horizon), Horizon, "must be at least 1 step.");
        Check(Threshold > 0 && double.IsFinite(Threshold), nameof(Threshold), Threshold, "must be a finite number > 0.");
        Check(LyapunovExponent > 0 && double.IsFinite(LyapunovExponent), nameof(LyapunovExponent), LyapunovExponent, "must be a finite number > 0 (per time unit).");
        Check(FreeRunSteps >= 1, nameof(FreeRunSteps), FreeRunSteps, "must be at least 1 step.");
        Check(FreeRunStart >= 0, nameof(FreeRunStart), FreeRunStart, "must be a row of the test split (>= 0).");
        Check(StateSpaceBins >= 1, nameof(StateSpaceBins), StateSpaceBins, "must be at least 1.");
        Check(SpectrumSmoothing >= 0 && double.IsFinite(SpectrumSmoothing), nameof(SpectrumSmoothing), SpectrumSmoothing, "must be a finite number >= 0 (0: no smoothing).");
        return this;
    }
}
