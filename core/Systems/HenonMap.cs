namespace NeuroDyn.Systems;

/// <summary>The Hénon map (x, y) ↦ (1 − a x² + y, b x) (Hénon 1976, Commun. Math. Phys. 50:69–77): chaotic at a = 1.4, b = 0.3, its Jacobian's
/// determinant −b everywhere, so the Lyapunov exponents sum to ln|b| per iteration.</summary>
/// <param name="A">The quadratic coefficient a (1.4 in the classic setting; any finite number).</param>
/// <param name="B">The contraction b (0.3 in the classic setting; any finite number).</param>
public sealed record HenonMap(double A = 1.4, double B = 0.3) : IParameterizedMap
{
    static readonly string[] Names = ["a", "b"];

    /// <summary>The quadratic coefficient a (checked finite).</summary>
    public double A { get; init; } = double.IsFinite(A) ? A : throw new ArgumentOutOfRangeException(nameof(A), A, "a must be a finite number (1.4 in the classic setting).");

    /// <summary>The contraction b (checked finite).</summary>
    public double B { get; init; } = double.IsFinite(B) ? B : throw new ArgumentOutOfRangeException(nameof(B), B, "b must be a finite number (0.3 in the classic setting).");

    /// <inheritdoc/>
    public int Dimension => 2;

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> state, Span<double> next)
    {
        double x = state[0], y = state[1];
        next[0] = 1 - A * x * x + y;
        next[1] = B * x;
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        jacobian[0] = -2 * A * state[0];
        jacobian[1] = 1;
        jacobian[2] = B;
        jacobian[3] = 0;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames => Names;

    /// <inheritdoc/>
    public double GetParameter(string name) => name switch
    {
        "a" => A,
        "b" => B,
        _ => throw new ArgumentException($"HenonMap has no parameter '{name}'; its parameters are a, b.", nameof(name)),
    };

    /// <inheritdoc/>
    public IParameterizedMap WithParameter(string name, double value) => name switch
    {
        "a" => new HenonMap(value, B),
        "b" => new HenonMap(A, value),
        _ => throw new ArgumentException($"HenonMap has no parameter '{name}'; its parameters are a, b.", nameof(name)),
    };
}
