using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>A scalar event function g(x) along a trajectory, with its rate of change dg/dt = ∇g·f(x); events are its zeros.</summary>
internal interface IEventFunction
{
    /// <summary>g at state x, given f(x).</summary>
    double Value(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative);
    /// <summary>dg/dt = ∇g(x)·f(x) at state x, given f(x).</summary>
    double Rate(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative);
}

/// <summary>g(x) = n·x − c: crossings of a hyperplane.</summary>
internal sealed class HyperplaneEvent(Hyperplane plane) : IEventFunction
{
    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative) => SpanMath.Dot(plane.Normal, state) - plane.Offset;
    /// <inheritdoc/>
    public double Rate(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative) => SpanMath.Dot(plane.Normal, derivative);
}

/// <summary>g(x) = f_i(x), falling through zero at a maximum of x_i; dg/dt = Σ_j J_ij f_j.</summary>
internal sealed class MaximumEvent(IVectorField field, int coordinate) : IEventFunction
{
    private readonly double[] jacobian = new double[field.Dimension * field.Dimension];

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative) => derivative[coordinate];
    /// <inheritdoc/>
    public double Rate(ReadOnlySpan<double> state, ReadOnlySpan<double> derivative)
    {
        int n = field.Dimension;
        field.Jacobian(state, jacobian);
        return SpanMath.Dot(jacobian.AsSpan(coordinate * n, n), derivative);
    }
}

/// <summary>
/// Finds the zeros of an event function along a trajectory. The trajectory is integrated by an adaptive solver; a sign change
/// of g between the ends of an accepted step is first located on the cubic Hermite interpolant through the states and
/// derivatives at the step's ends (regula falsi, Illinois variant), then refined by Newton's method on t, Δt = −g/(dg/dt),
/// each g from a short re-integration from the step's start at a tight tolerance, kept inside the step's bracket (bisection
/// when Newton leaves it). The event time is thus accurate to the re-integration's tolerance, not to the step size
/// (Hairer, Nørsett &amp; Wanner, "Solving ODEs I", §II.6, dense output and event location).
/// </summary>
internal static class EventScan
{
    /// <summary>Length of one integration chunk: the trajectory is integrated piecewise so that memory stays bounded.</summary>
    private const double ChunkTime = 20;

    /// <summary>Steps allowed per chunk: a bound on the time one chunk can take whatever the system does.</summary>
    private const long StepBudget = 10_000_000;

    /// <summary>Runs the scan from <paramref name="initialState"/> at t = 0; <paramref name="recorded"/> picks the value stored per event.</summary>
    public static SectionResult Run(IVectorField system, double[] initialState, IEventFunction g, CrossingDirection direction,
        SectionOptions options, Func<double[], double> recorded)
    {
        var field = new FieldWatch(system);
        int n = field.Dimension;
        var trajectoryOptions = new OdeOptions { Method = options.Method, Rtol = options.Rtol, Atol = options.Atol, MaxSteps = StepBudget };
        var times = new List<double>();
        var states = new List<double[]>();
        var x = (double[])initialState.Clone();
        double t = 0;
        if (!system.Evaluate(x).All(double.IsFinite))
            return Pack(times, states, recorded, false, "The system returned a non-finite value (NaN or infinity) at the initial state: check the system and the initial state.");
        if (options.Transient > 0)
        {
            var transient = Ode.Solve(field, x, 0, options.Transient, trajectoryOptions with { TEval = [options.Transient] });
            if (!transient.Success) return Pack(times, states, recorded, false, $"The transient failed: {transient.Message}{field.Diagnosis()}");
            x = transient.State(0);
            t = options.Transient;
        }
        double end = options.Transient + options.MaxTime;
        var locator = new Locator(field, g, options.RefineTolerance);
        double[] fa = new double[n], fb = new double[n];
        while (t < end)
        {
            double chunkEnd = Math.Min(t + ChunkTime, end);
            var solution = Ode.Solve(field, x, t, chunkEnd, trajectoryOptions);
            int rows = solution.Times.Length;
            var xa = solution.State(0);
            field.Evaluate(xa, fa);
            double ga = g.Value(xa, fa);
            for (int k = 1; k < rows; k++)
            {
                var xb = solution.State(k);
                field.Evaluate(xb, fb);
                double gb = g.Value(xb, fb);
                if (!double.IsFinite(ga) || !double.IsFinite(gb) || !fb.All(double.IsFinite))
                    return Pack(times, states, recorded, false,
                        $"The system returned a non-finite value (NaN or infinity) near t = {solution.Times[k]:R} after {times.Count} events: check the system and the initial state.");
                if (Counts(ga, gb, direction))
                {
                    var (te, xe) = locator.Locate(solution.Times[k - 1], xa, fa, ga, solution.Times[k], xb, fb, gb);
                    if (xe is null)
                        return Pack(times, states, recorded, false, $"An event near t = {te:R} could not be refined: the re-integration failed there.{field.Diagnosis()}");
                    times.Add(te);
                    states.Add(xe);
                    if (times.Count == options.MaxEvents)
                        return Pack(times, states, recorded, true, $"Found the requested {options.MaxEvents} events.");
                }
                (xa, ga) = (xb, gb);
                (fa, fb) = (fb, fa);
            }
            if (!solution.Success)
                return Pack(times, states, recorded, false, $"The integration stopped after {times.Count} events: {solution.Message}{field.Diagnosis()}");
            x = xa;
            t = chunkEnd;
        }
        return Pack(times, states, recorded, false,
            $"Only {times.Count} of {options.MaxEvents} events in MaxTime = {options.MaxTime:R} time units after the transient: the trajectory " +
            (times.Count == 0 ? "never reached the section (or has no such event); check the section against the attractor's extent." :
                "meets it rarely or stopped meeting it (e.g. it settled on an equilibrium); raise MaxTime or lower MaxEvents."));
    }

