namespace NeuroDyn.Torch;

/// <summary>Dormand–Prince 5(4): a fifth-order solution with an embedded fourth-order error estimate, first-same-as-last
/// (Dormand &amp; Prince 1980, "A family of embedded Runge–Kutta formulae", J. Comp. Appl. Math. 6).</summary>
public static class DormandPrince5
{
    static readonly double[] Fifth = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
    static readonly double[] Fourth = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40];

    /// <summary>The seven-stage tableau with error weights b − b̂.</summary>
    public static ButcherTableau Tableau { get; } = new("dopri5", 5,
        C: [0.0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0, 1.0],
        A: [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ],
        B: Fifth,
        BError: Fifth.Zip(Fourth, (b, bHat) => b - bHat).ToArray());
}
