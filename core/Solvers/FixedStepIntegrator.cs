using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// Runs an explicit Runge–Kutta tableau (<see cref="RungeKuttaStepper"/>) on the grid tₖ = t0 + k·h (the last step shortened to end at t1). Requested
/// times within 10⁻⁹·h of a grid point get that grid state exactly; others the cubic Hermite interpolant
/// y(t + θh) = h₀₀y + h₁₀·h·f(y) + h₀₁y₊ + h₁₁·h·f(y₊) of the step around them.
/// </summary>
internal static class FixedStepIntegrator
{
    /// <summary>Relative distance (in steps) within which a requested time counts as a grid point.</summary>
    private const double GridSnap = 1e-9;

    /// <summary>Takes <paramref name="steps"/> steps of size <paramref name="step"/> from (t0, y0) to t1.</summary>
    public static OdeSolution Run(IVectorField field, ButcherTableau tableau, double[] initialState, double t0, double t1,
        double step, long steps, double[]? tEval)
    {
        int n = initialState.Length;
        var derivative = new FieldDerivative(field);
        var work = new double[RungeKuttaStepper.WorkspaceLength(tableau, n)];
        var start = work.AsSpan(0, n);   // f(y) at the start of the step: the stepper's first stage and the Hermite slope
        var y = (double[])initialState.Clone();
        var yNew = new double[n];
        var fNew = new double[n];
        var interpolated = new double[n];
        var output = tEval is null ? null : new OutputTimes(tEval);
        var trajectory = new Trajectory(n, output?.Count ?? (int)Math.Min(steps + 1, 1 << 20));
        double snap = GridSnap * step;

        field.Evaluate(y, start);
        long evaluations = 1;
        if (output is null) trajectory.Add(t0, y);
        else
            for (; output.HasAtOrBefore(t0 + snap); output.Advance()) trajectory.Add(output.Peek, y);

        for (long i = 0; i < steps; i++)
        {
            double t = t0 + i * step;
            double tNew = i == steps - 1 ? t1 : t0 + (i + 1) * step;
            double h = tNew - t;
            evaluations += RungeKuttaStepper.Step(ref derivative, tableau, y, h, work, yNew);
            if (!AdaptiveIntegrator.AllFinite(yNew))
                return trajectory.ToSolution(evaluations, i, 0, false,
                    $"The state became non-finite (NaN or infinity) at t = {tNew:R} after {i + 1} steps of {step:G6}: the solution " +
                    "blows up or the step is too large for stability. Try a smaller Step, an adaptive method, or end the span earlier.");

            bool last = i == steps - 1;
            bool interpolating = output is not null && output.HasAtOrBefore(tNew - snap);
            if (!last || interpolating)
            {
                field.Evaluate(yNew, fNew);
                evaluations++;
            }
            if (output is null) trajectory.Add(tNew, yNew);
            else
                for (; output.HasAtOrBefore(tNew + snap); output.Advance())
                {
                    double te = output.Peek;
                    if (Math.Abs(te - tNew) <= snap) trajectory.Add(te, yNew);
                    else
                    {
                        Hermite((te - t) / h, h, y, start, yNew, fNew, interpolated);
                        trajectory.Add(te, interpolated);
                    }
                }
            fNew.CopyTo(start);
            (y, yNew) = (yNew, y);
        }
        return trajectory.ToSolution(evaluations, steps, 0, true, "The solver reached the end of the integration interval.");
    }

    /// <summary>Cubic Hermite interpolation at t + θh between (y, f) and (y₊, f₊).</summary>
    private static void Hermite(double theta, double h, ReadOnlySpan<double> y, ReadOnlySpan<double> f,
        ReadOnlySpan<double> yNew, ReadOnlySpan<double> fNew, Span<double> result)
    {
        double t2 = theta * theta, t3 = t2 * theta;
        double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + theta, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
        for (int i = 0; i < y.Length; i++)
            result[i] = h00 * y[i] + h10 * h * f[i] + h01 * yNew[i] + h11 * h * fNew[i];
    }
}
