namespace NeuroDyn.Solvers;

/// <summary>
/// The coefficients of an explicit Runge–Kutta method: kᵢ = f(t + cᵢh, y + h·Σⱼ₍ⱼ₌₀..ᵢ₋₁₎ aᵢⱼ kⱼ), y₊ = y + h·Σᵢ bᵢ kᵢ,
/// with nodes cᵢ = Σⱼ aᵢⱼ; one set of coefficients serves both the double solvers (<see cref="Ode"/>) and the tensor solvers.
/// </summary>
public sealed class ButcherTableau
{
    /// <summary>Short name of the method (used in messages).</summary>
    public string Name { get; }
    /// <summary>Order of the solution weights <see cref="B"/>.</summary>
    public int Order { get; }
    /// <summary>Nodes cᵢ (fractions of the step), one per row of <see cref="A"/>.</summary>
    public double[] C { get; }
    /// <summary>Rows aᵢ (length i) of the strictly lower-triangular coupling matrix; row 0 is empty. Rows beyond the stages feed a dense output.</summary>
    public double[][] A { get; }
    /// <summary>Weights bᵢ of the stages in the step.</summary>
    public double[] B { get; }
    /// <summary>Error weights bᵢ − b̂ᵢ against an embedded lower-order solution (adaptive methods), or null.</summary>
    public double[]? BError { get; }
    /// <summary>Number of stages s (the length of <see cref="B"/>).</summary>
    public int Stages => B.Length;

    /// <summary>True when the last stage is evaluated at the new solution (c_s = 1, a_s = b, b_s = 0), so it is the next step's first stage.</summary>
    public bool FirstSameAsLast { get; }

    /// <summary>A tableau, checked for consistency (Σⱼ aᵢⱼ = cᵢ, Σ bᵢ = 1, Σ (bᵢ − b̂ᵢ) = 0) to catch mistyped coefficients.</summary>
    public ButcherTableau(string name, int order, double[] c, double[][] a, double[] b, double[]? bError = null)
    {
        if (a.Length < b.Length || c.Length != a.Length)
            throw new ArgumentException($"The {name} tableau needs one row of A and one node per stage.");
        if (bError is not null && bError.Length != b.Length)
            throw new ArgumentException($"The {name} tableau's error weights must have one entry per stage.");
        for (int i = 0; i < a.Length; i++)
        {
            if (a[i].Length != i) throw new ArgumentException($"Row {i} of the {name} tableau's A must have {i} entries.");
            CheckSum(name, a[i], c[i], $"row {i} of A");
        }
        CheckSum(name, b, 1.0, "the weights b");
        if (bError is not null) CheckSum(name, bError, 0.0, "the error weights");
        (Name, Order, C, A, B, BError) = (name, order, c, a, b, bError);
        int s = b.Length;
        FirstSameAsLast = c[s - 1] == 1.0 && b[s - 1] == 0.0 && a[s - 1].AsSpan().SequenceEqual(b.AsSpan(0, s - 1));
    }

    /// <summary>
    /// The tableau of <paramref name="method"/>: the one place an <see cref="OdeMethod"/> becomes coefficients, for the double
    /// solvers, the tensor solvers and the rate networks alike. DOP853's tableau carries its dense-output rows and no
    /// <see cref="BError"/> (its error estimate combines two embedded solutions inside <see cref="Ode.Solve"/>).
    /// </summary>
    public static ButcherTableau For(OdeMethod method) => method switch
    {
        OdeMethod.Euler => Euler,
        OdeMethod.Midpoint => Midpoint,
        OdeMethod.Rk4 => Rk4,
        OdeMethod.Dopri5 => Dopri5,
        OdeMethod.Dop853 => Dop853.Formula,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown OdeMethod: use Euler, Midpoint, Rk4, Dopri5 or Dop853."),
    };

    static void CheckSum(string name, double[] coefficients, double expected, string what)
    {
        double sum = 0, magnitude = 0;
        foreach (var x in coefficients) { sum += x; magnitude += Math.Abs(x); }
        if (Math.Abs(sum - expected) > 1e-14 * Math.Max(1, magnitude))
            throw new InvalidOperationException($"Inconsistent {name} tableau: {what} sums to {sum:R}, expected {expected:R}.");
    }

    /// <summary>Forward Euler, y₊ = y + h·f(y): order 1 (Euler 1768).</summary>
    public static ButcherTableau Euler { get; } = new("euler", 1, c: [0.0], a: [[]], b: [1.0]);

    /// <summary>Explicit midpoint rule, y₊ = y + h·f(y + h/2·f(y)): order 2 (Runge 1895).</summary>
    public static ButcherTableau Midpoint { get; } = new("midpoint", 2, c: [0.0, 0.5], a: [[], [0.5]], b: [0.0, 1.0]);

    /// <summary>The classical Runge–Kutta method, y₊ = y + h/6·(k₁ + 2k₂ + 2k₃ + k₄): order 4 (Kutta 1901).</summary>
    public static ButcherTableau Rk4 { get; } = new("rk4", 4,
        c: [0.0, 0.5, 0.5, 1.0],
        a: [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]],
        b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6]);

    static readonly double[] DormandPrinceFifth = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
    static readonly double[] DormandPrinceFourth = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40];

    /// <summary>Dormand–Prince 5(4): seven stages, first same as last, fifth-order solution with a fourth-order error estimate
    /// (Dormand &amp; Prince, "A family of embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6 (1980) 19–26).</summary>
    public static ButcherTableau Dopri5 { get; } = new("dopri5", 5,
        c: [0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0, 1.0],
        a: [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            DormandPrinceFifth[..6],
        ],
        b: DormandPrinceFifth,
        bError: DormandPrinceFifth.Zip(DormandPrinceFourth, (b, bHat) => b - bHat).ToArray());
}
