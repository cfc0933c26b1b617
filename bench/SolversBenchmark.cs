using System.Diagnostics;
using System.Runtime.InteropServices;
using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Bench;

/// <summary>
/// The tutorial's data generation — Lorenz-63 from (1, 1, 1) over 210 time units, reported every 0.01, at
/// rtol 1e-10, atol 1e-6 — with each adaptive method, against scipy's solve_ivp RK45 on this machine
/// (about 0.5 s and 84,000 evaluations); plus raw stepping rates of RK4 and Dopri5 on Lorenz.
/// Each figure is the median of 15 runs after 40 untimed ones (tiered JIT settles by then). Wall time and the thread's
/// CPU time are both reported; the goal is judged on CPU time because the machine's two cores are shared, so wall time
/// also counts the time spent waiting for a core.
/// </summary>
public sealed class SolversBenchmark : IBenchmark
{
    private const double Span = 210, Rtol = 1e-10, Atol = 1e-6;
    private const double ScipySeconds = 0.5;
    private const long ScipyEvaluations = 84_000;
    private const double GoalSeconds = ScipySeconds / 50;
    private const int WarmUps = 40, Runs = 15;

    /// <inheritdoc/>
    public string Name => "solvers";

    /// <summary>One method's run of the tutorial's data generation.</summary>
    /// <param name="Method">Integration method.</param>
    /// <param name="Rtol">Relative tolerance.</param>
    /// <param name="Atol">Absolute tolerance.</param>
    /// <param name="Seconds">Median wall time of one solve over 210 time units with 21,001 output times.</param>
    /// <param name="CpuSeconds">Median CPU time of the solving thread for the same solve.</param>
    /// <param name="Nfev">Evaluations of the vector field in that solve.</param>
    /// <param name="AcceptedSteps">Steps taken.</param>
    /// <param name="RejectedSteps">Steps rejected by the error control.</param>
    /// <param name="AccuracyT10">Largest component difference at t = 10 from DOP853 at rtol = atol = 1e-13 (chaos makes t = 210 meaningless).</param>
    /// <param name="SpeedupVsScipy">scipy's 0.5 s divided by <paramref name="CpuSeconds"/>.</param>
    /// <param name="MeetsGoal">At most 10 ms of CPU time, at most scipy's evaluations, and accuracy at t = 10 no worse than Dopri5's (scipy's RK45 algorithm).</param>
    public sealed record MethodRun(string Method, double Rtol, double Atol, double Seconds, double CpuSeconds, long Nfev, long AcceptedSteps,
        long RejectedSteps, double AccuracyT10, double SpeedupVsScipy, bool MeetsGoal);

    /// <summary>Figures written to out/bench/solvers.json.</summary>
    /// <param name="TutorialData">The fastest run that meets the goal (else the fastest run).</param>
    /// <param name="TutorialDataByMethod">Every adaptive method's run.</param>
    /// <param name="GoalMetBy">Methods that meet the goal.</param>
    /// <param name="Rk4StepsPerSecond">RK4 steps per CPU second on Lorenz at step 0.01, every state stored.</param>
    /// <param name="Dopri5StepsPerSecond">Dopri5 accepted steps per CPU second on Lorenz at rtol 1e-10, atol 1e-6, every step stored.</param>
    /// <param name="LoadAverage">The machine's one-minute load average when the benchmark ended (2 cores).</param>
    /// <param name="ScipyRk45Seconds">The reference: scipy's solve_ivp RK45 time for the tutorial data.</param>
    /// <param name="ScipyRk45Nfev">The reference: scipy's evaluations for the tutorial data.</param>
    public sealed record Figures(MethodRun TutorialData, MethodRun[] TutorialDataByMethod, string[] GoalMetBy,
        double Rk4StepsPerSecond, double Dopri5StepsPerSecond, double ScipyRk45Seconds, long ScipyRk45Nfev, double LoadAverage);

    /// <inheritdoc/>
    public object Run()
    {
        var lorenz = new Lorenz63();
        double[] start = [1, 1, 1];
        var outputTimes = new double[21_001];
        for (int i = 0; i < outputTimes.Length; i++) outputTimes[i] = i / 100.0;

