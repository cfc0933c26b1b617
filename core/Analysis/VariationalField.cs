using NeuroDyn.Systems;
using NeuroDyn.Solvers;

namespace NeuroDyn.Analysis;

/// <summary>
/// The flow together with its variational equation as one field on R^(n + n²): d/dt [x; Φ] = [f(x); J(x)Φ], Φ(0) = I,
/// so that Φ(T) = ∂φ_T/∂x₀ is the monodromy matrix of a closed orbit. Φ is stored column by column after x; the products
/// J(x)·Φ come from <see cref="IJacobianProduct"/> when the field offers it, otherwise from the dense Jacobian.
/// </summary>
internal sealed class VariationalField : IVectorField
{
    private readonly FieldWatch field;
    private readonly IJacobianProduct? product;
    private readonly double[] jacobian;
    private readonly int n;

    /// <summary>The variational system of <paramref name="field"/>.</summary>
    public VariationalField(IVectorField field)
    {
        (this.field, n) = (new FieldWatch(field), field.Dimension);
        product = field as IJacobianProduct;
        jacobian = new double[n * n];
    }

    /// <inheritdoc/>
    public int Dimension => n + n * n;

    /// <summary>A sentence naming where the field returned NaN or infinity, or "".</summary>
    public string Diagnosis() => field.Diagnosis();

    /// <summary>The initial state [x₀; I].</summary>
    public double[] Start(ReadOnlySpan<double> x0)
    {
        var y = new double[Dimension];
        x0.CopyTo(y);
        for (int j = 0; j < n; j++) y[n + j * n + j] = 1;
        return y;
    }

    /// <summary>The monodromy Φ of an augmented state, as an n×n array.</summary>
    public double[,] Monodromy(ReadOnlySpan<double> y)
    {
        var phi = new double[n, n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) phi[i, j] = y[n + j * n + i];
        return phi;
    }

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> y, Span<double> dy)
    {
        var x = y[..n];
        field.Evaluate(x, dy[..n]);
        if (product is not null)
        {
            product.ApplyJacobian(x, y[n..], dy[n..]);
            return;
        }
        field.Jacobian(x, jacobian);
        for (int offset = n; offset < y.Length; offset += n)
            for (int r = 0; r < n; r++) dy[offset + r] = SpanMath.Dot(jacobian.AsSpan(r * n, n), y.Slice(offset, n));
    }

    /// <summary>Not available: the augmented Jacobian needs second derivatives of f, which <see cref="IVectorField"/> does not give; explicit solvers never ask for it.</summary>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> result) =>
        throw new NotSupportedException("The variational system's Jacobian needs second derivatives of the field; integrate it with an explicit method.");
}