    /// <summary>True when g changes sign from <paramref name="ga"/> to <paramref name="gb"/> in a direction that counts.</summary>
    private static bool Counts(double ga, double gb, CrossingDirection direction) => direction switch
    {
        CrossingDirection.Increasing => ga < 0 && gb >= 0,
        CrossingDirection.Decreasing => ga > 0 && gb <= 0,
        _ => (ga < 0 && gb >= 0) || (ga > 0 && gb <= 0),
    };

    private static SectionResult Pack(List<double> times, List<double[]> states, Func<double[], double> recorded, bool complete, string message)
    {
        int count = times.Count, n = count == 0 ? 0 : states[0].Length;
        var matrix = new double[count, n];
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < n; j++) matrix[i, j] = states[i][j];
            values[i] = recorded(states[i]);
        }
        return new SectionResult([.. times], matrix, values, complete, message);
    }

    /// <summary>Locates one event inside a step, with its buffers.</summary>
    private sealed class Locator(IVectorField field, IEventFunction g, double tolerance)
    {
        private readonly double[] p = new double[field.Dimension];
        private readonly double[] fp = new double[field.Dimension];
        private readonly OdeOptions refine = new() { Method = OdeMethod.Dop853, Rtol = tolerance, Atol = tolerance, MaxSteps = 100_000 };

        /// <summary>The event time (in [ta, tb], or just past tb where the tight re-integration crosses a little later) and the state there (null if a re-integration failed).</summary>
        public (double Time, double[]? State) Locate(double ta, double[] xa, double[] fa, double ga, double tb, double[] xb, double[] fb, double gb)
        {
            double h = tb - ta;
            double theta = HermiteRoot(xa, fa, ga, xb, fb, gb, h);
            double lo = ta, hi = tb, t = ta + theta * h;
            bool loNegative = ga < 0;
            double[]? state = null;
            for (int iteration = 0; iteration < 12; iteration++)
            {
                if (t <= ta) { t = ta; state = (double[])xa.Clone(); }
                else
                {
                    var s = Ode.Solve(field, xa, ta, t, refine with { TEval = [t], FirstStep = t - ta });
                    if (!s.Success) return (t, null);
                    state = s.State(0);
                }
                field.Evaluate(state, fp);
                double value = g.Value(state, fp);
                if (value == 0) break;
                if ((value < 0) == loNegative) lo = t; else hi = t;
                // Newton may step a little past the step's end: the tight re-integration need not change sign exactly where the trajectory did
                double next = t - value / g.Rate(state, fp);
                if (!(next >= ta && next <= tb + 0.5 * h && Math.Abs(next - t) <= 0.5 * h)) next = 0.5 * (lo + hi);
                if (Math.Abs(next - t) <= 1e-15 * Math.Max(1, Math.Abs(t))) break;
                t = next;
            }
            return (t, state);
        }

        /// <summary>θ ∈ [0, 1] where g vanishes on the cubic Hermite interpolant of the step, by regula falsi (Illinois) on g(p(θ)).</summary>
        private double HermiteRoot(double[] xa, double[] fa, double ga, double[] xb, double[] fb, double gb, double h)
        {
            double a = 0, b = 1, gA = ga, gB = gb;
            int side = 0;
            double theta = 0.5;
            for (int iteration = 0; iteration < 60 && b - a > 1e-13; iteration++)
            {
                theta = (a * gB - b * gA) / (gB - gA);
                if (!(theta > a && theta < b)) theta = 0.5 * (a + b);
                double value = ValueAt(theta, xa, fa, xb, fb, h);
                if (value == 0 || !double.IsFinite(value)) break;
                if ((value < 0) == (gA < 0))
                {
                    (a, gA) = (theta, value);
                    if (side == -1) gB *= 0.5;
                    side = -1;
                }
                else
                {
                    (b, gB) = (theta, value);
                    if (side == 1) gA *= 0.5;
                    side = 1;
                }
            }
            return theta;
        }

        /// <summary>g at the Hermite interpolant p(θ) = h00·xa + h10·h·fa + h01·xb + h11·h·fb, with f evaluated there.</summary>
        private double ValueAt(double theta, double[] xa, double[] fa, double[] xb, double[] fb, double h)
        {
            double t2 = theta * theta, t3 = t2 * theta;
            double h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + theta, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
            for (int i = 0; i < p.Length; i++) p[i] = h00 * xa[i] + h10 * h * fa[i] + h01 * xb[i] + h11 * h * fb[i];
            field.Evaluate(p, fp);
            return g.Value(p, fp);
        }
    }
}
