namespace NeuroDyn.Systems;

/// <summary>Allocating conveniences over <see cref="IVectorField"/> for the REPL and for tests (not for inner loops).</summary>
public static class VectorFieldExtensions
{
    /// <summary>f(x) as a new array, after checking that x has the field's dimension.</summary>
    public static double[] Evaluate(this IVectorField field, double[] state)
    {
        Guard.Dimension(field, state, nameof(state));
        var derivative = new double[field.Dimension];
        field.Evaluate(state, derivative);
        return derivative;
    }

    /// <summary>The Jacobian ∂f/∂x at x as an n×n array.</summary>
    public static double[,] Jacobian(this IVectorField field, double[] state)
    {
        Guard.Dimension(field, state, nameof(state));
        int n = field.Dimension;
        var flat = new double[n * n];
        field.Jacobian(state, flat);
        var jacobian = new double[n, n];
        Buffer.BlockCopy(flat, 0, jacobian, 0, flat.Length * sizeof(double));
        return jacobian;
    }
}
