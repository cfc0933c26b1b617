using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A model that asks the trainer to add a term of its own to each training batch's loss: L = MSE + P(windows)
/// (<see cref="Training.Trainer"/>; the validation loss stays the MSE alone).</summary>
public interface ITrainingPenalty
{
    /// <summary>The penalty P for a batch's input windows [B, L, D] as a differentiable scalar tensor, or null when the model asks for none.</summary>
    Tensor? TrainingPenalty(Tensor windows);
}
