using System.Numerics;
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
        AddScaled(y, 0.5 * dt, k1, stage);
        system.Evaluate(stage, k2);
        AddScaled(y, 0.5 * dt, k2, stage);
        system.Evaluate(stage, k3);
        AddScaled(y, dt, k3, stage);
        system.Evaluate(stage, k4);
        for (int i = 0; i < m; i++) k1[i] += 2.0 * (k2[i] + k3[i]) + k4[i];
        AddScaled(y, dt / 6.0, k1, y);
    }

    /// <summary>result = x + a·k, in SIMD registers where the hardware has them (result may alias x).</summary>
    private static void AddScaled(ReadOnlySpan<double> x, double a, ReadOnlySpan<double> k, Span<double> result)
    {
        int m = result.Length, width = Vector<double>.Count, i = 0;
        for (; i <= m - width; i += width)
            (new Vector<double>(x.Slice(i, width)) + a * new Vector<double>(k.Slice(i, width))).CopyTo(result.Slice(i, width));
        for (; i < m; i++) result[i] = x[i] + a * k[i];
    }
}

/// <summary>The plain flow dx/dt = f(x) of a vector field as a flat system for <see cref="Rk4"/>.</summary>
internal readonly struct FieldFlow(IVectorField vectorField) : IFlatDerivative
{
    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> y, Span<double> dy) => vectorField.Evaluate(y, dy);
}
