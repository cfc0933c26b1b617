using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A CT-RNN run in closed loop as an autonomous field on hidden states: dh/dt = (−h + tanh(M h + c)) / τ, with
/// M = W_rec + W_in W_out and c = b + W_in b_out (the readout fed back as input), in plain doubles for fast analysis.</summary>
/// <remarks>Jacobian J = (−I + diag(1 − tanh²(M h + c)) M) / τ. Holds scratch space: one instance per thread.</remarks>
public sealed class CtRnnVectorField : IVectorField
{
    readonly double[] m, c, output, outputBias, u;
    readonly int n, inputs, outputs;

    /// <summary>Time constant τ.</summary>
    public double Tau { get; }

    /// <summary>The field of a CT-RNN from its weights (row-major copies): W_rec [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D].</summary>
    public CtRnnVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias, double tau)
    {
        Guard.Positive(tau, nameof(tau));
        n = bias.Length;
        inputs = inputWeight.Length / Math.Max(n, 1);
        outputs = outputBias.Length;
        if (n == 0 || recurrentWeight.Length != n * n || inputWeight.Length != n * inputs || outputWeight.Length != outputs * n || inputs != outputs)
            throw new ArgumentException($"inconsistent CT-RNN weights: W_rec {recurrentWeight.Length}, W_in {inputWeight.Length}, b {bias.Length}, W_out {outputWeight.Length}, b_out {outputBias.Length} entries; closed loop needs W_in [n·D], W_out [D·n] with D inputs = D outputs.");
        foreach (var (values, name) in new[] { (recurrentWeight, nameof(recurrentWeight)), (inputWeight, nameof(inputWeight)), (bias, nameof(bias)), (outputWeight, nameof(outputWeight)), (outputBias, nameof(outputBias)) })
            Guard.Finite(values, name);
        (output, this.outputBias, Tau) = (outputWeight, outputBias, tau);
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
        for (int i = 0; i < n; i++) derivative[i] = (Math.Tanh(u[i]) - state[i]) / Tau;
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++)
        {
            double s = Math.Tanh(u[i]);
            double gain = (1 - s * s) / Tau;
            for (int j = 0; j < n; j++) jacobian[i * n + j] = gain * m[i * n + j];
            jacobian[i * n + i] -= 1 / Tau;
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
