using NeuroDyn.Systems;

namespace NeuroDyn.Models;

/// <summary>A rate network's closed-loop field (or its field with an input held) as a family in the recurrent gain g, dh/dt = γ ⊙ (−h + φ(g W h + …)),
/// with the one parameter "gain", so that <see cref="Analysis.OrbitDiagram"/> and <see cref="Analysis.Continuation"/> can sweep it.</summary>
/// <remarks>Holds scratch space (its <see cref="RateNetworkVectorField"/>): one instance per thread.</remarks>
public sealed class RateNetworkGainField : IParameterizedField
{
    readonly RateNetworkVectorField inner;
    readonly double[]? heldInput;

    /// <summary>The closed-loop field of <paramref name="dynamics"/> at its gain, or with <paramref name="heldInput"/> held (open loop) when given.</summary>
    public RateNetworkGainField(RateNetworkDynamics dynamics, double[]? heldInput = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        (Dynamics, this.heldInput) = (dynamics, heldInput);
        inner = heldInput is null ? dynamics.ClosedLoopField() : dynamics.HeldInputField(heldInput);
    }

    /// <summary>The dynamics the field was built from (with its gain).</summary>
    public RateNetworkDynamics Dynamics { get; }

    /// <inheritdoc/>
    public int Dimension => inner.Dimension;

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative) => inner.Evaluate(state, derivative);

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian) => inner.Jacobian(state, jacobian);

    /// <inheritdoc/>
    public IReadOnlyList<string> ParameterNames { get; } = [RateNetworkDynamics.GainName];

    /// <inheritdoc/>
    public double GetParameter(string name) => name == RateNetworkDynamics.GainName ? Dynamics.Gain
        : throw new ArgumentException($"unknown parameter '{name}': a rate network's field has the parameter '{RateNetworkDynamics.GainName}' (the recurrent gain).", nameof(name));

    /// <inheritdoc/>
    public IParameterizedField WithParameter(string name, double value)
    {
        GetParameter(name);
        return new RateNetworkGainField(Dynamics.WithGain(value), heldInput);
    }
}
