namespace NeuroDyn.Data;

/// <summary>Small helpers over time × dim series stored as double[,].</summary>
public static class Series
{
    /// <summary>Rows [start, start + count) as a new series.</summary>
    public static double[,] Rows(double[,] series, int start, int count)
    {
        int d = series.GetLength(1);
        if (start < 0 || count < 0 || start + count > series.GetLength(0))
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + count}) lie outside a series of {series.GetLength(0)} rows.");
        var result = new double[count, d];
        Buffer.BlockCopy(series, start * d * sizeof(double), result, 0, count * d * sizeof(double));
        return result;
    }

    /// <summary>Column j as a new array.</summary>
    public static double[] Column(double[,] series, int j)
    {
        var column = new double[series.GetLength(0)];
        for (int i = 0; i < column.Length; i++) column[i] = series[i, j];
        return column;
    }

    /// <summary>Row i as a new array.</summary>
    public static double[] Row(double[,] series, int i)
    {
        int d = series.GetLength(1);
        var row = new double[d];
        Buffer.BlockCopy(series, i * d * sizeof(double), row, 0, d * sizeof(double));
        return row;
    }

    /// <summary>Throws with the first offending position if any entry is NaN or infinite.</summary>
    public static void EnsureFinite(double[,] series, string name)
    {
        for (int i = 0; i < series.GetLength(0); i++)
            for (int j = 0; j < series.GetLength(1); j++)
                if (!double.IsFinite(series[i, j]))
                    throw new ArgumentException($"{name}[{i}, {j}] is {series[i, j]}; the series must be finite.", name);
    }
}
