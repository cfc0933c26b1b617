using static TorchSharp.torch;

namespace NeuroDyn.Models.Reservoir;

/// <summary>A <see cref="SurrogateLifNetwork"/>'s state during a run: membrane potentials v, last spikes s and spike traces r, each [B, n].</summary>
public sealed record SurrogateLifState(Tensor V, Tensor S, Tensor R);
