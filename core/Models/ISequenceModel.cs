using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A trainable network that reads a window of states and predicts the next one, and can continue in closed loop.</summary>
public interface ISequenceModel {
    /// <summary>Parameters to train and checkpoint.</summary>
    torch.nn.Module Module { get; }
    /// <summary>[B, L, D] -> [B, D].</summary>
    Tensor PredictNext(Tensor windows);
    /// <summary>Warm up on [B, L, D], then feed own predictions back: [B, steps, D].</summary>
    Tensor Rollout(Tensor windows, int steps);
    /// <summary>Number of trainable scalars.</summary>
    int ParameterCount { get; }
}
