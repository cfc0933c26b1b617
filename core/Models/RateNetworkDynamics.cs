using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A rate network's dynamics in plain doubles, copied from the model (<see cref="RateNetwork{TOptions}.Dynamics"/>): the unit equation
/// dh/dt = γ ⊙ (−h + φ(g W h + W_in x̂ + b)), γ_i = 1/τ_i, the readout r = W_out h + b_out, what is fed back (x̂ = r, or x̂ = x + s r for the
/// increment readout) and how one sample interval Δ is integrated. From it: the closed-loop map and field, and the same with an input held.</summary>
/// <param name="RecurrentWeight">W [n·n], row-major.</param>
/// <param name="InputWeight">W_in [n·D], row-major.</param>
/// <param name="Bias">b [n].</param>
/// <param name="OutputWeight">W_out [D·n], row-major, zero on the units not read out.</param>
/// <param name="OutputBias">b_out [D].</param>
/// <param name="TimeConstants">τ [n].</param>
/// <param name="Activation">The rate function φ.</param>
/// <param name="IncrementScale">s of the increment readout x̂ = x + s r; null for the state readout x̂ = r.</param>
/// <param name="SampleInterval">Model time Δ per sample (the input is held over it).</param>
/// <param name="Solver">The solver of one sample interval.</param>
/// <param name="StepsPerSample">Fixed-step solvers: steps of size Δ/StepsPerSample per sample.</param>
public sealed record RateNetworkDynamics(double[] RecurrentWeight, double[] InputWeight, double[] Bias, double[] OutputWeight, double[] OutputBias,
    double[] TimeConstants, RateActivation Activation, double? IncrementScale, double SampleInterval, OdeMethod Solver, int StepsPerSample)
{
    /// <summary>Name of the recurrent gain g, the parameter of <see cref="RateNetworkMap"/> and <see cref="RateNetworkGainField"/>.</summary>
    public const string GainName = "gain";

    /// <summary>The recurrent gain g that scales W (1 as trained; must be finite and ≥ 0).</summary>
    public double Gain { get; init; } = 1.0;

    /// <summary>Number of units n.</summary>
    public int Hidden => Bias.Length;

    /// <summary>Input (and fed-back output) dimension D.</summary>
    public int InputSize => OutputBias.Length;

    /// <summary>The same dynamics with the recurrent gain g; a value that is negative or not finite throws, naming "gain".</summary>
    public RateNetworkDynamics WithGain(double gain)
    {
        if (!(gain >= 0) || !double.IsFinite(gain))
            throw new ArgumentOutOfRangeException(GainName, gain, "the recurrent gain must be a finite number >= 0 (1 is the trained network; it scales W_rec).");
        return this with { Gain = gain };
    }

    /// <summary>The closed-loop sample-to-sample map exactly as trained (on h, or on (h, x) for the increment readout), with its exact Jacobian.</summary>
    public RateNetworkMap ClosedLoopMap() => new(this, heldInput: null);

    /// <summary>The open-loop map over one sample interval with the input x̂ = u* held (readout not fed back): h_{k+1} = Φ_Δ(h_k; u*), on h.</summary>
    public RateNetworkMap HeldInputMap(double[] input) => new(this, CheckedInput(input));

    /// <summary>The closed-loop field, the Δ → 0 idealisation of <see cref="ClosedLoopMap"/> (<see cref="RateNetworkVectorField"/>), with W scaled by the gain.</summary>
    public RateNetworkVectorField ClosedLoopField() =>
        new(ScaledRecurrentWeight(), InputWeight, Bias, OutputWeight, OutputBias, TimeConstants, Activation, IncrementScale / SampleInterval);

    /// <summary>The open-loop field with the input u* held: dh/dt = γ ⊙ (−h + φ(g W h + W_in u* + b)) on h (a zero readout with bias u*, so nothing is fed back).</summary>
    public RateNetworkVectorField HeldInputField(double[] input) =>
        new(ScaledRecurrentWeight(), InputWeight, Bias, new double[OutputWeight.Length], CheckedInput(input), TimeConstants, Activation);

    /// <summary>The input Jacobian of the held-input field, ∂f/∂u = diag(γ ⊙ φ'(g W h + W_in u + b)) W_in (n×D), at the hidden state h and the held input u.</summary>
    public double[,] FieldInputJacobian(double[] hidden, double[] input)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (hidden.Length != Hidden) throw new ArgumentException($"hidden has {hidden.Length} entries but the network has {Hidden} units.", nameof(hidden));
        Guard.Finite(hidden, nameof(hidden));
        var u = CheckedInput(input);
        int n = Hidden, d = InputSize;
        var jacobian = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            double pre = Bias[i];
            for (int j = 0; j < n; j++) pre += Gain * RecurrentWeight[i * n + j] * hidden[j];
            for (int k = 0; k < d; k++) pre += InputWeight[i * d + k] * u[k];
            double slope = Activation.Slope(pre) / TimeConstants[i];
            for (int k = 0; k < d; k++) jacobian[i, k] = slope * InputWeight[i * d + k];
        }
        return jacobian;
    }

    /// <summary>g W as a new row-major array.</summary>
    internal double[] ScaledRecurrentWeight() => RecurrentWeight.Select(w => Gain * w).ToArray();

    double[] CheckedInput(double[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != InputSize)
            throw new ArgumentException($"input has {input.Length} entries but the network takes {InputSize} inputs.", nameof(input));
        Guard.Finite(input, nameof(input));
        return (double[])input.Clone();
    }
}
