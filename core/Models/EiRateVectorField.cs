namespace NeuroDyn.Models;

/// <summary>An <see cref="EiRateNetwork"/> run in closed loop as an autonomous field on its rates: dr/dt = γ ⊙ (−r + φ(M r + c)),
/// γ = 1/τ_E for the first n_E units and 1/τ_I for the rest, M = W + W_in W_out, c = b + W_in b_out (the readout fed back as input);
/// with the increment readout, on (r, x): dr/dt = γ ⊙ (−r + φ(W r + W_in x + b)), dx/dt = (s/Δ)(W_out r + b_out). With
/// <see cref="EiInput.Excitatory"/> the rows of W_in and b of the inhibitory units are zero: the fed-back input reaches the E units only.</summary>
/// <remarks>Jacobian J_ij = γ_i (φ'(u_i) M_ij − δ_ij); see <see cref="RateNetworkVectorField"/> for the increment readout. Holds scratch space: one instance per thread.</remarks>
public sealed class EiRateVectorField : RateNetworkVectorField
{
    /// <summary>Number of excitatory units n_E (the first n_E coordinates).</summary>
    public int ExcitatoryCount { get; }

    /// <summary>Time constant τ_E of the excitatory units.</summary>
    public double TauE { get; }

    /// <summary>Time constant τ_I of the inhibitory units.</summary>
    public double TauI { get; }

    /// <summary>Which units receive the fed-back input W_in x + b.</summary>
    public EiInput Input { get; }

    /// <summary>The field from row-major copies of W [n·n] (Dale-signed), W_in [n·D], b [n], W_out [D·n] (zero on units not read), b_out [D];
    /// <paramref name="incrementRate"/> s/Δ for the increment readout, null for the state readout; <paramref name="input"/> which units
    /// receive W_in x + b (with <see cref="EiInput.Excitatory"/> the inhibitory rows of W_in and b are taken as zero whatever they hold).</summary>
    public EiRateVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias,
        double tauE, double tauI, int excitatoryCount, RateActivation activation, double? incrementRate = null, EiInput input = EiInput.All)
        : base(recurrentWeight, ExcitatoryRows(inputWeight, bias, excitatoryCount, input), ExcitatoryRows(bias, bias, excitatoryCount, input), outputWeight, outputBias,
            TimeConstants(bias, tauE, tauI, excitatoryCount), activation, incrementRate) =>
        (ExcitatoryCount, TauE, TauI, Input) = (excitatoryCount, tauE, tauI, input);

    /// <summary>A row-major [n, columns] array (columns = its length / n, n the length of <paramref name="bias"/>) as given with <see cref="EiInput.All"/>,
    /// else a copy whose rows of the inhibitory units (from <paramref name="excitatoryCount"/> on) are zero.</summary>
    static double[] ExcitatoryRows(double[] values, double[] bias, int excitatoryCount, EiInput input)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(bias);
        if (!Enum.IsDefined(input)) throw new ArgumentOutOfRangeException(nameof(input), input, "input must be EiInput.Excitatory or EiInput.All.");
        if (input == EiInput.All || bias.Length == 0 || excitatoryCount < 0 || excitatoryCount > bias.Length) return values;
        var masked = (double[])values.Clone();
        int columns = values.Length / bias.Length;
        Array.Clear(masked, excitatoryCount * columns, masked.Length - excitatoryCount * columns);
        return masked;
    }

    static double[] TimeConstants(double[] bias, double tauE, double tauI, int excitatoryCount)
    {
        ArgumentNullException.ThrowIfNull(bias);
        if (excitatoryCount < 1 || excitatoryCount >= bias.Length)
            throw new ArgumentOutOfRangeException(nameof(excitatoryCount), excitatoryCount, $"excitatoryCount must lie in 1 .. {bias.Length - 1} for {bias.Length} units.");
        return Enumerable.Range(0, bias.Length).Select(j => j < excitatoryCount ? tauE : tauI).ToArray();
    }
}
