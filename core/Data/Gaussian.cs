namespace NeuroDyn.Data;

/// <summary>Standard normal samples from an explicit <see cref="Random"/> (Box–Muller), so every draw is reproducible from its seed.</summary>
public static class Gaussian
{
    /// <summary>One N(0, 1) sample: sqrt(−2 ln u₁) cos(2π u₂).</summary>
    public static double Next(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
