namespace NeuroDyn.Systems;

/// <summary>The Lorenz-63 system: dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz (Lorenz 1963).</summary>
public sealed record Lorenz63 : IJacobianProduct, IParameterizedField
{
    /// <summary>Prandtl number σ (10 in the classic chaotic setting).</summary>
    public double Sigma { get; }
    /// <summary>Rayleigh number ρ (28 in the classic chaotic setting).</summary>
    public double Rho { get; }
    /// <summary>Geometric factor β (8/3 in the classic chaotic setting).</summary>
    public double Beta { get; }

    /// <summary>Lorenz-63 with the given parameters; defaults are the classic σ = 10, ρ = 28, β = 8/3. σ and β must be &gt; 0, ρ finite.</summary>
    public Lorenz63(double sigma = 10.0, double rho = 28.0, double beta = 8.0 / 3.0)
    {
        if (!(sigma > 0 && double.IsFinite(sigma)))
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, $"sigma = {sigma}: the Prandtl number σ must be a finite number > 0 (10 in the classic setting).");
        Guard.Finite(rho, nameof(rho));
        if (!(beta > 0 && double.IsFinite(beta)))
            throw new ArgumentOutOfRangeException(nameof(beta), beta,
                $"beta = {beta}: the geometric factor β must be a finite number > 0 (8/3 in the classic setting); with β < 0, z grows without bound.");
        (Sigma, Rho, Beta) = (sigma, rho, beta);
    }

    /// <inheritdoc/>
    public int Dimension => 3;

    /// <inheritdoc/>
    /// <remarks>"sigma", "rho" and "beta" (σ, ρ, β).</remarks>
    public IReadOnlyList<string> ParameterNames => Names;

    private static readonly string[] Names = ["sigma", "rho", "beta"];

    /// <inheritdoc/>
    public double GetParameter(string name) => name switch
    {
        "sigma" => Sigma,
        "rho" => Rho,
        "beta" => Beta,
        _ => throw UnknownParameter(name),
    };

    /// <inheritdoc/>
    /// <remarks>σ and β must stay &gt; 0 and ρ finite, as in the constructor.</remarks>
    public IParameterizedField WithParameter(string name, double value) => name switch
    {
        "sigma" => new Lorenz63(value, Rho, Beta),
        "rho" => new Lorenz63(Sigma, value, Beta),
        "beta" => new Lorenz63(Sigma, Rho, value),
        _ => throw UnknownParameter(name),
    };

    private ArgumentException UnknownParameter(string name) =>
        new($"Lorenz63 has no parameter '{name}'; its parameters are {string.Join(", ", ParameterNames)}.", nameof(name));

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> s, Span<double> d)
    {
        double x = s[0], y = s[1], z = s[2];
        d[0] = Sigma * (y - x);
        d[1] = x * (Rho - z) - y;
        d[2] = x * y - Beta * z;
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> s, Span<double> j)
    {
        double x = s[0], y = s[1], z = s[2];
        j[0] = -Sigma; j[1] = Sigma; j[2] = 0;
        j[3] = Rho - z; j[4] = -1; j[5] = -x;
        j[6] = y; j[7] = x; j[8] = -Beta;
    }

    /// <inheritdoc/>
    /// <remarks>Entry by entry, (σ(b − a), (ρ − z)a − b − xc, ya + xb − βc) for v = (a, b, c): no 3×3 matrix is formed and its zero costs nothing.</remarks>
    public void ApplyJacobian(ReadOnlySpan<double> s, ReadOnlySpan<double> v, Span<double> p)
    {
        double x = s[0], y = s[1], rhoMinusZ = Rho - s[2];
        for (int i = 0; i + 3 <= v.Length; i += 3)
        {
            var vi = v.Slice(i, 3);
            var pi = p.Slice(i, 3);
            double a = vi[0], b = vi[1], c = vi[2];
            pi[0] = Sigma * (b - a);
            pi[1] = rhoMinusZ * a - b - x * c;
            pi[2] = y * a + x * b - Beta * c;
        }
    }

    /// <summary>The three fixed points: the origin and C± = (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1) (the latter only for ρ &gt; 1).</summary>
    public double[][] FixedPoints()
    {
        if (Rho <= 1) return [[0, 0, 0]];
        double c = Math.Sqrt(Beta * (Rho - 1));
        return [[0, 0, 0], [c, c, Rho - 1], [-c, -c, Rho - 1]];
    }

    /// <summary>Trace of the Jacobian, −(σ + 1 + β): the constant phase-space contraction rate and the sum of the Lyapunov exponents.</summary>
    public double Divergence => -(Sigma + 1 + Beta);
}
