using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>The flow dx/dt = f(x) of any <see cref="IVectorField"/> as an <see cref="IFlatDerivative"/>.</summary>
internal readonly struct FieldDerivative(IVectorField field) : IFlatDerivative
{
    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> y, Span<double> dy) => field.Evaluate(y, dy);
}
