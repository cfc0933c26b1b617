using NeuroDyn.Systems;

namespace NeuroDyn.Analysis.Maps;

/// <summary>The residual F(h) = G(h) − h of a map, with Jacobian ∂G/∂h − I, as an <see cref="IVectorField"/>: its zeros are the map's fixed points,
/// so the flow tools that look for zeros (<see cref="FixedPoints"/>, <see cref="Continuation"/>) serve maps unchanged.</summary>
/// <remarks>Not a flow of the map (do not integrate it for dynamics). Holds scratch space only through the map: one instance per thread.</remarks>
public sealed class MapResidualField(IMap map) : IVectorField
{
    /// <summary>The map.</summary>
    public IMap Map { get; } = map ?? throw new ArgumentNullException(nameof(map));

    /// <inheritdoc/>
    public int Dimension => Map.Dimension;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        Map.Apply(state, derivative);
        for (int i = 0; i < state.Length; i++) derivative[i] -= state[i];
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Map.Jacobian(state, jacobian);
        int n = state.Length;
        for (int i = 0; i < n; i++) jacobian[i * n + i] -= 1;
    }
}
