using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A trained sequence model's closed-loop sample-to-sample map s_{k+1} = G(s_k) (an <see cref="IMap"/>) that can also say what the model predicts at a state.</summary>
public interface IClosedLoopMap : IMap
{
    /// <summary>Dimension D of a prediction.</summary>
    int OutputSize { get; }

    /// <summary>The model's prediction x̂ at the map state (the sample it feeds back over the next interval) into <paramref name="prediction"/> (length D):
    /// iterating the map from the state after a warm-up window and reading each state's prediction reproduces the model's closed-loop rollout.</summary>
    void Prediction(ReadOnlySpan<double> state, Span<double> prediction);
}

/// <summary>A sequence model that builds its own closed-loop map (the rate networks: exact in doubles; the GRU: the autograd <see cref="SequenceModelMap{TState}"/>
/// on its hidden state), which <see cref="SequenceModelMaps.ClosedLoop(ISequenceModel, double[,])"/> returns.</summary>
public interface IClosedLoopMapProvider
{
    /// <summary>The closed-loop sample-to-sample map exactly as trained.</summary>
    IClosedLoopMap ClosedLoopMap();

    /// <summary>The map state after a warm-up window [L, D] from rest.</summary>
    double[] ClosedLoopState(double[,] window);
}

/// <summary>A sequence model without smooth dynamics (a spiking model: its surrogate derivative is not a Jacobian), so it has no closed-loop map to
/// differentiate; <see cref="SequenceModelMaps"/> refuses it with <see cref="NoMapReason"/>.</summary>
public interface INonSmoothSequenceModel
{
    /// <summary>Why the model has no smooth map, and what to analyse instead.</summary>
    string NoMapReason { get; }
}

/// <summary>A closed-loop map and the map state after a warm-up window: iterate <see cref="Map"/> from <see cref="InitialState"/> to run the model in closed loop.</summary>
/// <param name="Map">The closed-loop map.</param>
/// <param name="InitialState">The map state after the window.</param>
public sealed record ModelMap(IClosedLoopMap Map, double[] InitialState);
