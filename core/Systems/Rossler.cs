namespace NeuroDyn.Systems;

/// <summary>The Rössler system: dx/dt = −y − z, dy/dt = x + a·y, dz/dt = b + z(x − c) (Rössler 1976).</summary>
public sealed record Rossler : IVectorField
{
    /// <summary>Parameter a (0.2 classic).</summary>
    public double A { get; }
    /// <summary>Parameter b (0.2 classic).</summary>
    public double B { get; }
    /// <summary>Parameter c (5.7 classic, chaotic with largest Lyapunov exponent ≈ 0.071).</summary>
    public double C { get; }

    /// <summary>Rössler with the given parameters; defaults a = b = 0.2, c = 5.7.</summary>
    public Rossler(double a = 0.2, double b = 0.2, double c = 5.7)
    {
        Guard.Finite(a, nameof(a));
        Guard.Finite(b, nameof(b));
        Guard.Finite(c, nameof(c));
        (A, B, C) = (a, b, c);
    }

    /// <inheritdoc/>
    public int Dimension => 3;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> s, Span<double> d)
    {
        double x = s[0], y = s[1], z = s[2];
        d[0] = -y - z;
        d[1] = x + A * y;
        d[2] = B + z * (x - C);
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> s, Span<double> j)
    {
        double x = s[0], z = s[2];
        j[0] = 0; j[1] = -1; j[2] = -1;
        j[3] = 1; j[4] = A; j[5] = 0;
        j[6] = z; j[7] = 0; j[8] = x - C;
    }
}
