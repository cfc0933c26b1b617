using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>
/// A state and k tangent vectors as one flat system for <see cref="RungeKuttaStepper"/>: d/dt [x; q_1 … q_k] = [f(x); J(x)q_1 … J(x)q_k],
/// the variational equation. The products J(x)q_j come from <see cref="IJacobianProduct"/> when the field offers it,
/// otherwise from the dense Jacobian.
/// </summary>
internal readonly struct TangentFlow : IFlatDerivative
{
    private readonly IVectorField field;
    private readonly IJacobianProduct? product;
    private readonly double[] jacobian;
    private readonly int n;

    /// <summary>The tangent flow of <paramref name="field"/>.</summary>
    public TangentFlow(IVectorField field)
    {
        this.field = field;
        n = field.Dimension;
        product = field as IJacobianProduct;
        jacobian = product is null ? new double[field.Dimension * field.Dimension] : [];
    }

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> y, Span<double> dy)
    {
        var x = y[..n];
        field.Evaluate(x, dy[..n]);
        if (product is not null)
            product.ApplyJacobian(x, y[n..], dy[n..]);
        else
        {
            field.Jacobian(x, jacobian);
            MultiplyDense(jacobian, y[n..], dy[n..], n);
        }
    }

    /// <summary>dq_j = J·q_j for the vectors q_j stored one after another: each entry a dot product of a row of J with q_j.</summary>
    private static void MultiplyDense(ReadOnlySpan<double> j, ReadOnlySpan<double> q, Span<double> dq, int n)
    {
        for (int offset = 0; offset < q.Length; offset += n)
        {
            var qj = q.Slice(offset, n);
            for (int r = 0; r < n; r++) dq[offset + r] = SpanMath.Dot(j.Slice(r * n, n), qj);
        }
    }
}
