namespace NeuroDyn.Models.Reservoir;

/// <summary>A fitted linear readout ŷ = Wᵀx + b.</summary>
/// <param name="Weights">W, features × outputs.</param>
/// <param name="Intercept">b, one entry per output.</param>
/// <param name="Lambda">The ridge strength λ it was fitted with.</param>
public sealed record RidgeReadout(double[,] Weights, double[] Intercept, double Lambda)
{
    /// <summary>Number of input features.</summary>
    public int FeatureCount => Weights.GetLength(0);
    /// <summary>Number of outputs.</summary>
    public int OutputCount => Weights.GetLength(1);

    /// <summary>ŷ = Wᵀx + b for one feature vector, written into <paramref name="output"/> (no allocation).</summary>
    public void Predict(ReadOnlySpan<double> features, Span<double> output)
    {
        if (features.Length != FeatureCount) throw new ArgumentException($"features has {features.Length} entries but the readout was fitted on {FeatureCount}.", nameof(features));
        if (output.Length != OutputCount) throw new ArgumentException($"output has {output.Length} entries but the readout has {OutputCount} outputs.", nameof(output));
        int m = OutputCount;
        Intercept.CopyTo(output);
        var w = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref Weights[0, 0], Weights.Length);
        for (int i = 0; i < features.Length; i++)
        {
            double x = features[i];
            if (x == 0) continue;
            var row = w.Slice(i * m, m);
            for (int j = 0; j < m; j++) output[j] += x * row[j];
        }
    }

    /// <summary>ŷ for every row of a feature matrix (rows × features) → rows × outputs.</summary>
    public double[,] Predict(double[,] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        int rows = features.GetLength(0);
        var result = new double[rows, OutputCount];
        if (rows == 0) return result;
        var flat = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref features[0, 0], features.Length);
        var output = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref result[0, 0], result.Length);
        for (int r = 0; r < rows; r++)
            Predict(flat.Slice(r * features.GetLength(1), features.GetLength(1)), output.Slice(r * OutputCount, OutputCount));
        return result;
    }
}

/// <summary>The outcome of choosing λ on a validation split.</summary>
/// <param name="Readout">The readout fitted with the best λ.</param>
/// <param name="Lambdas">The λ grid tried.</param>
/// <param name="ValidationMse">Validation MSE (mean over rows and outputs) for each λ.</param>
/// <param name="BestIndex">Index of the chosen λ in the grid.</param>
public sealed record RidgeSelection(RidgeReadout Readout, double[] Lambdas, double[] ValidationMse, int BestIndex);
