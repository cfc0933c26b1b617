namespace NeuroDyn.Models.Reservoir;

/// <summary>The feature vector φ_t a <see cref="ReservoirForecaster"/>'s linear readout reads after feeding sample u_t.</summary>
public enum ReadoutFeatures
{
    /// <summary>φ = [u_t, r(t)]: the sample just fed and the N spike traces (D + N features).</summary>
    InputAndTraces,
    /// <summary>
    /// φ = [u_t, r(t), r(t)²]: also the squared traces, element-wise (D + 2N features), the nonlinear readout of Pathak et al. 2018
    /// (Phys Rev Lett 120:024102). The readout stays linear in φ; the squares let it form the products of the state the Lorenz flow contains.
    /// </summary>
    InputTracesAndSquares,
}

/// <summary>Builds the readout features of <see cref="ReadoutFeatures"/> from an input sample and the spike traces.</summary>
public static class ReadoutFeatureMap
{
    /// <summary>Number of features: D + N, or D + 2N with squared traces.</summary>
    public static int Count(ReadoutFeatures features, int inputSize, int neuronCount) => features switch
    {
        ReadoutFeatures.InputAndTraces => inputSize + neuronCount,
        ReadoutFeatures.InputTracesAndSquares => inputSize + 2 * neuronCount,
        _ => throw new ArgumentOutOfRangeException(nameof(features), features, "unknown readout features; use InputAndTraces or InputTracesAndSquares."),
    };

    /// <summary>Writes φ = [u, r] or [u, r, r²] into <paramref name="destination"/> (no allocation).</summary>
    public static void Fill(ReadoutFeatures features, ReadOnlySpan<double> input, ReadOnlySpan<double> traces, Span<double> destination)
    {
        int count = Count(features, input.Length, traces.Length);
        if (destination.Length != count)
            throw new ArgumentException($"destination has {destination.Length} entries but {features} of {input.Length} inputs and {traces.Length} traces are {count}.", nameof(destination));
        input.CopyTo(destination);
        traces.CopyTo(destination.Slice(input.Length));
        if (features == ReadoutFeatures.InputTracesAndSquares)
        {
            var squares = destination.Slice(input.Length + traces.Length);
            for (int i = 0; i < traces.Length; i++) squares[i] = traces[i] * traces[i];
        }
    }
}
