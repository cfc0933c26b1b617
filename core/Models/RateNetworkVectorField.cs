using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A rate network run in closed loop as an autonomous field on its hidden state: dh/dt = γ ⊙ (−h + φ(M h + c)), γ_i = 1/τ_i,
/// with M = W_rec + W_in W_out and c = b + W_in b_out (the readout fed back as input), in plain doubles for fast analysis.</summary>
/// <remarks>Jacobian J_ij = γ_i (φ'(u_i) M_ij − δ_ij), u = M h + c. Holds scratch space: one instance per thread.</remarks>
public class RateNetworkVectorField : IVectorField
{
    readonly double[] m, c, output, outputBias, u, inverseTau;
    readonly int n, outputs;

    /// <summary>The rate function φ.</summary>
    public RateActivation Activation { get; }

    /// <summary>The field from the network's weights (row-major copies): W_rec [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D], time constants τ [n].</summary>
    public RateNetworkVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias,
        double[] timeConstants, RateActivation activation)
    {
        ArgumentNullException.ThrowIfNull(timeConstants);
        foreach (var (values, name) in new[] { (recurrentWeight, nameof(recurrentWeight)), (inputWeight, nameof(inputWeight)), (bias, nameof(bias)), (outputWeight, nameof(outputWeight)), (outputBias, nameof(outputBias)) })
        {
            ArgumentNullException.ThrowIfNull(values, name);
            Guard.Finite(values, name);
        }
        n = bias.Length;
        int inputs = inputWeight.Length / Math.Max(n, 1);
        outputs = outputBias.Length;
        if (n == 0 || recurrentWeight.Length != n * n || inputWeight.Length != n * inputs || outputWeight.Length != outputs * n || inputs != outputs)
            throw new ArgumentException($"inconsistent rate-network weights: W_rec {recurrentWeight.Length}, W_in {inputWeight.Length}, b {bias.Length}, W_out {outputWeight.Length}, b_out {outputBias.Length} entries; closed loop needs W_rec [n·n], W_in [n·D], W_out [D·n] with D inputs = D outputs.");
        if (timeConstants.Length != n)
            throw new ArgumentException($"{timeConstants.Length} time constants for {n} units; give one τ per unit.", nameof(timeConstants));
        foreach (double tau in timeConstants) Guard.Positive(tau, nameof(timeConstants));
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown rate function.");
        (output, this.outputBias, Activation) = (outputWeight, outputBias, activation);
        inverseTau = timeConstants.Select(t => 1 / t).ToArray();
        m = new double[n * n];
        c = new double[n];
        u = new double[n];
        for (int i = 0; i < n; i++)
        {
            c[i] = bias[i];
            for (int d = 0; d < inputs; d++) c[i] += inputWeight[i * inputs + d] * outputBias[d];
            for (int j = 0; j < n; j++)
            {
                double sum = recurrentWeight[i * n + j];
                for (int d = 0; d < inputs; d++) sum += inputWeight[i * inputs + d] * outputWeight[d * n + j];
                m[i * n + j] = sum;
            }
        }
    }

    /// <inheritdoc/>
    public int Dimension => n;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++) derivative[i] = (Activation.Value(u[i]) - state[i]) * inverseTau[i];
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++)
        {
            double gain = Activation.Slope(u[i]) * inverseTau[i];
            for (int j = 0; j < n; j++) jacobian[i * n + j] = gain * m[i * n + j];
            jacobian[i * n + i] -= inverseTau[i];
        }
    }

    /// <summary>The readout y = W_out h + b_out of a hidden state, written into <paramref name="readout"/> (length D).</summary>
    public void Readout(ReadOnlySpan<double> state, Span<double> readout)
    {
        for (int d = 0; d < outputs; d++)
        {
            double sum = outputBias[d];
            for (int j = 0; j < n; j++) sum += output[d * n + j] * state[j];
            readout[d] = sum;
        }
    }

    /// <summary>u = M h + c into the scratch buffer.</summary>
    void Preactivation(ReadOnlySpan<double> h)
    {
        for (int i = 0; i < n; i++)
        {
            double sum = c[i];
            var row = m.AsSpan(i * n, n);
            for (int j = 0; j < n; j++) sum += row[j] * h[j];
            u[i] = sum;
        }
    }
}
