using System.Text.Json.Serialization;

namespace NeuroDyn.Evaluation;

/// <summary>A fixed point of a model's closed-loop dynamics as reported: where it lies in the data's space and how stable it is.</summary>
/// <param name="Output">The point read out into the (z-scored) data space.</param>
/// <param name="Kind">Its stability type (e.g. "Saddle", "SaddleFocus", "StableFocus").</param>
/// <param name="UnstableDirections">Eigenvalues with Re λ &gt; 0 (a field) or multipliers with |μ| &gt; 1 (a map).</param>
/// <param name="LeadingRate">The fastest growth rate there per data time unit: max Re λ of a field's Jacobian, or max ln|μ| / dt of a map's.</param>
public sealed record AnalysisFixedPoint(double[] Output, string Kind, int UnstableDirections, double LeadingRate);

/// <summary>
/// What chapter 04's dynamical analysis found for one model (or for Lorenz-63 itself), saved beside its forecast report as
/// <c>ID.analysis.json</c> by <see cref="AnalysisReportFile"/> so that later chapters show the same numbers. Rates are per data time unit.
/// </summary>
/// <param name="SchemaVersion">Layout version of the JSON (<see cref="AnalysisReportFile.SchemaVersion"/>).</param>
/// <param name="Name">The model's display name.</param>
/// <param name="Mode">The tutorial mode of the run that analysed it (quick, default or full).</param>
/// <param name="Dynamics">What the Jacobian analyses were applied to (e.g. the closed-loop field, the sample-to-sample map), or "free run only" for a model without a smooth one.</param>
/// <param name="LyapunovExponents">The leading Lyapunov exponents (QR method), largest first; empty when the model has no smooth dynamics.</param>
/// <param name="KaplanYorke">Kaplan–Yorke dimension from those exponents (NaN without them).</param>
/// <param name="RosensteinExponent">Largest exponent of the free run by Rosenstein's method (NaN if it could not be measured).</param>
/// <param name="CorrelationDimension">Correlation dimension of the free run (NaN if it has no scaling region).</param>
/// <param name="FixedPoints">The fixed points found.</param>
/// <param name="PeriodicOrbitPeriods">Periods of the distinct periodic orbits found, shortest first (data time units); empty when none converged.</param>
/// <param name="PeriodicOrbitSource">What those orbits were found in (e.g. "trained map", or "field (Δ → 0)" where the map had none); empty when there are none.</param>
/// <param name="FreeRunMaxima">Successive maxima of z (z-scored) along the free run: the values of its return map z_max(n) → z_max(n+1).</param>
/// <param name="Seconds">Wall-clock seconds the analysis took.</param>
/// <param name="Notes">What could not be measured, and why.</param>
public sealed record AnalysisReport(
    int SchemaVersion, string Name, string Mode, string Dynamics, double[] LyapunovExponents, double KaplanYorke, double RosensteinExponent,
    double CorrelationDimension, AnalysisFixedPoint[] FixedPoints, double[] PeriodicOrbitPeriods, string PeriodicOrbitSource, double[] FreeRunMaxima, double Seconds,
    string[] Notes)
{
    /// <summary>The largest Lyapunov exponent: the QR spectrum's first when there is one, otherwise Rosenstein's estimate from the free run.</summary>
    [JsonIgnore]
    public double LargestExponent => LyapunovExponents.Length > 0 ? LyapunovExponents[0] : RosensteinExponent;

    /// <summary>The shortest periodic orbit's period (data time units), NaN when none was found.</summary>
    [JsonIgnore]
    public double ShortestPeriod => PeriodicOrbitPeriods.Length > 0 ? PeriodicOrbitPeriods.Min() : double.NaN;
}
