using NeuroDyn.Models.Reservoir;
using NeuroDyn.Systems;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The closed-loop sample-to-sample map of any recurrent sequence model, s = (flattened state, latest input x):
/// x̂ = Predict(state, x), G(state, x) = (Step(state, x̂), x̂) — the latest input is part of s only when the prediction depends on it
/// (an increment readout), else s is the flattened state alone. Evaluated by the model's own tensors in its dtype; Jacobian by autograd.</summary>
/// <remarks>Whatever the model's solver, the map is exactly its rollout step; an adaptive solver chooses its steps from numbers taken off the
/// graph, so autograd differentiates the map with the accepted step sequence frozen. A spiking model has no map (its surrogate derivative
/// is not a Jacobian): <see cref="SurrogateLifNetwork"/> is refused. Allocates tensors per call: for analyses of modest size.</remarks>
/// <typeparam name="TState">The model's state during a run.</typeparam>
public sealed class SequenceModelMap<TState> : IClosedLoopMap
{
    readonly IRecurrentSequenceModel<TState> model;
    readonly TState template;
    readonly Func<TState, Tensor> flatten;
    readonly Func<Tensor, TState, TState> unflatten;
    readonly TorchVectorField function;
    readonly int stateSize;
    readonly ScalarType dtype;
    readonly Device device;

    /// <summary>The map of <paramref name="model"/> (batch of one) whose states look like <paramref name="template"/>: <paramref name="flatten"/> turns a state into
    /// a vector, <paramref name="unflatten"/> a vector back into a state like the template (weights etc. taken from it); <paramref name="outputSize"/> D;
    /// <paramref name="feedsLatest"/> whether the prediction adds to the latest input (then x is part of the map state).</summary>
    public SequenceModelMap(IRecurrentSequenceModel<TState> model, TState template, Func<TState, Tensor> flatten, Func<Tensor, TState, TState> unflatten,
        int outputSize, bool feedsLatest)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(flatten);
        ArgumentNullException.ThrowIfNull(unflatten);
        if (model is SurrogateLifNetwork)
            throw new NotSupportedException("a spiking model has no smooth closed-loop map (its surrogate derivative is not a Jacobian); analyse its free run with trajectory measures instead (LargestLyapunov, Dimensions, PoincareSection return maps).");
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "outputSize must be >= 1.");
        (this.model, this.template, this.flatten, this.unflatten, OutputSize, FeedsLatest) = (model, template, flatten, unflatten, outputSize, feedsLatest);
        using var scope = torch.NewDisposeScope();
        var flat = flatten(template);
        (stateSize, dtype, device) = ((int)flat.numel(), flat.dtype, flat.device);
        Dimension = stateSize + (feedsLatest ? outputSize : 0);
        function = new TorchVectorField(Dimension, Next, device);
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>True when the latest input is part of the map state (the prediction adds to it).</summary>
    public bool FeedsLatest { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> state, Span<double> next) => function.Evaluate(state, next);

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) => function.Jacobian(state, jacobian);

    /// <inheritdoc/>
    public void Prediction(ReadOnlySpan<double> state, Span<double> prediction)
    {
        if (state.Length != Dimension) throw new ArgumentException($"state has {state.Length} entries but the map has dimension {Dimension}.", nameof(state));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (modelState, latest) = Split(torch.tensor(state.ToArray(), dtype: ScalarType.Float64, device: device));
        model.Predict(modelState, latest).to(ScalarType.Float64, torch.CPU).contiguous().data<double>().CopyTo(prediction);
    }

    /// <summary>G on a float64 vector [m]: x̂ = Predict(state, x), then (Step(state, x̂), x̂).</summary>
    Tensor Next(Tensor s)
    {
        var (state, latest) = Split(s);
        var prediction = model.Predict(state, latest);
        var next = flatten(model.Step(state, prediction)).reshape(-1).to(ScalarType.Float64);
        return FeedsLatest ? torch.cat([next, prediction.reshape(-1).to(ScalarType.Float64)], 0) : next;
    }

    /// <summary>The model state and the latest input [1, D] (zeros when it is not part of the map state) from a map state.</summary>
    (TState State, Tensor Latest) Split(Tensor s)
    {
        var hidden = s.narrow(0, 0, stateSize).to(dtype);
        var latest = FeedsLatest ? s.narrow(0, stateSize, OutputSize).to(dtype).reshape(1, OutputSize) : torch.zeros([1, OutputSize], dtype: dtype, device: device);
        return (unflatten(hidden, template), latest);
    }
}

