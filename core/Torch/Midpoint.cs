namespace NeuroDyn.Torch;

/// <summary>Explicit midpoint rule, y' = y + h f(t + h/2, y + h/2 f(t, y)): order 2 (Runge 1895).</summary>
public static class Midpoint
{
    /// <summary>The two-stage tableau.</summary>
    public static ButcherTableau Tableau { get; } = new("midpoint", 2, C: [0.0, 0.5], A: [[], [0.5]], B: [0.0, 1.0]);
}
