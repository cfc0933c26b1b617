namespace NeuroDyn.Solvers;

/// <summary>Forward Euler, y₊ = y + h·f(y): first order, one evaluation per step (Euler 1768).</summary>
internal static class Euler
{
    /// <summary>The one-stage tableau.</summary>
    public static readonly ButcherTableau Tableau = new(c: [0.0], a: [[]], b: [1.0]);
}
