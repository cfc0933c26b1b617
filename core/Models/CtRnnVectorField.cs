namespace NeuroDyn.Models;

/// <summary>A CT-RNN run in closed loop as an autonomous field on hidden states: dh/dt = (−h + tanh(M h + c)) / τ, with
/// M = W_rec + W_in W_out and c = b + W_in b_out (the readout fed back as input), in plain doubles for fast analysis.</summary>
/// <remarks>Jacobian J = (−I + diag(1 − tanh²(M h + c)) M) / τ. Holds scratch space: one instance per thread.</remarks>
public sealed class CtRnnVectorField : RateNetworkVectorField
{
    /// <summary>Time constant τ.</summary>
    public double Tau { get; }

    /// <summary>The field of a CT-RNN from its weights (row-major copies): W_rec [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D].</summary>
    public CtRnnVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias, double tau)
        : base(recurrentWeight, inputWeight, bias, outputWeight, outputBias, Enumerable.Repeat(tau, bias?.Length ?? 0).ToArray(), RateActivation.Tanh) =>
        Tau = tau;
}
