namespace NeuroDyn.Systems;

/// <summary>An autonomous vector field dx/dt = f(x) on R^n with its Jacobian J_ij = ∂f_i/∂x_j.</summary>
/// <remarks>
/// Everything in NeuroDyn that evolves implements this: ground-truth systems (Lorenz-63, Rössler, Van der Pol)
/// and trained networks run autonomously. Solvers and analyses take any <see cref="IVectorField"/>.
/// Implementations must not allocate in <see cref="Evaluate"/> or <see cref="Jacobian"/>; they sit in inner loops.
/// </remarks>
public interface IVectorField
{
    /// <summary>State-space dimension n.</summary>
    int Dimension { get; }

    /// <summary>Writes f(x) into <paramref name="derivative"/> (length n).</summary>
    void Evaluate(ReadOnlySpan<double> state, Span<double> derivative);

    /// <summary>Writes the Jacobian ∂f/∂x at x into <paramref name="jacobian"/>, row-major (length n·n, entry [i·n + j] = ∂f_i/∂x_j).</summary>
    void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian);
}
