namespace NeuroDyn.Analysis;

/// <summary>
/// Successive local maxima of one coordinate of a sampled series, such as a model's free run: Lorenz's successive-maxima map for
/// systems known only through their samples (<see cref="PoincareSection.Maxima"/> does it for vector fields, on the solver's dense
/// output). Each maximum x_{i−1} &lt; x_i ≥ x_{i+1} is refined by the parabola through the three samples, whose vertex value is
/// x_i − (x_{i+1} − x_{i−1})² / (8 (x_{i+1} − 2x_i + x_{i−1})); its error falls like the fourth power of the sampling step.
/// </summary>
public static class SampledMaxima
{
    /// <summary>The successive maxima of column <paramref name="coordinate"/> of <paramref name="series"/> (rows are samples), in order;
    /// a non-finite sample is an error naming its row.</summary>
    public static double[] Of(double[,] series, int coordinate)
    {
        ArgumentNullException.ThrowIfNull(series);
        int rows = series.GetLength(0), columns = series.GetLength(1);
        if (coordinate < 0 || coordinate >= columns)
            throw new ArgumentOutOfRangeException(nameof(coordinate), coordinate, $"coordinate = {coordinate} must lie in 0..{columns - 1}, a column of the series.");
        for (int i = 0; i < rows; i++)
            if (!double.IsFinite(series[i, coordinate]))
                throw new ArgumentException($"series[{i}, {coordinate}] = {series[i, coordinate]} is not finite; give the finite part of the series (e.g. a free run up to where it diverged).", nameof(series));
        var maxima = new List<double>();
        for (int i = 1; i + 1 < rows; i++)
        {
            double before = series[i - 1, coordinate], here = series[i, coordinate], after = series[i + 1, coordinate];
            if (!(before < here && here >= after)) continue;
            double curvature = after - 2 * here + before;   // < 0 at a strict maximum; 0 only where the three samples lie on a line
            maxima.Add(curvature < 0 ? here - (after - before) * (after - before) / (8 * curvature) : here);
        }
        return [.. maxima];
    }

    /// <summary>The return map of successive values: rows (v_k, v_{k+1}) for k = 0 … n − 2, e.g. z_max(n+1) against z_max(n).</summary>
    public static double[,] ReturnMap(double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int pairs = Math.Max(0, values.Length - 1);
        var map = new double[pairs, 2];
        for (int k = 0; k < pairs; k++) (map[k, 0], map[k, 1]) = (values[k], values[k + 1]);
        return map;
    }
}
