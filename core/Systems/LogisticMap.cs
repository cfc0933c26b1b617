namespace NeuroDyn.Systems;

/// <summary>The logistic map x ↦ r x (1 − x) on [0, 1] (May 1976, Nature 261:459–467): a fixed point 1 − 1/r, a period-2 orbit
/// x± = (r + 1 ± √((r − 3)(r + 1)))/(2r) for r &gt; 3, chaos at r = 4.</summary>
/// <param name="R">The growth rate r, in [0, 4] so that [0, 1] maps into itself.</param>
public sealed record LogisticMap(double R = 3.5) : IParameterizedMap
{
    /// <summary>The growth rate r (checked to lie in [0, 4]).</summary>
    public double R { get; init; } = R >= 0 && R <= 4 ? R : throw new ArgumentOutOfRangeException("r", R, "r must lie in [0, 4] so that the map keeps [0, 1] (r = 4 is fully chaotic).");

    /// <inheritdoc/>
    public int Dimension => 1;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> state, Span<double> next) => next[0] = R * state[0] * (1 - state[0]);

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) => jacobian[0] = R * (1 - 2 * state[0]);

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; } = ["r"];

    /// <inheritdoc/>
    public double GetParameter(string name) => name == "r" ? R : throw new ArgumentException($"LogisticMap has no parameter '{name}'; its parameter is r.", nameof(name));

    /// <inheritdoc/>
    public IParameterizedMap WithParameter(string name, double value)
    {
        GetParameter(name);
        return new LogisticMap(value);
    }
}
