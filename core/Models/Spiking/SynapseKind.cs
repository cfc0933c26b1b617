namespace NeuroDyn.Models.Spiking;

/// <summary>How a presynaptic spike acts on the membrane of a current-based leaky integrate-and-fire neuron.</summary>
public enum SynapseKind
{
    /// <summary>Instantaneous voltage jump: V ← V + J at arrival (Brunel 2000, model A).</summary>
    Delta,

    /// <summary>Exponentially decaying current τ_s dI/dt = −I, jumping by J τ_m/τ_s at arrival, so that its total charge equals the delta synapse's jump J.</summary>
    Exponential,
}
