using NeuroDyn.Systems;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The closed-loop sample-to-sample map of any recurrent sequence model, s = (flattened state, latest input x):
/// x̂ = Predict(state, x), G(state, x) = (Step(state, x̂), x̂) — the latest input is part of s only when the prediction depends on it
/// (an increment readout), else s is the flattened state alone. Evaluated by the model's own tensors in its dtype; Jacobian by autograd,
/// in one backward pass: G on m copies of s stacked as a batch, pulled back with the identity, gives row i of ∂G/∂s in copy i.</summary>
/// <remarks>The one-pass Jacobian needs the model to evaluate the rows of a batch independently (no batch-coupled operation such as a batch
/// mean); the map checks this once when it is built (<see cref="BatchedJacobian"/>) and otherwise takes one backward pass per row.
/// Whatever the model's solver, the map is exactly its rollout step; an adaptive solver chooses its steps from numbers taken off the
/// graph, so autograd differentiates the map with the accepted step sequence frozen (the copies are identical, so they share the steps a
/// single state would take). A model without smooth dynamics (<see cref="INonSmoothSequenceModel"/>) is refused. Allocates tensors per
/// call: for analyses of modest size.</remarks>
/// <typeparam name="TState">The model's state during a run.</typeparam>
public sealed class SequenceModelMap<TState> : IClosedLoopMap
{
    readonly IRecurrentSequenceModel<TState> model;
    readonly TState template;
    readonly Func<TState, Tensor> flatten;
    readonly Func<Tensor, TState, TState> unflatten;
    readonly TorchVectorField single;
    readonly int stateSize;
    readonly ScalarType dtype;
    readonly Device device;

    /// <summary>The map of <paramref name="model"/> whose states look like <paramref name="template"/>: <paramref name="flatten"/> turns a state of
    /// batch B into B rows [B, k], <paramref name="unflatten"/> B rows [B, k] back into a state of batch B like the template (weights etc. taken
    /// from it); <paramref name="outputSize"/> D; <paramref name="feedsLatest"/> whether the prediction adds to the latest input (then x is part of
    /// the map state). Builds the map and checks, at the template's state, whether the model keeps the rows of a batch independent.</summary>
    public SequenceModelMap(IRecurrentSequenceModel<TState> model, TState template, Func<TState, Tensor> flatten, Func<Tensor, TState, TState> unflatten,
        int outputSize, bool feedsLatest)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(flatten);
        ArgumentNullException.ThrowIfNull(unflatten);
        if (model is INonSmoothSequenceModel nonSmooth) throw new NotSupportedException(nonSmooth.NoMapReason);
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), outputSize, "outputSize must be >= 1.");
        (this.model, this.template, this.flatten, this.unflatten, OutputSize, FeedsLatest) = (model, template, flatten, unflatten, outputSize, feedsLatest);
        using var scope = torch.NewDisposeScope();
        var rows = flatten(template);
        (stateSize, dtype, device) = ((int)(rows.numel() / Math.Max(1, rows.shape[0])), rows.dtype, rows.device);
        Dimension = stateSize + (feedsLatest ? outputSize : 0);
        single = new TorchVectorField(Dimension, s => Next(s.reshape(1, Dimension)).reshape(Dimension), device);
        BatchedJacobian = RowsIndependent(ProbeState(rows));
    }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public int OutputSize { get; }

    /// <summary>True when the latest input is part of the map state (the prediction adds to it).</summary>
    public bool FeedsLatest { get; }

    /// <summary>True when <see cref="Jacobian"/> takes one backward pass over a batch of copies (the model keeps batch rows independent, checked when
    /// the map was built); false when it takes one backward pass per state dimension.</summary>
    public bool BatchedJacobian { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<double> state, Span<double> next) => single.Evaluate(state, next);

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        if (!BatchedJacobian)
        {
            single.Jacobian(state, jacobian);
            return;
        }
        int m = Dimension;
        if (state.Length != m) throw new ArgumentException($"state has {state.Length} entries but the map has dimension {m}.", nameof(state));
        if (jacobian.Length != m * m) throw new ArgumentException($"jacobian has {jacobian.Length} entries but the map's Jacobian has {m}·{m} = {m * m}.", nameof(jacobian));
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        // a batch of m small rows: one thread does it faster than a team whose wake-ups cost more than the operations
        using var serial = SerialTorchScope.Enter();
        // copy i of the state, pulled back with e_i: Σ_k δ_ik ∂G_k(copy i)/∂(copy i) = row i of the Jacobian (the other copies contribute nothing)
        var copies = Copies(torch.tensor(state.ToArray(), dtype: ScalarType.Float64, device: device), m).requires_grad_(true);
        var next = Next(copies);
        var rows = next.requires_grad
            ? torch.autograd.grad([next], [copies], grad_outputs: [torch.eye(m, dtype: ScalarType.Float64, device: device)], allow_unused: true)[0]
            : null;
        if (rows is null || rows.IsInvalid) jacobian.Clear();
        else rows.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().CopyTo(jacobian);
    }

    /// <inheritdoc/>
    public void Prediction(ReadOnlySpan<double> state, Span<double> prediction)
    {
        if (state.Length != Dimension) throw new ArgumentException($"state has {state.Length} entries but the map has dimension {Dimension}.", nameof(state));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var (modelState, latest) = Split(torch.tensor(state.ToArray(), dtype: ScalarType.Float64, device: device).reshape(1, Dimension));
        model.Predict(modelState, latest).to(ScalarType.Float64, torch.CPU).contiguous().data<double>().CopyTo(prediction);
    }

    /// <summary>G on float64 map states [B, m], row by row: x̂ = Predict(state, x), then (Step(state, x̂), x̂).</summary>
    Tensor Next(Tensor s)
    {
        var (state, latest) = Split(s);
        var prediction = model.Predict(state, latest);
        var next = flatten(model.Step(state, prediction)).reshape(s.shape[0], stateSize).to(ScalarType.Float64);
        return FeedsLatest ? torch.cat([next, prediction.to(ScalarType.Float64)], 1) : next;
    }

    /// <summary>The model state and the latest inputs [B, D] (zeros when they are not part of the map state) from map states [B, m].</summary>
    (TState State, Tensor Latest) Split(Tensor s)
    {
        long batch = s.shape[0];
        var hidden = s.narrow(1, 0, stateSize).to(dtype);
        var latest = FeedsLatest ? s.narrow(1, stateSize, OutputSize).to(dtype) : torch.zeros([batch, OutputSize], dtype: dtype, device: device);
        return (unflatten(hidden, template), latest);
    }

    /// <summary>A float64 map state [m] repeated as <paramref name="count"/> rows [count, m].</summary>
    static Tensor Copies(Tensor state, long count) => state.reshape(1, -1).repeat(count, 1);

    /// <summary>The state the batch check probes: the template's first row (zeros for the latest input), shifted by 0.1 sin(k + 1) in coordinate k,
    /// away from symmetric points such as rest where a coupling could vanish.</summary>
    Tensor ProbeState(Tensor templateRows)
    {
        var hidden = templateRows.reshape(templateRows.shape[0], stateSize)[0].to(ScalarType.Float64);
        var state = FeedsLatest ? torch.cat([hidden, torch.zeros(OutputSize, dtype: ScalarType.Float64, device: device)], 0) : hidden;
        // explicit Scalars disposed after use: an implicitly converted one may be finalized while libtorch still reads it
        using Scalar one = 1.ToScalar(), end = (Dimension + 1).ToScalar(), amplitude = 0.1.ToScalar();
        return state.add(torch.arange(one, end, one, dtype: ScalarType.Float64, device: device).sin().mul(amplitude), alpha: one);
    }

    /// <summary>Whether the model evaluates the rows of a batch independently at <paramref name="probe"/> [m]: two copies each give the single
    /// evaluation's values (within √ε of the model's dtype, for another summation order), and the first copy's outputs do not depend on the second.</summary>
    bool RowsIndependent(Tensor probe)
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        Tensor alone;
        using (torch.no_grad()) alone = Next(probe.reshape(1, Dimension));
        var pair = Copies(probe, 2).requires_grad_(true);
        var next = Next(pair);
        double epsilon = dtype switch { ScalarType.Float64 => Math.Pow(2, -52), ScalarType.Float32 => Math.Pow(2, -23), _ => Math.Pow(2, -7) };
        double tolerance = Math.Sqrt(epsilon) * (1 + alone.abs().max().item<double>());
        if (!(next.detach().sub(alone).abs().max().item<double>() <= tolerance)) return false;
        if (!next.requires_grad) return true;
        // distinct weights on the first copy's outputs, so that no coupling cancels in their sum
        var weights = torch.cat([torch.linspace(1, 2, Dimension, dtype: ScalarType.Float64, device: device).reshape(1, Dimension),
                                 torch.zeros([1, Dimension], dtype: ScalarType.Float64, device: device)], 0);
        var pulled = torch.autograd.grad([next], [pair], grad_outputs: [weights], allow_unused: true)[0];
        return pulled is null || pulled.IsInvalid || pulled[1].abs().max().item<double>() == 0;
    }
}

