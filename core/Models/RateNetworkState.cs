using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A rate network's state during a run: the hidden state h [B, n], with the effective recurrent weights W [n, n] and the
/// inverse time constants γ (scalar or [n]) it evolves under, both taken once when the run starts (<see cref="RateNetwork{TOptions}.WarmUp"/>),
/// so that every step of a closed-loop rollout uses the same W — one autograd node for it however long the rollout.</summary>
public sealed record RateNetworkState(Tensor Hidden, Tensor Weight, Tensor InverseTau);
