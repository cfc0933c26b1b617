namespace NeuroDyn.Analysis;

/// <summary>Checks and small statistics on state matrices (one state per row, one coordinate per column).</summary>
internal static class StateMatrix
{
    /// <summary>Throws unless the matrix has at least <paramref name="minRows"/> rows, the given number of columns (if any) and only finite entries.</summary>
    public static void Check(double[,] states, string name, int minRows = 1, int? columns = null)
    {
        ArgumentNullException.ThrowIfNull(states, name);
        int rows = states.GetLength(0), cols = states.GetLength(1);
        if (cols < 1) throw new ArgumentException($"{name} has no columns; give one coordinate per column.", name);
        if (rows < minRows) throw new ArgumentException($"{name} has {rows} rows (states) but at least {minRows} are needed; give a longer trajectory.", name);
        if (columns is int n && cols != n)
            throw new ArgumentException($"{name} has {cols} columns but {n} are expected (the state dimension); give one state per row.", name);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (!double.IsFinite(states[i, j]))
                    throw new ArgumentException($"{name}[{i}, {j}] is {states[i, j]}; every entry must be a finite number (a diverged trajectory?).", name);
    }

    /// <summary>Column means and standard deviations (with the 1/(T−1) normalisation, or 1/T for a single row).</summary>
    public static (double[] Mean, double[] Std) ColumnMoments(double[,] states)
    {
        int rows = states.GetLength(0), cols = states.GetLength(1);
        var mean = new double[cols];
        var std = new double[cols];
        for (int j = 0; j < cols; j++)
        {
            double m = 0, s = 0;
            for (int i = 0; i < rows; i++) m += states[i, j];
            m /= rows;
            for (int i = 0; i < rows; i++) s += (states[i, j] - m) * (states[i, j] - m);
            mean[j] = m;
            std[j] = Math.Sqrt(s / Math.Max(rows - 1, 1));
        }
        return (mean, std);
    }

    /// <summary>The matrix as one row-major array (entry [i·n + j]), for fast row access in distance loops.</summary>
    public static double[] Flatten(double[,] states)
    {
        var flat = new double[states.Length];
        Buffer.BlockCopy(states, 0, flat, 0, states.Length * sizeof(double));
        return flat;
    }

    /// <summary>Squared Euclidean distance between rows a and b of a flattened matrix with n columns.</summary>
    public static double SquaredDistance(double[] flat, int a, int b, int n)
    {
        var x = flat.AsSpan(a * n, n);
        var y = flat.AsSpan(b * n, n);
        double s = 0;
        for (int d = 0; d < x.Length; d++) { double e = x[d] - y[d]; s += e * e; }
        return s;
    }

    /// <summary>Column j as a new array.</summary>
    public static double[] Column(double[,] states, int j)
    {
        var column = new double[states.GetLength(0)];
        for (int i = 0; i < column.Length; i++) column[i] = states[i, j];
        return column;
    }
}
