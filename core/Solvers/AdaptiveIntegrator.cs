using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// Adaptive integration with an embedded pair: each tried step's error norm goes to the shared <see cref="StepSizeController"/>
/// (scipy's solve_ivp rule, Hairer, Nørsett &amp; Wanner, "Solving ODEs I", §II.4), which accepts or rejects it and scales the
/// next step; the step underflows when it falls below 10 ulp of t.
/// </summary>
internal static class AdaptiveIntegrator
{
    /// <summary>Integrates from (t0, y0) to t1 with the given pair and validated options.</summary>
    public static OdeSolution Run(IVectorField field, EmbeddedPair pair, double[] initialState, double t0, double t1, OdeOptions options)
    {
        int n = initialState.Length;
        double rtol = options.Rtol, atol = options.Atol, maxStep = options.MaxStep;
        var y = (double[])initialState.Clone();
        var yNew = new double[n];
        var interpolated = new double[n];
        var output = options.TEval is null ? null : new OutputTimes(options.TEval);
        var trajectory = new Trajectory(n, output?.Count ?? 1024);
        long evaluations = 0, accepted = 0, rejected = 0;

        var controller = new StepSizeController(pair.ErrorEstimatorOrder);
        field.Evaluate(y, pair.StartDerivative);
        evaluations++;
        double hAbs;
        if (options.FirstStep is double first)
            hAbs = first;
        else
        {
            hAbs = InitialStep(controller, field, y, pair.StartDerivative, t1 - t0, rtol, atol, maxStep, yNew, interpolated);
            evaluations++;
        }

        if (output is null) trajectory.Add(t0, y);
        else
            for (; output.HasAtOrBefore(t0); output.Advance()) trajectory.Add(output.Peek, y);

        double t = t0;
        while (t < t1)
        {
            double minStep = 10 * (Math.BitIncrement(t) - t);
            hAbs = Math.Max(Math.Min(hAbs, maxStep), minStep);
            bool retried = false;
            double h, tNew;
            while (true)
            {
                if (hAbs < minStep)
                    return trajectory.ToSolution(evaluations, accepted, rejected, false,
                        $"Step size underflow at t = {t:R}: the step fell to {hAbs:G3}, below 10 ulp of t. The solution may blow up " +
                        "near this time or the problem may be stiff: check the system, end the span before this time, or loosen Rtol/Atol.");
                if (accepted + rejected >= options.MaxSteps)
                    return trajectory.ToSolution(evaluations, accepted, rejected, false,
                        $"Step budget exhausted: MaxSteps = {options.MaxSteps} steps (accepted and rejected) reached at t = {t:R} of [{t0:R}, {t1:R}]. " +
                        GrowthNote(initialState, y) + "Raise MaxSteps, loosen Rtol/Atol, or shorten the span.");
                tNew = Math.Min(t + hAbs, t1);
                h = tNew - t;
                hAbs = h;
                evaluations += pair.Attempt(y, h, yNew);
                var decision = controller.Decide(pair.ErrorNorm(y, yNew, h, rtol, atol), retried);
                hAbs *= decision.Factor;
                if (decision.Accepted) break;
                retried = true;
                rejected++;
            }
            accepted++;
            if (!AllFinite(yNew))
                return trajectory.ToSolution(evaluations, accepted, rejected, false,
                    $"The state became non-finite (NaN or infinity) at t = {tNew:R}: the solution blows up or the system returned NaN. " +
                    "End the span before this time, or check the system and the initial state.");

            if (output is null) trajectory.Add(tNew, yNew);
            else
            {
                bool prepared = false;
                for (; output.HasAtOrBefore(tNew); output.Advance())
                {
                    double te = output.Peek;
                    if (te == tNew) { trajectory.Add(te, yNew); continue; }
                    if (!prepared) { evaluations += pair.PrepareDenseOutput(y, yNew, h); prepared = true; }
                    pair.Interpolate((te - t) / h, y, interpolated);
                    trajectory.Add(te, interpolated);
                }
            }
            pair.Advance();
            (y, yNew) = (yNew, y);
            t = tNew;
        }
        return trajectory.ToSolution(evaluations, accepted, rejected, true, "The solver reached the end of the integration interval.");
    }

    /// <summary>
    /// Hairer's initial step (scipy's select_initial_step, <see cref="StepSizeController.ProbeStep"/> and
    /// <see cref="StepSizeController.InitialStep"/>): one Euler probe of size h₀ measures how fast f changes; norms RMS scaled by atol + rtol·|y₀|.
    /// </summary>
    private static double InitialStep(StepSizeController controller, IVectorField field, ReadOnlySpan<double> y0, ReadOnlySpan<double> f0,
        double span, double rtol, double atol, double maxStep, Span<double> probe, Span<double> f1)
    {
        int n = y0.Length;
        double d0 = 0, d1 = 0;
        for (int i = 0; i < n; i++)
        {
            double scale = atol + Math.Abs(y0[i]) * rtol;
            d0 += (y0[i] / scale) * (y0[i] / scale);
            d1 += (f0[i] / scale) * (f0[i] / scale);
        }
        d0 = Math.Sqrt(d0 / n);
        d1 = Math.Sqrt(d1 / n);
        double h0 = StepSizeController.ProbeStep(d0, d1, span);
        for (int i = 0; i < n; i++) probe[i] = y0[i] + h0 * f0[i];
        field.Evaluate(probe, f1);
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double r = (f1[i] - f0[i]) / (atol + Math.Abs(y0[i]) * rtol);
            d2 += r * r;
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        return controller.InitialStep(h0, d1, d2, span, maxStep);
    }

    /// <summary>A warning when max|y| has grown more than a thousandfold over max(max|y₀|, 1): a blow-up, which no step budget cures.</summary>
    private static string GrowthNote(ReadOnlySpan<double> y0, ReadOnlySpan<double> y)
    {
        double start = Math.Max(1, MaxAbs(y0)), now = MaxAbs(y);
        return now > 1e3 * start
            ? $"The state grew from max|y| = {start:G3} to {now:G3}: the solution appears to blow up, which no step budget cures; check the system's parameters and the initial state. "
            : "";

        static double MaxAbs(ReadOnlySpan<double> v)
        {
            double m = 0;
            foreach (var x in v) m = Math.Max(m, Math.Abs(x));
            return m;
        }
    }

    /// <summary>True when every entry is finite.</summary>
    internal static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
