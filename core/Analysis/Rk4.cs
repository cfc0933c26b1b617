using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>A right-hand side dy/dt = g(y) on a flat state vector, implemented by structs so that <see cref="Rk4"/> is specialised per system.</summary>
internal interface IFlatDerivative
{
    /// <summary>Writes g(y) into <paramref name="dy"/>.</summary>
    void Evaluate(ReadOnlySpan<double> y, Span<double> dy);
}

/// <summary>The classical fourth-order Runge–Kutta step, in place and allocation-free.</summary>
internal static class Rk4
{
    /// <summary>Scratch length a step needs for a state of length m: four stage slopes and one stage state.</summary>
    public static int WorkspaceLength(int m) => 5 * m;

    /// <summary>Advances y by one step dt: y += dt/6 (k1 + 2k2 + 2k3 + k4), using <paramref name="work"/> (length ≥ 5m) as scratch.</summary>
    public static void Step<TSystem>(ref TSystem system, Span<double> y, double dt, Span<double> work)
        where TSystem : struct, IFlatDerivative
    {
        int m = y.Length;
        var k1 = work.Slice(0, m);
        var k2 = work.Slice(m, m);
        var k3 = work.Slice(2 * m, m);
        var k4 = work.Slice(3 * m, m);
        var stage = work.Slice(4 * m, m);

        system.Evaluate(y, k1);
        SpanMath.AddScaled(y, 0.5 * dt, k1, stage);
        system.Evaluate(stage, k2);
        SpanMath.AddScaled(y, 0.5 * dt, k2, stage);
        system.Evaluate(stage, k3);
        SpanMath.AddScaled(y, dt, k3, stage);
        system.Evaluate(stage, k4);
        Combine(y, dt / 6.0, k1, k2, k3, k4);
    }

    /// <summary>y += h·(k1 + (2(k2 + k3) + k4)), the RK4 update (summed in this order), in SIMD registers where the hardware has them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(Span<double> y, double h, ReadOnlySpan<double> k1, ReadOnlySpan<double> k2, ReadOnlySpan<double> k3, ReadOnlySpan<double> k4)
    {
        var ys = MemoryMarshal.Cast<double, Vector<double>>(y);
        var k1s = MemoryMarshal.Cast<double, Vector<double>>(k1);
        var k2s = MemoryMarshal.Cast<double, Vector<double>>(k2);
        var k3s = MemoryMarshal.Cast<double, Vector<double>>(k3);
        var k4s = MemoryMarshal.Cast<double, Vector<double>>(k4);
        for (int i = 0; i < ys.Length; i++) ys[i] += h * (k1s[i] + (2.0 * (k2s[i] + k3s[i]) + k4s[i]));
        for (int i = ys.Length * Vector<double>.Count; i < y.Length; i++) y[i] += h * (k1[i] + (2.0 * (k2[i] + k3[i]) + k4[i]));
    }
}

/// <summary>The plain flow dx/dt = f(x) of a vector field as a flat system for <see cref="Rk4"/>.</summary>
internal readonly struct FieldFlow(IVectorField vectorField) : IFlatDerivative
{
    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> y, Span<double> dy) => vectorField.Evaluate(y, dy);
}
