using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// Stateless random numbers: the SplitMix64 output function (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
/// number generators", OOPSLA) applied to key + counter × γ. A neuron with its own random 64-bit key reads its step's
/// uniform without keeping generator state, so results depend only on (seed, neuron, step), never on threads.
/// </summary>
internal static class CounterRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    /// <summary>A uniform double in [0, 1) with 53 bits for the given key and counter.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong key, long counter)
    {
        ulong z = key + (ulong)counter * Gamma;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Fills <c>uniforms[i]</c> with <see cref="Uniform"/>(keys[i], counter) for every i, eight lanes at a time where AVX-512 is available (same values either way).</summary>
    public static void Fill(ReadOnlySpan<ulong> keys, long counter, Span<double> uniforms)
    {
        if (uniforms.Length < keys.Length) throw new ArgumentException("uniforms is shorter than keys.", nameof(uniforms));
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var offset = Vector512.Create((ulong)counter * Gamma);
            var m1 = Vector512.Create(0xBF58476D1CE4E5B9UL);
            var m2 = Vector512.Create(0x94D049BB133111EBUL);
            var scale = Vector512.Create(1.0 / (1UL << 53));
            for (; i + Vector512<ulong>.Count <= keys.Length; i += Vector512<ulong>.Count)
            {
                var z = Vector512.Create(keys.Slice(i, Vector512<ulong>.Count)) + offset;
                z = (z ^ (z >>> 30)) * m1;
                z = (z ^ (z >>> 27)) * m2;
                z ^= z >>> 31;
                (Vector512.ConvertToDouble(z >>> 11) * scale).CopyTo(uniforms.Slice(i, Vector512<double>.Count));
            }
        }
        for (; i < keys.Length; i++) uniforms[i] = Uniform(keys[i], counter);
    }
}
