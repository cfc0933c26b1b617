namespace NeuroDyn.Solvers;

/// <summary>The classical fourth-order Runge–Kutta method, four evaluations per step (Kutta 1901).</summary>
internal static class Rk4
{
    /// <summary>The tableau c = (0, ½, ½, 1), b = (⅙, ⅓, ⅓, ⅙).</summary>
    public static readonly ButcherTableau Tableau = new(
        c: [0.0, 0.5, 0.5, 1.0],
        a: [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]],
        b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6]);
}
