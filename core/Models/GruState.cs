using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A <see cref="GruNetwork"/>'s state during a run: the hidden state h [B, n].</summary>
public sealed record GruState(Tensor Hidden);
