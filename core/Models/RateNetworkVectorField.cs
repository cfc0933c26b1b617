using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A rate network run in closed loop as an autonomous field, in plain doubles for fast analysis. State readout (the readout
/// fed back as input), on h: dh/dt = γ ⊙ (−h + φ(M h + c)), γ_i = 1/τ_i, M = W_rec + W_in W_out, c = b + W_in b_out. Increment readout
/// (x̂_{k+1} = x_k + s (W_out h + b_out) fed back), on (h, x): dh/dt = γ ⊙ (−h + φ(W_rec h + W_in x + b)), dx/dt = ρ (W_out h + b_out), ρ = s/Δ.</summary>
/// <remarks>Jacobian J_ij = γ_i (φ'(u_i) M_ij − δ_ij) with u the preactivation and M the matrix acting on the state: W_rec + W_in W_out
/// (state readout), or [W_rec | W_in] in the rows of h and [ρ W_out | 0] in the rows of x (increment readout). Holds scratch space: one instance per thread.</remarks>
public class RateNetworkVectorField : IVectorField
{
    readonly double[] m, c, output, outputBias, u, inverseTau;
    readonly int n, outputs, columns;
    readonly double? incrementRate;

    /// <summary>The rate function φ.</summary>
    public RateActivation Activation { get; }

    /// <summary>The field from the network's weights (row-major copies): W_rec [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D], time constants τ [n];
    /// <paramref name="incrementRate"/> ρ = s/Δ for a network with the increment readout (state (h, x)), null for the state readout (state h).</summary>
    public RateNetworkVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias,
        double[] timeConstants, RateActivation activation, double? incrementRate = null)
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
        if (incrementRate is double rate) Guard.Positive(rate, nameof(incrementRate));
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, "unknown rate function.");
        (output, this.outputBias, Activation, this.incrementRate) = (outputWeight, outputBias, activation, incrementRate);
        inverseTau = timeConstants.Select(t => 1 / t).ToArray();
        columns = incrementRate is null ? n : n + inputs;
        m = new double[n * columns];
        c = new double[n];
        u = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (incrementRate is null)
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
            else
            {
                c[i] = bias[i];
                Array.Copy(recurrentWeight, i * n, m, i * columns, n);
                Array.Copy(inputWeight, i * inputs, m, i * columns + n, inputs);
            }
        }
    }

    /// <inheritdoc/>
    public int Dimension => columns;

    /// <summary>Number of hidden units n (the first n coordinates of the state).</summary>
    public int HiddenCount => n;

    /// <summary>Whether the network has the increment readout, so that the state is (h, x) rather than h.</summary>
    public bool HasIncrementReadout => incrementRate is not null;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++) derivative[i] = (Activation.Value(u[i]) - state[i]) * inverseTau[i];
        if (incrementRate is double rate)
        {
            LinearReadout(state, derivative[n..]);
            for (int d = 0; d < outputs; d++) derivative[n + d] *= rate;
        }
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        Preactivation(state);
        for (int i = 0; i < n; i++)
        {
            double gain = Activation.Slope(u[i]) * inverseTau[i];
            for (int j = 0; j < columns; j++) jacobian[i * columns + j] = gain * m[i * columns + j];
            jacobian[i * columns + i] -= inverseTau[i];
        }
        if (incrementRate is double rate)
        {
            for (int d = 0; d < outputs; d++)
            {
                var row = jacobian.Slice((n + d) * columns, columns);
                for (int j = 0; j < n; j++) row[j] = rate * output[d * n + j];
                row[n..].Clear();
            }
        }
    }

    /// <summary>The network's output for a closed-loop state, written into <paramref name="readout"/> (length D): y = W_out h + b_out
    /// for the state readout, x (the last D coordinates) for the increment readout.</summary>
    public void Readout(ReadOnlySpan<double> state, Span<double> readout)
    {
        if (incrementRate is null) LinearReadout(state, readout);
        else state.Slice(n, outputs).CopyTo(readout);
    }

    /// <summary>W_out h + b_out into <paramref name="readout"/>.</summary>
    void LinearReadout(ReadOnlySpan<double> state, Span<double> readout)
    {
        for (int d = 0; d < outputs; d++)
        {
            double sum = outputBias[d];
            for (int j = 0; j < n; j++) sum += output[d * n + j] * state[j];
            readout[d] = sum;
        }
    }

    /// <summary>u = M (h or (h, x)) + c into the scratch buffer.</summary>
    void Preactivation(ReadOnlySpan<double> state)
    {
        for (int i = 0; i < n; i++)
        {
            double sum = c[i];
            var row = m.AsSpan(i * columns, columns);
            for (int j = 0; j < columns; j++) sum += row[j] * state[j];
            u[i] = sum;
        }
    }
}
