namespace NeuroDyn.Models;

/// <summary>A CT-RNN run in closed loop as an autonomous field, in plain doubles for fast analysis. State readout, on h:
/// dh/dt = (−h + tanh(M h + c)) / τ, M = W_rec + W_in W_out, c = b + W_in b_out (the readout fed back as input). Increment readout, on (h, x):
/// dh/dt = (−h + tanh(W_rec h + W_in x + b)) / τ, dx/dt = (s/Δ)(W_out h + b_out).</summary>
/// <remarks>Jacobian (state readout) J = (−I + diag(1 − tanh²(M h + c)) M) / τ; see <see cref="RateNetworkVectorField"/> for the increment readout. Holds scratch space: one instance per thread.</remarks>
public sealed class CtRnnVectorField : RateNetworkVectorField
{
    /// <summary>Time constant τ.</summary>
    public double Tau { get; }

    /// <summary>The field of a CT-RNN from its weights (row-major copies): W_rec [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D];
    /// <paramref name="incrementRate"/> s/Δ for the increment readout, null for the state readout.</summary>
    public CtRnnVectorField(double[] recurrentWeight, double[] inputWeight, double[] bias, double[] outputWeight, double[] outputBias, double tau, double? incrementRate = null)
        : base(recurrentWeight, inputWeight, bias, outputWeight, outputBias, Enumerable.Repeat(tau, bias?.Length ?? 0).ToArray(), RateActivation.Tanh, incrementRate) =>
        Tau = tau;
}
