using NeuroDyn.Solvers;

namespace NeuroDyn.Models;

/// <summary>What every rate network of the core shares: its size, inputs and outputs, readout, and how its dynamics are integrated
/// over the samples of a window (<see cref="CtRnnOptions"/>, <see cref="EiRateNetworkOptions"/>).</summary>
public abstract record RateNetworkOptions
{
    /// <summary>Number of units n (default 64).</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Model time Δ covered by one sample of the window; the input is held constant over it (zero-order hold). Default 0.1.</summary>
    public double SampleInterval { get; init; } = 0.1;

    /// <summary>Solver of the network's dynamics (default RK4).</summary>
    public OdeMethod Solver { get; init; } = OdeMethod.Rk4;

    /// <summary>Fixed-step solvers: steps per sample interval, each of size Δ/StepsPerSample (default 1).</summary>
    public int StepsPerSample { get; init; } = 1;

    /// <summary>Train by the adjoint method (memory flat in the number of solver steps) instead of backpropagation through the solver.</summary>
    public bool Adjoint { get; init; }

    /// <summary>Adaptive solver (Dopri5): relative tolerance (default 1e-6).</summary>
    public double Rtol { get; init; } = 1e-6;

    /// <summary>Adaptive solver (Dopri5): absolute tolerance (default 1e-8).</summary>
    public double Atol { get; init; } = 1e-8;

    /// <summary>Input dimension D of x (default 3, the Lorenz state).</summary>
    public int InputSize { get; init; } = 3;

    /// <summary>Output dimension of y (default 3; must equal <see cref="InputSize"/> for closed-loop rollouts).</summary>
    public int OutputSize { get; init; } = 3;

    /// <summary>What the readout predicts: the next state (default) or its change since the latest input (<see cref="ReadoutTarget.Increment"/>:
    /// x̂ = x_last + s (W_out r + b_out), x_last the window's last sample or in closed loop the previous prediction; the closed-loop
    /// field then gains the fed-back state x as D extra coordinates).</summary>
    public ReadoutTarget Readout { get; init; } = ReadoutTarget.State;

    /// <summary>Increment readout: the scale s in x̂ = x_last + s (W_out r + b_out), best the typical size of one sample's change
    /// (e.g. the RMS increment of the training data), so that W_out works with order-1 numbers (default 1; unused by the state readout).</summary>
    public double IncrementScale { get; init; } = 1.0;

    /// <summary>The integration these options ask for, with the rate function φ.</summary>
    internal RateIntegrator Integrator(RateActivation activation) =>
        new(Solver, SampleInterval, StepsPerSample, Adjoint, Rtol, Atol, activation);

    /// <summary>Checks the settings every rate network shares (sizes, readout and solver), naming the option at fault.</summary>
    internal void ValidateShared()
    {
        NeuroDyn.IO.MemoryBudget.Ensure(8.0 * ((double)Hidden * Hidden + (double)Hidden * (InputSize + OutputSize + 1) + OutputSize), nameof(Hidden), $"the float64 weights of {Hidden} units (W_rec n×n, W_in, b, W_out, b_out)", "Use fewer units (training needs about five times as much again).");
        if (InputSize <= 0) throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "InputSize must be >= 1.");
        if (OutputSize <= 0) throw new ArgumentOutOfRangeException(nameof(OutputSize), OutputSize, "OutputSize must be >= 1.");
        ReadoutTargets.Validate(Readout, IncrementScale);
        if (Readout == ReadoutTarget.Increment && InputSize != OutputSize)
            throw new ArgumentException($"the increment readout adds the prediction to the last input, so OutputSize ({OutputSize}) must equal InputSize ({InputSize}).", nameof(OutputSize));
        RateIntegrator.Validate(Solver, SampleInterval, StepsPerSample, Rtol, Atol);
    }
}