        var reference = Ode.Solve(lorenz, start, 0, 10, new OdeOptions { Method = OdeMethod.Dop853, Rtol = 1e-13, Atol = 1e-13 }).EnsureSuccess();
        var runs = new List<(OdeMethod Method, Timing Time, OdeSolution Solution, double Accuracy)>();
        foreach (var method in new[] { OdeMethod.Dopri5, OdeMethod.Dop853 })
        {
            var options = new OdeOptions { Method = method, Rtol = Rtol, Atol = Atol, TEval = outputTimes };
            var (time, solution) = Median(() => Ode.Solve(lorenz, start, 0, Span, options).EnsureSuccess());
            var atTen = Ode.Solve(lorenz, start, 0, 10, options with { TEval = null }).EnsureSuccess();
            double accuracy = MaxDifferenceAtEnd(atTen, reference);
            runs.Add((method, time, solution, accuracy));
            Console.WriteLine($"{method,-7} tutorial data: {time.Cpu * 1e3:F2} ms CPU, {time.Wall * 1e3:F2} ms wall (scipy RK45 {ScipySeconds * 1e3:F0} ms, x{ScipySeconds / time.Cpu:F0}), " +
                $"nfev {solution.FunctionEvaluations} (scipy {ScipyEvaluations}), steps {solution.AcceptedSteps} + {solution.RejectedSteps} rejected, " +
                $"|error| at t=10 {accuracy:G3}");
        }
        double dopri5Accuracy = runs.First(r => r.Method == OdeMethod.Dopri5).Accuracy;
        var records = runs.Select(r => new MethodRun(r.Method.ToString(), Rtol, Atol, r.Time.Wall, r.Time.Cpu, r.Solution.FunctionEvaluations,
            r.Solution.AcceptedSteps, r.Solution.RejectedSteps, r.Accuracy, ScipySeconds / r.Time.Cpu,
            r.Time.Cpu <= GoalSeconds && r.Solution.FunctionEvaluations <= ScipyEvaluations && r.Accuracy <= dopri5Accuracy)).ToArray();
        var meeting = records.Where(r => r.MeetsGoal).ToArray();
        var chosen = (meeting.Length > 0 ? meeting : records).MinBy(r => r.CpuSeconds)!;
        Console.WriteLine($"goal (<= {GoalSeconds * 1e3:F0} ms CPU, nfev <= {ScipyEvaluations}, accuracy at t=10 no worse than Dopri5) met by: " +
            (meeting.Length > 0 ? string.Join(", ", meeting.Select(r => r.Method)) : "none"));

        var (rk4Time, rk4) = Median(() => Ode.Solve(lorenz, start, 0, Span, new OdeOptions { Method = OdeMethod.Rk4, Step = 0.01 }).EnsureSuccess());
        var (dopriTime, dopri) = Median(() => Ode.Solve(lorenz, start, 0, Span, new OdeOptions { Rtol = Rtol, Atol = Atol }).EnsureSuccess());
        double rk4Rate = rk4.AcceptedSteps / rk4Time.Cpu, dopriRate = dopri.AcceptedSteps / dopriTime.Cpu;
        Console.WriteLine($"RK4 (step 0.01): {rk4Rate:G3} steps/s; Dopri5 (rtol 1e-10, atol 1e-6): {dopriRate:G3} steps/s");

        double load = LoadAverage();
        Console.WriteLine($"load average {load:F1} on {Environment.ProcessorCount} cores");
        return new Figures(chosen, records, meeting.Select(r => r.Method).ToArray(), rk4Rate, dopriRate, ScipySeconds, ScipyEvaluations, load);
    }

    /// <summary>Median wall and thread-CPU seconds of one run.</summary>
    private readonly record struct Timing(double Wall, double Cpu);

    /// <summary>Medians over <see cref="Runs"/> timed runs after <see cref="WarmUps"/> untimed ones, and the last result.</summary>
    private static (Timing Time, OdeSolution Solution) Median(Func<OdeSolution> solve)
    {
        OdeSolution solution = solve();
        for (int i = 1; i < WarmUps; i++) solution = solve();
        var wall = new double[Runs];
        var cpu = new double[Runs];
        for (int i = 0; i < Runs; i++)
        {
            double cpuStart = ThreadCpuSeconds();
            var clock = Stopwatch.StartNew();
            solution = solve();
            wall[i] = clock.Elapsed.TotalSeconds;
            cpu[i] = ThreadCpuSeconds() - cpuStart;
        }
        Array.Sort(wall);
        Array.Sort(cpu);
        return (new Timing(wall[Runs / 2], cpu[Runs / 2]), solution);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID, nanosecond resolution).</summary>
    private static double ThreadCpuSeconds()
    {
        const int ThreadCpuClock = 3;
        if (ClockGetTime(ThreadCpuClock, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }

    /// <summary>One-minute load average from /proc/loadavg (NaN where there is none).</summary>
    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;

    private static double MaxDifferenceAtEnd(OdeSolution a, OdeSolution b)
    {
        int ia = a.Times.Length - 1, ib = b.Times.Length - 1, n = a.States.GetLength(1);
        double max = 0;
        for (int i = 0; i < n; i++) max = Math.Max(max, Math.Abs(a.States[ia, i] - b.States[ib, i]));
        return max;
    }
}
