namespace NeuroDyn.Systems;

/// <summary>A vector field that applies its Jacobian to vectors directly, J(x)·v, without forming the n×n matrix.</summary>
/// <remarks>
/// Optional: fields with a sparse or structured Jacobian implement it so that tangent-space analyses
/// (<see cref="Analysis.LyapunovSpectrum"/>) skip the dense n×n product; any other field is served through
/// <see cref="IVectorField.Jacobian"/>. Like <see cref="IVectorField"/>, implementations must not allocate.
/// </remarks>
public interface IJacobianProduct : IVectorField
{
    /// <summary>
    /// Writes J(x)·v_j into <paramref name="products"/> for every vector v_j stored one after another (each of length n) in
    /// <paramref name="vectors"/>; the product of v_j goes to the same place as v_j (both spans have the same length, a multiple of n).
    /// </summary>
    void ApplyJacobian(ReadOnlySpan<double> state, ReadOnlySpan<double> vectors, Span<double> products);
}
