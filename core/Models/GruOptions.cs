namespace NeuroDyn.Models;

/// <summary>Shape and readout of a <see cref="GruNetwork"/>, the discrete-time baseline: h_{k+1} = GRU(h_k, x_k), one update per sample,
/// prediction W_out h + b_out (state readout) or x_last + s (W_out h + b_out) (increment readout).</summary>
/// <remarks>No time constant and no solver: the network has no model time between samples, only its update per sample.</remarks>
public sealed record GruOptions
{
    /// <summary>Number of hidden units n (default 64).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Input dimension D of x (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;

    /// <summary>Output dimension of y (default 3; must equal <see cref="InputSize"/> for closed-loop rollouts and the increment readout).</summary>
    public int OutputSize { get; init; } = 3;

    /// <summary>What the readout predicts: the next state (default) or its change since the latest input, as for the rate networks
    /// (<see cref="RateNetworkOptions.Readout"/>).</summary>
    public ReadoutTarget Readout { get; init; } = ReadoutTarget.State;

    /// <summary>Increment readout: the scale s in x̂ = x_last + s (W_out h + b_out), best the RMS increment of the training data (default 1).</summary>
    public double IncrementScale { get; init; } = 1.0;

    /// <summary>Trainable scalars of a network with these options: 3n(D + n) gate weights, 6n gate biases, n·D_out + D_out readout.</summary>
    public long ParameterCount => 3L * Hidden * (InputSize + Hidden) + 6L * Hidden + (long)OutputSize * Hidden + OutputSize;

    /// <summary>Checks every option, naming the one at fault.</summary>
    internal void Validate()
    {
        if (Hidden <= 0) throw new ArgumentOutOfRangeException(nameof(Hidden), Hidden, "GruOptions.Hidden (number of units) must be >= 1.");
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "GruOptions.InputSize must be >= 1.");
        if (OutputSize <= 0) throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "GruOptions.OutputSize must be >= 1.");
        double n = Hidden, d = InputSize, o = OutputSize;
        NeuroDyn.IO.MemoryBudget.Ensure(8.0 * (3 * n * (d + n) + 6 * n + o * n + o), nameof(Hidden), $"the float64 weights of a GRU of {Hidden} units", "Use fewer units (training needs about five times as much again).");
        ReadoutTargets.Validate(Readout, IncrementScale);
        if (Readout == ReadoutTarget.Increment && InputSize != OutputSize)
            throw new ArgumentException($"the increment readout adds the prediction to the last input, so GruOptions.OutputSize ({OutputSize}) must equal InputSize ({InputSize}).", nameof(OutputSize));
    }
}
