using System.Runtime.CompilerServices;

namespace NeuroDyn.Solvers;

/// <summary>
/// One explicit Runge–Kutta step kᵢ = g(y + h·Σⱼ aᵢⱼkⱼ), y₊ = y + h·Σᵢ bᵢkᵢ on double vectors, allocation-free and generic over
/// the right-hand side (a struct <see cref="IFlatDerivative"/>, so the JIT compiles it per system): the stepper of the
/// fixed-step solvers (<see cref="Ode.Solve"/>) and of the analyses (trajectories, the tangent flow of the Lyapunov spectrum).
/// The classical RK4 tableau takes a straight-line path: its stage arguments y + (h/2)k₁, y + (h/2)k₂, y + h·k₃ and
/// <see cref="RungeKuttaStages.ClassicalRk4Update"/>, in SIMD registers; any other tableau the general stage loop.
/// </summary>
internal static class RungeKuttaStepper
{
    /// <summary>Scratch a step needs for a state of length m: one row per stage and one stage argument.</summary>
    public static int WorkspaceLength(ButcherTableau tableau, int m) => (tableau.Stages + 1) * m;

    /// <summary>
    /// Writes the step of size h from y into <paramref name="yNew"/> (which may be y itself); row 0 of <paramref name="work"/>
    /// (length <see cref="WorkspaceLength"/>) must hold g(y) and is left unchanged. Returns the evaluations spent (s − 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Step<TDerivative>(ref TDerivative derivative, ButcherTableau tableau, ReadOnlySpan<double> y, double h,
        Span<double> work, Span<double> yNew)
        where TDerivative : struct, IFlatDerivative
    {
        if (!ReferenceEquals(tableau, ButcherTableau.Rk4)) return General(ref derivative, tableau, y, h, work, yNew);
        ClassicalRk4(ref derivative, y, h, work, yNew);
        return 3;
    }

    /// <summary>Advances y in place by one step of size h, evaluating g(y) first (s evaluations).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Advance<TDerivative>(ref TDerivative derivative, ButcherTableau tableau, Span<double> y, double h, Span<double> work)
        where TDerivative : struct, IFlatDerivative
    {
        derivative.Evaluate(y, work[..y.Length]);
        Step(ref derivative, tableau, y, h, work, y);
    }

    /// <summary>Stages 2..s and the weighted sum of any tableau.</summary>
    private static int General<TDerivative>(ref TDerivative derivative, ButcherTableau tableau, ReadOnlySpan<double> y, double h,
        Span<double> work, Span<double> yNew)
        where TDerivative : struct, IFlatDerivative
    {
        int m = y.Length, s = tableau.Stages;
        var k = work[..(s * m)];
        RungeKuttaStages.Evaluate(ref derivative, tableau, y, h, k, work.Slice(s * m, m), 1, s);
        RungeKuttaStages.Combine(y, h, tableau.B, k, yNew);
        return s - 1;
    }

    /// <summary>Stages 2–4 of the classical RK4 tableau (a₂₁ = a₃₂ = 1/2, a₄₃ = 1) and its update: one compiled method per system.</summary>
    private static void ClassicalRk4<TDerivative>(ref TDerivative derivative, ReadOnlySpan<double> y, double h, Span<double> work, Span<double> yNew)
        where TDerivative : struct, IFlatDerivative
    {
        int m = y.Length;
        var k1 = work[..m];
        var k2 = work.Slice(m, m);
        var k3 = work.Slice(2 * m, m);
        var k4 = work.Slice(3 * m, m);
        var stage = work.Slice(4 * m, m);
        SpanMath.AddScaled(y, 0.5 * h, k1, stage);
        derivative.Evaluate(stage, k2);
        SpanMath.AddScaled(y, 0.5 * h, k2, stage);
        derivative.Evaluate(stage, k3);
        SpanMath.AddScaled(y, h, k3, stage);
        derivative.Evaluate(stage, k4);
        RungeKuttaStages.ClassicalRk4Update(y, h, k1, k2, k3, k4, yNew);
    }
}