/// <summary>Closed-loop maps of trained sequence models, whatever the model: its own (<see cref="IClosedLoopMapProvider"/>: the rate networks, the GRU),
/// or the generic autograd map (<see cref="SequenceModelMap{TState}"/>) of a recurrent model whose state is a tensor, so a new model is analysable without new code.</summary>
public static class SequenceModelMaps
{
    /// <summary>The closed-loop map of <paramref name="model"/> and its state after the warm-up <paramref name="window"/> [L, D]. A model without smooth
    /// dynamics, or one whose state is not a tensor and that provides no map, throws <see cref="NotSupportedException"/> saying what to use instead.</summary>
    public static ModelMap ClosedLoop(ISequenceModel model, double[,] window)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(window);
        return model switch
        {
            IClosedLoopMapProvider provider => new ModelMap(provider.ClosedLoopMap(), provider.ClosedLoopState(window)),
            INonSmoothSequenceModel nonSmooth => throw new NotSupportedException(nonSmooth.NoMapReason),
            IRecurrentSequenceModel<Tensor> recurrent => ClosedLoop(recurrent, window, state => state.reshape(state.shape[0], -1),
                (rows, like) => rows.reshape([rows.shape[0], .. like.shape[1..]])),
            _ => throw new NotSupportedException($"{model.GetType().Name} exposes no recurrent state: implement IClosedLoopMapProvider or IRecurrentSequenceModel<Tensor> (batch first), or call SequenceModelMaps.ClosedLoop(model, window, flatten, unflatten) with its state's conversions."),
        };
    }

    /// <summary>The autograd closed-loop map of a recurrent model with any state type (<paramref name="flatten"/> turns a state of batch B into rows [B, k],
    /// <paramref name="unflatten"/> rows [B, k] back into a state of batch B like a given one) and its state after the warm-up <paramref name="window"/> [L, D];
    /// whether the latest input is part of the map state is found by autograd (does the prediction depend on it?).</summary>
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
