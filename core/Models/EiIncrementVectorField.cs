using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>An <see cref="EiRateNetwork"/> with an increment readout run in closed loop, as an autonomous field on (r, x), the rates and the
/// fed-back state: dr/dt = γ ⊙ (−r + φ(W r + W_in x + b)), dx/dt = (W_out r + b_out)/Δ, γ_i = 1/τ_i.</summary>
/// <remarks>The discrete model adds the step W_out r + b_out to x once per sample interval Δ; dx/dt = step/Δ is its Δ → 0 idealisation, and both
/// have their fixed points where the step vanishes. Jacobian: ∂ṙ_i/∂r_j = γ_i (φ'(u_i) W_ij − δ_ij), ∂ṙ_i/∂x_d = γ_i φ'(u_i) W_in,id,
/// ∂ẋ_d/∂r_j = W_out,dj/Δ, ∂ẋ/∂x = 0, with u = W r + W_in x + b. Holds scratch space: one instance per thread.</remarks>
public sealed class EiIncrementVectorField : IVectorField
{
    readonly double[] recurrent, input, bias, output, outputBias, inverseTau, u;
    readonly int n, d;
    readonly double inverseInterval;

    /// <summary>The rate function φ.</summary>
    public RateActivation Activation { get; }

    /// <summary>The field from row-major copies of W [n·n] (Dale-signed), W_in [n·D], b [n], W_out [D·n] (zero on units not read), b_out [D],
    /// the time constant of each unit τ [n] and the sample interval Δ.</summary>
    public EiIncrementVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias,
        double[] timeConstants, double sampleInterval, RateActivation activation)
    {
        foreach (var (values, name) in new[] { (recurrentWeight, nameof(recurrentWeight)), (inputWeight, nameof(inputWeight)), (bias, nameof(bias)),
                     (outputWeight, nameof(outputWeight)), (outputBias, nameof(outputBias)), (timeConstants, nameof(timeConstants)) })
        {
            ArgumentNullException.ThrowIfNull(values, name);
            Guard.Finite(values, name);
        }
        n = bias.Length;
        d = outputBias.Length;
        if (n == 0 || d == 0 || recurrentWeight.Length != n * n || inputWeight.Length != n * d || outputWeight.Length != d * n || timeConstants.Length != n)
            throw new ArgumentException($"inconsistent weights: W {recurrentWeight.Length}, W_in {inputWeight.Length}, b {bias.Length}, W_out {outputWeight.Length}, b_out {outputBias.Length}, τ {timeConstants.Length} entries; closed loop needs W [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D], τ [n].");
        foreach (double tau in timeConstants) Guard.Positive(tau, nameof(timeConstants));
        Guard.Positive(sampleInterval, nameof(sampleInterval));
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown rate function.");
        (recurrent, input, this.bias, output, this.outputBias, Activation) = (recurrentWeight, inputWeight, bias, outputWeight, outputBias, activation);
        inverseTau = timeConstants.Select(t => 1 / t).ToArray();
        inverseInterval = 1 / sampleInterval;
        u = new double[n];
    }

    /// <summary>Number of units n (the first n coordinates; the last D are the fed-back state x).</summary>
    public int Units => n;

    /// <inheritdoc/>
    public int Dimension => n + d;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++) derivative[i] = (Activation.Value(u[i]) - state[i]) * inverseTau[i];
        for (int k = 0; k < d; k++)
        {
            double sum = outputBias[k];
            var row = output.AsSpan(k * n, n);
            for (int j = 0; j < n; j++) sum += row[j] * state[j];
            derivative[n + k] = sum * inverseInterval;
        }
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Preactivation(state);
        int m = n + d;
        for (int i = 0; i < n; i++)
        {
            double gain = Activation.Slope(u[i]) * inverseTau[i];
            var row = jacobian.Slice(i * m, m);
            for (int j = 0; j < n; j++) row[j] = gain * recurrent[i * n + j];
            row[i] -= inverseTau[i];
            for (int k = 0; k < d; k++) row[n + k] = gain * input[i * d + k];
        }
        for (int k = 0; k < d; k++)
        {
            var row = jacobian.Slice((n + k) * m, m);
            for (int j = 0; j < n; j++) row[j] = output[k * n + j] * inverseInterval;
            row.Slice(n, d).Clear();
        }
    }

    /// <summary>u = W r + W_in x + b into the scratch buffer.</summary>
    void Preactivation(ReadOnlySpan<double> state)
    {
        var x = state.Slice(n, d);
        for (int i = 0; i < n; i++)
        {
            double sum = bias[i];
            var row = recurrent.AsSpan(i * n, n);
            for (int j = 0; j < n; j++) sum += row[j] * state[j];
            for (int k = 0; k < d; k++) sum += input[i * d + k] * x[k];
            u[i] = sum;
        }
    }
}
