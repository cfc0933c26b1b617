using NeuroDyn.Systems;

namespace NeuroDyn.Analysis;

/// <summary>
/// The divergence ∇·f = Σᵢ ∂fᵢ/∂xᵢ of a vector field from f alone, by central finite differences (the field's Jacobian is
/// not used): the rate at which the flow changes phase-space volume, d ln V/dt = ∇·f (negative: the flow contracts).
/// </summary>
/// <remarks>
/// Each coordinate is stepped by hᵢ = ε^{1/3}·max(1, |xᵢ|) (ε the double-precision machine epsilon), which balances the
/// truncation error O(hᵢ²·∂³fᵢ/∂xᵢ³) against the rounding error O(ε·|fᵢ|/hᵢ); the step actually taken, (xᵢ + hᵢ) − (xᵢ − hᵢ),
/// is the one divided by. Where fᵢ is at most quadratic in xᵢ (Lorenz-63, Rössler) the truncation error vanishes and only
/// rounding is left.
/// </remarks>
public static class FieldDivergence
{
    /// <summary>Relative step ε^{1/3} of the central differences.</summary>
    private static readonly double RelativeStep = Math.Cbrt(Math.Pow(2, -52));

    /// <summary>∇·f(x) ≈ Σᵢ [fᵢ(x + hᵢeᵢ) − fᵢ(x − hᵢeᵢ)] / 2hᵢ at one state.</summary>
    public static double At(IVectorField field, double[] state)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(state);
        Guard.Dimension(field, state, nameof(state));
        int n = field.Dimension;
        return Central(field, (double[])state.Clone(), new double[n], new double[n]);
    }

    /// <summary>∇·f at every row of a trajectory (rows are states, one column per coordinate).</summary>
    public static double[] Along(IVectorField field, double[,] states)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(states);
        int n = field.Dimension;
        if (states.GetLength(1) != n)
            throw new ArgumentException(
                $"states has {states.GetLength(1)} columns but the system {field.GetType().Name} has dimension {n}; pass one state per row.", nameof(states));
        var state = new double[n];
        var plus = new double[n];
        var minus = new double[n];
        var divergence = new double[states.GetLength(0)];
        for (int row = 0; row < divergence.Length; row++)
        {
            for (int i = 0; i < n; i++)
            {
                state[i] = states[row, i];
                if (!double.IsFinite(state[i]))
                    throw new ArgumentException($"states[{row}, {i}] is {state[i]}; every entry must be a finite number.", nameof(states));
            }
            divergence[row] = Central(field, state, plus, minus);
        }
        return divergence;
    }

    /// <summary>The central-difference sum at <paramref name="state"/>, which is moved and restored coordinate by coordinate.</summary>
    private static double Central(IVectorField field, double[] state, double[] plus, double[] minus)
    {
        double sum = 0;
        for (int i = 0; i < state.Length; i++)
        {
            double x = state[i];
            double h = RelativeStep * Math.Max(1.0, Math.Abs(x));
            double up = x + h, down = x - h;
            state[i] = up;
            field.Evaluate(state, plus);
            state[i] = down;
            field.Evaluate(state, minus);
            state[i] = x;
            sum += (plus[i] - minus[i]) / (up - down);
        }
        return sum;
    }
}