/// <summary>Closed-loop maps of trained sequence models, whatever the model: its own (<see cref="IClosedLoopMapProvider"/>, the rate networks), or the
/// generic autograd map (<see cref="SequenceModelMap{TState}"/>) of a recurrent model whose state is a tensor, so a new model is analysable without new code.</summary>
public static class SequenceModelMaps
{
    /// <summary>The closed-loop map of <paramref name="model"/> and its state after the warm-up <paramref name="window"/> [L, D]. A spiking model, or one whose
    /// state is not a tensor and that provides no map, throws <see cref="NotSupportedException"/> saying what to use instead.</summary>
    public static ModelMap ClosedLoop(ISequenceModel model, double[,] window)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        return model switch
        {
            IClosedLoopMapProvider provider => new ModelMap(provider.ClosedLoopMap(), provider.ClosedLoopState(window)),
            IRecurrentSequenceModel<Tensor> recurrent => ClosedLoop(recurrent, window, state => state.reshape(-1), (flat, like) => flat.reshape(like.shape)),
            SurrogateLifNetwork => throw new NotSupportedException("a spiking model has no smooth closed-loop map (its surrogate derivative is not a Jacobian); analyse its free run with trajectory measures instead (LargestLyapunov, Dimensions, PoincareSection return maps)."),
            _ => throw new NotSupportedException($"{model.GetType().Name} exposes no recurrent state: implement IRecurrentSequenceModel<Tensor>, or call SequenceModelMaps.ClosedLoop(model, window, flatten, unflatten) with its state's conversions."),
        };
    }

    /// <summary>The autograd closed-loop map of a recurrent model with any state type (<paramref name="flatten"/>/<paramref name="unflatten"/> convert its state
    /// to and from a vector) and its state after the warm-up <paramref name="window"/> [L, D]; whether the latest input is part of the map state is
    /// found by autograd (does the prediction depend on it?).</summary>
    public static ModelMap ClosedLoop<TState>(IRecurrentSequenceModel<TState> model, double[,] window, Func<TState, Tensor> flatten, Func<Tensor, TState, TState> unflatten)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(flatten);
        var like = model.Module.parameters().FirstOrDefault()
            ?? throw new ArgumentException("the model has no parameters to take the dtype and device from.", nameof(model));
        using var noGrad = torch.no_grad();
        var inputs = torch.tensor(window, like.dtype, like.device).unsqueeze(0);
        var warm = model.WarmUp(inputs);
        var last = inputs[0L, -1L].reshape(1, -1);
        bool feedsLatest;
        using (torch.enable_grad())
        {
            var probe = last.clone().requires_grad_(true);
            var prediction = model.Predict(warm, probe);
            var gradient = prediction.requires_grad ? torch.autograd.grad([prediction.sum()], [probe], allow_unused: true)[0] : null;
            feedsLatest = gradient is not null && !gradient.IsInvalid;
        }
        var map = new SequenceModelMap<TState>(model, warm, flatten, unflatten, (int)last.shape[1], feedsLatest);
        var start = flatten(warm).reshape(-1).to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
        return new ModelMap(map, feedsLatest ? [.. start, .. last.reshape(-1).to(ScalarType.Float64, torch.CPU).data<double>().ToArray()] : start);
    }
}
