namespace NeuroDyn.Solvers;

/// <summary>The verdict on one tried step: keep it or not, and the factor for the next step (h_next = Factor·h).</summary>
/// <param name="Accepted">True when the step's error norm is below 1.</param>
/// <param name="Factor">What the tried step size is multiplied by to give the next one to try.</param>
public readonly record struct StepDecision(bool Accepted, double Factor);

/// <summary>
/// Step-size control of an embedded Runge–Kutta pair from a scaled error norm, the rule of scipy's solve_ivp
/// (Hairer, Nørsett &amp; Wanner, "Solving Ordinary Differential Equations I", 2nd ed. 1993, §II.4): a step whose norm
/// err = RMS(e / (atol + rtol·max(|y|, |y₊|))) is below 1 is accepted; the next step is h·min(10, 0.9·err^(−1/(q+1)))
/// after an acceptance (at most h right after a rejection) and h·max(0.2, 0.9·err^(−1/(q+1))) after a rejection,
/// q the order of the error estimator; a NaN norm (a non-finite stage) shrinks by 0.2. One controller serves the double
/// solvers, the tensor solvers and any solver that keeps one step size per sample (it keeps no per-step state).
/// </summary>
public sealed class StepSizeController
{
    /// <summary>Safety factor 0.9 on the optimal step, so that the next step is likely accepted.</summary>
    public const double Safety = 0.9;
    /// <summary>The step shrinks at most by this factor (0.2) per rejection.</summary>
    public const double MinFactor = 0.2;
    /// <summary>The step grows at most by this factor (10) per acceptance.</summary>
    public const double MaxFactor = 10;

    private readonly double exponent;
    private readonly double rootOrder;

    /// <summary>A controller for an error estimator of order q (Dormand–Prince 5(4): 4; DOP853: 7).</summary>
    public StepSizeController(int errorEstimatorOrder)
    {
        if (errorEstimatorOrder < 1)
            throw new ArgumentOutOfRangeException(nameof(errorEstimatorOrder), errorEstimatorOrder, "The error estimator's order must be at least 1.");
        ErrorEstimatorOrder = errorEstimatorOrder;
        exponent = -1.0 / (errorEstimatorOrder + 1);
        rootOrder = 1.0 / (errorEstimatorOrder + 1);
    }

    /// <summary>Order q of the error estimator; the step scales with err^(−1/(q+1)).</summary>
    public int ErrorEstimatorOrder { get; }

    /// <summary>
    /// The verdict on a step with error norm <paramref name="errorNorm"/> (NaN or infinity when a stage was not finite):
    /// accepted when err &lt; 1, with factor min(10, 0.9·err^(−1/(q+1))) (10 when err = 0), capped at 1 when
    /// <paramref name="afterRejection"/> (the same step was rejected before); rejected otherwise, with factor
    /// max(0.2, 0.9·err^(−1/(q+1))) (0.2 for NaN).
    /// </summary>
    public StepDecision Decide(double errorNorm, bool afterRejection)
    {
        if (errorNorm < 1)
        {
            double factor = errorNorm == 0 ? MaxFactor : Math.Min(MaxFactor, Safety * Math.Pow(errorNorm, exponent));
            return new StepDecision(true, afterRejection ? Math.Min(1, factor) : factor);
        }
        return new StepDecision(false, double.IsNaN(errorNorm) ? MinFactor : Math.Max(MinFactor, Safety * Math.Pow(errorNorm, exponent)));
    }

    /// <summary>
    /// First half of Hairer's initial step (scipy's select_initial_step): the probe step h₀ = 0.01·d₀/d₁, or 10⁻⁶ when
    /// d₀ = ‖y₀‖ or d₁ = ‖f(y₀)‖ is below 10⁻⁵ or the ratio is not a finite positive number (f(y₀) not finite), at most
    /// <paramref name="span"/>; norms RMS scaled by atol + rtol·|y₀|. The caller then evaluates f(y₀ + h₀f(y₀)) for <see cref="InitialStep"/>.
    /// </summary>
    public static double ProbeStep(double stateNorm, double derivativeNorm, double span)
    {
        double h0 = stateNorm < 1e-5 || derivativeNorm < 1e-5 ? 1e-6 : 0.01 * stateNorm / derivativeNorm;
        if (!(h0 > 0 && double.IsFinite(h0))) h0 = 1e-6;   // start cautiously; the error control then reports the failure
        return Math.Min(h0, span);
    }

    /// <summary>
    /// Second half of Hairer's initial step: with d₂ = ‖f(y₀ + h₀f₀) − f₀‖/h₀ (<paramref name="curvatureNorm"/>, same scaling),
    /// h = min(100h₀, (0.01/max(d₁, d₂))^(1/(q+1)), span, maxStep), or max(10⁻⁶, 10⁻³h₀) in place of the root when d₁ and d₂
    /// are both at most 10⁻¹⁵; a NaN (non-finite probe) leaves the cautious min(h₀, maxStep).
    /// </summary>
    public double InitialStep(double probeStep, double derivativeNorm, double curvatureNorm, double span, double maxStep)
    {
        double h1 = derivativeNorm <= 1e-15 && curvatureNorm <= 1e-15
            ? Math.Max(1e-6, probeStep * 1e-3)
            : Math.Pow(0.01 / Math.Max(derivativeNorm, curvatureNorm), rootOrder);
        double h = Math.Min(Math.Min(100 * probeStep, h1), Math.Min(span, maxStep));
        return double.IsNaN(h) ? Math.Min(probeStep, maxStep) : h;
    }
}
