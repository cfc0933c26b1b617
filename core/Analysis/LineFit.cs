using MathNet.Numerics;

namespace NeuroDyn.Analysis;

/// <summary>A least-squares straight line y ≈ Slope·x + Intercept over points [Start, End] (inclusive), with its RMS residual.</summary>
internal readonly record struct LineFit(double Slope, double Intercept, double RmsResidual, int Start, int End)
{
    /// <summary>
    /// Ordinary least squares on x[start..end], y[start..end] (at least two points) by MathNet's Fit.Line:
    /// slope = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)², intercept = ȳ − slope·x̄; RmsResidual = √(Σ e²/count), e = y − (slope·x + intercept)
    /// (MathNet's Distance.MSE: divided by the number of points, not by the degrees of freedom).
    /// </summary>
    public static LineFit Over(double[] x, double[] y, int start, int end)
    {
        var xs = x[start..(end + 1)];
        var ys = y[start..(end + 1)];
        var (intercept, slope) = Fit.Line(xs, ys);
        var fitted = Array.ConvertAll(xs, v => slope * v + intercept);
        return new LineFit(slope, intercept, Math.Sqrt(Distance.MSE(ys, fitted)), start, end);
    }
}
