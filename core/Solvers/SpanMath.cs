using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NeuroDyn.Solvers;

/// <summary>The two vector kernels of the Runge–Kutta stepper and of the Lyapunov QR step, in SIMD registers where the hardware has them (plain loops for vectors shorter than one register).</summary>
internal static class SpanMath
{
    /// <summary>a·b = Σ aᵢbᵢ over the length of <paramref name="a"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length < Vector<double>.Count)
        {
            double small = 0;
            for (int i = 0; i < a.Length; i++) small += a[i] * b[i];
            return small;
        }
        var aw = MemoryMarshal.Cast<double, Vector<double>>(a);
        var bw = MemoryMarshal.Cast<double, Vector<double>>(b);
        var sum = Vector<double>.Zero;
        for (int i = 0; i < aw.Length; i++) sum += aw[i] * bw[i];
        double total = Vector.Sum(sum);
        for (int i = aw.Length * Vector<double>.Count; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    /// <summary>result = x + c·k over the length of <paramref name="result"/> (result may alias x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(ReadOnlySpan<double> x, double c, ReadOnlySpan<double> k, Span<double> result)
    {
        if (result.Length < Vector<double>.Count)
        {
            for (int i = 0; i < result.Length; i++) result[i] = x[i] + c * k[i];
            return;
        }
        var xw = MemoryMarshal.Cast<double, Vector<double>>(x);
        var kw = MemoryMarshal.Cast<double, Vector<double>>(k);
        var rw = MemoryMarshal.Cast<double, Vector<double>>(result);
        for (int i = 0; i < rw.Length; i++) rw[i] = xw[i] + c * kw[i];
        for (int i = rw.Length * Vector<double>.Count; i < result.Length; i++) result[i] = x[i] + c * k[i];
    }
}
