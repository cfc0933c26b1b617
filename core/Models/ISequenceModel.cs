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

/// <summary>A sequence model that carries a recurrent state: warmed up on a window from rest, advanced one sample at a time, and read
/// out into a prediction after each. Its <see cref="ISequenceModel.PredictNext"/> and <see cref="ISequenceModel.Rollout"/> are
/// <see cref="SequenceModels"/>' (one implementation for every such model).</summary>
/// <typeparam name="TState">The model's state during a run.</typeparam>
public interface IRecurrentSequenceModel<TState> : ISequenceModel
{
    /// <summary>The state after driving the model from rest with windows [B, L, D] (checked: shape, type, device, finite entries).</summary>
    TState WarmUp(Tensor windows);
    /// <summary>The state after one more sample: the input x [B, D], held for one sample.</summary>
    TState Step(TState state, Tensor input);
    /// <summary>The next-state prediction [B, D] from a state and the latest input [B, D] (which an increment readout adds to).</summary>
    Tensor Predict(TState state, Tensor latest);
}

/// <summary>The one-step prediction and the closed-loop rollout of every <see cref="IRecurrentSequenceModel{TState}"/>.</summary>
public static class SequenceModels
{
    /// <summary>x̂_L from windows [B, L, D]: the prediction from the state after the window and the window's last sample x_{L−1}.</summary>
    public static Tensor PredictNext<TState>(IRecurrentSequenceModel<TState> model, Tensor windows)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.Predict(model.WarmUp(windows), windows.select(1, -1));
    }

    /// <summary>Closed loop: warm up on windows [B, L, D] and predict x̂_L, then feed each prediction back as the next sample:
    /// x̂_{L+k} from the state advanced by x̂_{L+k−1}. Predictions [B, steps, D]; differentiable (wrap in torch.no_grad() for values only).</summary>
    public static Tensor Rollout<TState>(IRecurrentSequenceModel<TState> model, Tensor windows, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 1.");
        var state = model.WarmUp(windows);
        var y = model.Predict(state, windows.select(1, -1));
        var predictions = new List<Tensor>(steps) { y };
        for (int s = 1; s < steps; s++)
        {
            state = model.Step(state, y);
            y = model.Predict(state, y);
            predictions.Add(y);
        }
        return torch.stack(predictions, dim: 1);
    }
}
