using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A trainable network that reads a window of states and predicts the next one, and can continue in closed loop.</summary>
public interface ISequenceModel
{
    /// <summary>The module whose parameters are trained and checkpointed.</summary>
    nn.Module Module { get; }
    /// <summary>One-step prediction: windows [B, L, D] → next states [B, D].</summary>
    Tensor PredictNext(Tensor windows);
    /// <summary>Closed loop: warm up on windows [B, L, D], then feed its own predictions back for <paramref name="steps"/> steps → [B, steps, D].</summary>
    Tensor Rollout(Tensor windows, int steps);
    /// <summary>Number of trainable scalar parameters.</summary>
    int ParameterCount { get; }
}
