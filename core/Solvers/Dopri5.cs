using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// Dormand–Prince 5(4) (<see cref="ButcherTableau.Dopri5"/>): six stages plus f(y₊) (first same as last), the 5th-order solution propagated and the
/// 4th-order one used for the error, with Shampine's quartic dense output — the formulas of scipy's RK45.
/// Dormand &amp; Prince, "A family of embedded Runge–Kutta formulae", J. Comput. Appl. Math. 6 (1980) 19–26;
/// Shampine, "Some practical Runge–Kutta formulas", Math. Comp. 46 (1986) 135–150.
/// </summary>
internal sealed class Dopri5 : EmbeddedPair
{
    /// <summary>Dense output: y(t + θh) = y + h·Σⱼ kⱼ·Σₘ Pⱼₘ θ^(m+1), j over the seven stage rows, m = 0..3, stored row-major (Shampine's optimal c₆ variant).</summary>
    private static readonly double[] P =
    [
        1.0, -8048581381.0 / 2820520608, 8663915743.0 / 2820520608, -12715105075.0 / 11282082432,
        0.0, 0.0, 0.0, 0.0,
        0.0, 131558114200.0 / 32700410799, -68118460800.0 / 10900136933, 87487479700.0 / 32700410799,
        0.0, -1754552775.0 / 470086768, 14199869525.0 / 1410260304, -10690763975.0 / 1880347072,
        0.0, 127303824393.0 / 49829197408, -318862633887.0 / 49829197408, 701980252875.0 / 199316789632,
        0.0, -282668133.0 / 205662961, 2019193451.0 / 616988883, -1453857185.0 / 822651844,
        0.0, 40617522.0 / 29380423, -110615467.0 / 29380423, 69997945.0 / 29380423,
    ];

    private readonly double[] q;
    private double denseStep;

    /// <summary>Buffers for one solve of the given field.</summary>
    public Dopri5(IVectorField field) : base(field, ButcherTableau.Dopri5, ButcherTableau.Dopri5.Stages) => q = new double[field.Dimension * 4];

    /// <inheritdoc/>
    public override int ErrorEstimatorOrder => 4;

    /// <inheritdoc/>
    public override double ErrorNorm(ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double h, double rtol, double atol)
    {
        int n = N;
        var e = Tableau.BError!;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double err = 0;
            for (int j = 0; j < e.Length; j++) err += e[j] * K[j * n + i];
            double scale = atol + rtol * Math.Max(Math.Abs(y[i]), Math.Abs(yNew[i]));
            double r = h * err / scale;
            sum += r * r;
        }
        return Math.Sqrt(sum / n);
    }

    /// <inheritdoc/>
    public override int PrepareDenseOutput(ReadOnlySpan<double> y, ReadOnlySpan<double> yNew, double h)
    {
        int n = N;
        for (int i = 0; i < n; i++)
            for (int m = 0; m < 4; m++)
            {
                double sum = 0;
                for (int j = 0; j < 7; j++) sum += K[j * n + i] * P[j * 4 + m];
                q[i * 4 + m] = sum;
            }
        denseStep = h;
        return 0;
    }

    /// <inheritdoc/>
    public override void Interpolate(double theta, ReadOnlySpan<double> y, Span<double> result)
    {
        for (int i = 0; i < N; i++)
        {
            int o = i * 4;
            double poly = theta * (q[o] + theta * (q[o + 1] + theta * (q[o + 2] + theta * q[o + 3])));
            result[i] = y[i] + denseStep * poly;
        }
    }
}
