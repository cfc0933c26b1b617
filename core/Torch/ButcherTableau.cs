namespace NeuroDyn.Torch;

/// <summary>The coefficients of an explicit Runge–Kutta method: stages k_i = f(t + c_i h, y + h Σ_j a_ij k_j), y' = y + h Σ_i b_i k_i.</summary>
/// <param name="Name">Short name of the method.</param>
/// <param name="Order">Order of the solution weights <paramref name="B"/>.</param>
/// <param name="C">Stage times c_i (fractions of the step).</param>
/// <param name="A">Strictly lower-triangular stage weights a_ij, row i of length i.</param>
/// <param name="B">Solution weights b_i.</param>
/// <param name="BError">Differences b_i − b̂_i against an embedded lower-order solution (adaptive methods), or null.</param>
public sealed record ButcherTableau(string Name, int Order, double[] C, double[][] A, double[] B, double[]? BError = null)
{
    /// <summary>Number of stages s.</summary>
    public int Stages => B.Length;

    /// <summary>True when the last stage is evaluated at the new solution (c_s = 1 and a_s = b), so it can be reused as the next step's first stage.</summary>
    public bool FirstSameAsLast => C[^1] == 1.0 && A[^1].Length == B.Length - 1 && A[^1].Select((a, j) => a == B[j]).All(x => x) && B[^1] == 0.0;
}
