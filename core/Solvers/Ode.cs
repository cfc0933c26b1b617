using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>Initial-value problems dy/dt = f(y), y(t0) = y0, solved in double precision by explicit Runge–Kutta methods.</summary>
public static class Ode
{
    /// <summary>
    /// Integrates the field from <paramref name="initialState"/> at <paramref name="t0"/> to <paramref name="t1"/> with the
    /// method and settings of <paramref name="options"/> (default: Dopri5, rtol 1e-3, atol 1e-6, every step reported).
    /// Bad arguments throw <see cref="ArgumentException"/>; a failed integration (step underflow, step budget,
    /// non-finite state) returns a solution with Success = false and a message saying where and what to try.
    /// </summary>
    public static OdeSolution Solve(IVectorField field, double[] initialState, double t0, double t1, OdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(initialState);
        options ??= new OdeOptions();
        Guard.Dimension(field, initialState, nameof(initialState));
        Guard.Finite(t0, nameof(t0));
        Guard.Finite(t1, nameof(t1));
        if (t1 <= t0)
            throw new ArgumentException($"t1 = {t1:R} must be greater than t0 = {t0:R}; integration runs forward in time.", nameof(t1));
        CheckOutputTimes(options.TEval, t0, t1);
        if (options.MaxSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSteps, "MaxSteps must be at least 1.");

        return options.Method switch
        {
            OdeMethod.Dopri5 => Adaptive(field, new Dopri5(field), initialState, t0, t1, options),
            OdeMethod.Dop853 => Adaptive(field, new Dop853(field), initialState, t0, t1, options),
            _ => FixedStep(field, ButcherTableau.For(options.Method), initialState, t0, t1, options),
        };
    }

    private static OdeSolution FixedStep(IVectorField field, ButcherTableau tableau, double[] y0, double t0, double t1, OdeOptions options)
    {
        if (options.Step is not double step)
            throw new ArgumentException($"{options.Method} is a fixed-step method: set OdeOptions.Step (for example Step = 0.01).", nameof(options));
        if (!double.IsFinite(step) || step <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), step, "OdeOptions.Step must be a finite number > 0.");
        if (options.FirstStep is not null)
            throw new ArgumentException($"FirstStep applies to the adaptive methods; {options.Method} uses Step only.", nameof(options));
        double count = Math.Max(1, Math.Ceiling((t1 - t0) / step - 1e-9));
        if (count > options.MaxSteps)
            throw new ArgumentException(
                $"Step = {step:R} over [{t0:R}, {t1:R}] needs {count:0} steps, more than MaxSteps = {options.MaxSteps}: raise MaxSteps or use a larger Step.",
                nameof(options));
        return FixedStepIntegrator.Run(field, tableau, y0, t0, t1, step, (long)count, options.TEval);
    }

    private static OdeSolution Adaptive(IVectorField field, EmbeddedPair pair, double[] y0, double t0, double t1, OdeOptions options)
    {
        Guard.Positive(options.Rtol, "Rtol");
        Guard.Positive(options.Atol, "Atol");
        if (options.Rtol < 100 * MachineEpsilon)
            throw new ArgumentOutOfRangeException(nameof(options), options.Rtol,
                $"Rtol = {options.Rtol:G3} is below 100·ε = {100 * MachineEpsilon:G3}, which double precision cannot deliver; use Rtol ≥ 1e-13.");
        if (options.Step is not null)
            throw new ArgumentException($"Step sets the fixed step of Euler, Midpoint and Rk4; {options.Method} is adaptive: set Rtol/Atol (and FirstStep or MaxStep if needed).", nameof(options));
        if (double.IsNaN(options.MaxStep) || options.MaxStep <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxStep, "MaxStep must be > 0 (default: unbounded).");
        if (options.FirstStep is double first && (!double.IsFinite(first) || first <= 0 || first > t1 - t0))
            throw new ArgumentOutOfRangeException(nameof(options), first, $"FirstStep must be > 0 and at most the span t1 − t0 = {t1 - t0:R}.");
        return AdaptiveIntegrator.Run(field, pair, y0, t0, t1, options);
    }

    /// <summary>Machine epsilon of double, 2⁻⁵².</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private static void CheckOutputTimes(double[]? times, double t0, double t1)
    {
        if (times is null) return;
        if (times.Length == 0)
            throw new ArgumentException("TEval is empty: give at least one output time, or null to report every step.", "TEval");
        for (int i = 0; i < times.Length; i++)
        {
            double t = times[i];
            if (!(t >= t0 && t <= t1))
                throw new ArgumentException($"TEval[{i}] = {t:R} lies outside [t0, t1] = [{t0:R}, {t1:R}]; every output time must be inside the span.", "TEval");
            if (i > 0 && t <= times[i - 1])
                throw new ArgumentException($"TEval is not strictly increasing: TEval[{i}] = {t:R} follows TEval[{i - 1}] = {times[i - 1]:R}; sort it and drop duplicates.", "TEval");
        }
    }
}
