namespace NeuroDyn.Systems;

/// <summary>The Van der Pol oscillator: dx/dt = y, dy/dt = μ(1 − x²)y − x; a stable limit cycle for μ &gt; 0.</summary>
public sealed record VanDerPol : IVectorField
{
    /// <summary>Nonlinear damping μ; the origin is an unstable focus for 0 &lt; μ &lt; 2 and an unstable node for μ ≥ 2.</summary>
    public double Mu { get; }

    /// <summary>Van der Pol with damping μ (default 1).</summary>
    public VanDerPol(double mu = 1.0)
    {
        Guard.Finite(mu, nameof(mu));
        Mu = mu;
    }

    /// <inheritdoc/>
    public int Dimension => 2;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> s, Span<double> d)
    {
        double x = s[0], y = s[1];
        d[0] = y;
        d[1] = Mu * (1 - x * x) * y - x;
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> s, Span<double> j)
    {
        double x = s[0], y = s[1];
        j[0] = 0; j[1] = 1;
        j[2] = -2 * Mu * x * y - 1; j[3] = Mu * (1 - x * x);
    }
}
