namespace NeuroDyn.Torch;

/// <summary>Classic fourth-order Runge–Kutta, y' = y + h/6 (k1 + 2k2 + 2k3 + k4) (Kutta 1901).</summary>
public static class Rk4
{
    /// <summary>The four-stage tableau.</summary>
    public static ButcherTableau Tableau { get; } = new("rk4", 4,
        C: [0.0, 0.5, 0.5, 1.0],
        A: [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]],
        B: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6]);
}
