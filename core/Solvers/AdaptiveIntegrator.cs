using NeuroDyn.Systems;

namespace NeuroDyn.Solvers;

/// <summary>
/// Step-size control shared by the embedded pairs, as scipy's solve_ivp does it: error norm below 1 accepts; the next
/// step is h·min(10, 0.9·err^(−1/(q+1))) after an acceptance (never larger right after a rejection) and
/// h·max(0.2, 0.9·err^(−1/(q+1))) after a rejection, q the order of the error estimator; the step underflows when it
/// falls below 10 ulp of t. Hairer, Nørsett &amp; Wanner, "Solving ODEs I", §II.4.
/// </summary>
internal static class AdaptiveIntegrator
{
    private const double Safety = 0.9;
    private const double MinFactor = 0.2;
    private const double MaxFactor = 10;

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

        field.Evaluate(y, pair.StartDerivative);
        evaluations++;
        double hAbs;
        if (options.FirstStep is double first)
            hAbs = first;
        else
        {
            hAbs = InitialStep(field, y, pair.StartDerivative, t1 - t0, pair.ErrorEstimatorOrder, rtol, atol, maxStep, yNew, interpolated);
            evaluations++;
        }
        double exponent = -1.0 / (pair.ErrorEstimatorOrder + 1);

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
                double error = pair.ErrorNorm(y, yNew, h, rtol, atol);
                if (error < 1)
                {
                    double factor = error == 0 ? MaxFactor : Math.Min(MaxFactor, Safety * Math.Pow(error, exponent));
                    hAbs *= retried ? Math.Min(1, factor) : factor;
                    break;
                }
                // NaN error (a non-finite stage) shrinks like the worst rejection: the step was too large to evaluate.
                hAbs *= double.IsNaN(error) ? MinFactor : Math.Max(MinFactor, Safety * Math.Pow(error, exponent));
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
    /// Hairer's initial step (scipy's select_initial_step): h₀ = 0.01·‖y₀‖/‖f₀‖ (or 10⁻⁶), one Euler probe gives
    /// ‖f′‖ ≈ ‖f(y₀+h₀f₀) − f₀‖/h₀, and h = min(100h₀, (0.01/max(‖f₀‖, ‖f′‖))^(1/(q+1)), span, MaxStep), norms RMS scaled by atol + rtol·|y₀|.
    /// </summary>
    private static double InitialStep(IVectorField field, ReadOnlySpan<double> y0, ReadOnlySpan<double> f0, double span, int order,
        double rtol, double atol, double maxStep, Span<double> probe, Span<double> f1)
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
        double h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.Min(h0, span);
        for (int i = 0; i < n; i++) probe[i] = y0[i] + h0 * f0[i];
        field.Evaluate(probe, f1);
        double d2 = 0;
        for (int i = 0; i < n; i++)
        {
            double r = (f1[i] - f0[i]) / (atol + Math.Abs(y0[i]) * rtol);
            d2 += r * r;
        }
        d2 = Math.Sqrt(d2 / n) / h0;
        double h1 = d1 <= 1e-15 && d2 <= 1e-15
            ? Math.Max(1e-6, h0 * 1e-3)
            : Math.Pow(0.01 / Math.Max(d1, d2), 1.0 / (order + 1));
        double h = Math.Min(Math.Min(100 * h0, h1), Math.Min(span, maxStep));
        return double.IsNaN(h) ? Math.Min(h0, maxStep) : h; // a non-finite probe leaves the cautious h₀

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
