namespace NeuroDyn.Torch;

/// <summary>Forward Euler, y' = y + h f(t, y): order 1 (Euler 1768).</summary>
public static class Euler
{
    /// <summary>The one-stage tableau.</summary>
    public static ButcherTableau Tableau { get; } = new("euler", 1, C: [0.0], A: [[]], B: [1.0]);
}
