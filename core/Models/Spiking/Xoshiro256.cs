using System.Runtime.CompilerServices;

namespace NeuroDyn.Models.Spiking;

/// <summary>
/// The xoshiro256** pseudo-random generator (Blackman and Vigna 2021, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 47:36), seeded through SplitMix64 so that any (seed, stream) pair gives an independent-looking stream.
/// A mutable value type: pass it by reference.
/// </summary>
internal struct Xoshiro256
{
    private ulong s0, s1, s2, s3;

    /// <summary>The generator for stream number <paramref name="stream"/> of the master seed.</summary>
    public Xoshiro256(long seed, long stream)
    {
        ulong sm = (ulong)seed * 0x9E3779B97F4A7C15UL ^ ((ulong)stream + 1) * 0xD1B54A32D192ED03UL;
        s0 = SplitMix(ref sm); s1 = SplitMix(ref sm); s2 = SplitMix(ref sm); s3 = SplitMix(ref sm);
    }

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
        s3 = ulong.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, bound) without modulo bias (Lemire 2019, "Fast random integer generation in an interval").</summary>
    public int NextInt(int bound)
    {
        ulong m = Math.BigMul(NextUInt64(), (ulong)bound, out ulong low);
        if (low < (ulong)bound)
        {
            ulong threshold = (0UL - (ulong)bound) % (ulong)bound;
            while (low < threshold) m = Math.BigMul(NextUInt64(), (ulong)bound, out low);
        }
        return (int)m;
    }
}
