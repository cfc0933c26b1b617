using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>What the linear readout r = W_out h + b_out of a network predicts (the rate networks, <see cref="Reservoir.SurrogateLifNetwork"/>).</summary>
public enum ReadoutTarget
{
    /// <summary>The next state itself: x̂_{k+1} = W_out h + b_out.</summary>
    State,
    /// <summary>The change of the state (a residual readout): x̂_{k+1} = x_k + s (W_out h + b_out), with s the increment scale.</summary>
    /// <remarks>For a finely sampled flow the increment is small (about dt·f(x)), so the network spends its precision on the part
    /// of the next state that the last one does not already give; s brings the increments to order 1 for the weights.</remarks>
    Increment,
}

/// <summary>Turns a network's readout r into its next-state prediction (shared by the rate networks and the surrogate-gradient LIF network).</summary>
internal static class ReadoutTargets
{
    /// <summary>x̂_{k+1} = r (state readout) or x_k + s r (increment readout) for readouts and last inputs [B, D].</summary>
    internal static Tensor NextState(this ReadoutTarget target, Tensor readout, Tensor lastInput, double incrementScale)
    {
        if (target != ReadoutTarget.Increment) return readout;
        using var scale = incrementScale.ToScalar();   // explicit and disposed after the call: an implicit one may be finalized mid-call
        return lastInput.add(readout, alpha: scale);
    }

    /// <summary>Checks the readout settings, naming the option at fault.</summary>
    internal static void Validate(ReadoutTarget target, double incrementScale)
    {
        if (!Enum.IsDefined(target)) throw new ArgumentOutOfRangeException("Readout", target, "unknown readout target; use State or Increment.");
        NeuroDyn.Systems.Guard.Positive(incrementScale, "IncrementScale");
    }
}
