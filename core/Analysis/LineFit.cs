namespace NeuroDyn.Analysis;

/// <summary>A least-squares straight line y ≈ Slope·x + Intercept over points [Start, End] (inclusive), with its RMS residual.</summary>
internal readonly record struct LineFit(double Slope, double Intercept, double RmsResidual, int Start, int End)
{
    /// <summary>Ordinary least squares on x[start..end], y[start..end] (at least two points).</summary>
    public static LineFit Over(double[] x, double[] y, int start, int end)
    {
        int count = end - start + 1;
        double mx = 0, my = 0;
        for (int i = start; i <= end; i++) { mx += x[i]; my += y[i]; }
        mx /= count;
        my /= count;
        double sxx = 0, sxy = 0;
        for (int i = start; i <= end; i++) { sxx += (x[i] - mx) * (x[i] - mx); sxy += (x[i] - mx) * (y[i] - my); }
        double slope = sxy / sxx, intercept = my - slope * mx, rss = 0;
        for (int i = start; i <= end; i++) { double e = y[i] - (slope * x[i] + intercept); rss += e * e; }
        return new LineFit(slope, intercept, Math.Sqrt(rss / count), start, end);
    }
}
