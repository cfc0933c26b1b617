using NeuroDyn.Solvers;
namespace NeuroDyn.Torch;

/// <summary>How <see cref="TorchOde"/> integrates: the method, its step (fixed grid) or tolerances and limits (adaptive).</summary>
public sealed record TorchOdeOptions
{
    /// <summary>The Runge–Kutta method: Euler, Midpoint, Rk4 or Dopri5 (default, adaptive Dormand–Prince 5(4)).</summary>
    public OdeMethod Method { get; init; } = OdeMethod.Dopri5;

    /// <summary>Fixed-grid methods: the largest step; each interval between output times is cut into ⌈Δt/Step⌉ equal steps,
    /// so output times are hit exactly. Null means one step per interval. Ignored by adaptive methods.</summary>
    public double? Step { get; init; }

    /// <summary>Adaptive methods: relative tolerance of the local error (default 1e-7).</summary>
    public double Rtol { get; init; } = 1e-7;

    /// <summary>Adaptive methods: absolute tolerance of the local error (default 1e-9).</summary>
    public double Atol { get; init; } = 1e-9;

    /// <summary>Adaptive methods: the first trial step; null chooses one from the problem (Hairer, Nørsett &amp; Wanner, Solving ODEs I, II.4).</summary>
    public double? FirstStep { get; init; }

    /// <summary>Adaptive methods: a step below this is an error (underflow), not an endless loop (default 1e-12).</summary>
    public double MinStep { get; init; } = 1e-12;

    /// <summary>Adaptive methods: the largest step allowed (default unbounded).</summary>
    public double MaxStep { get; init; } = double.PositiveInfinity;

    /// <summary>Budget of steps (accepted and rejected) for the whole integration; exceeding it is an error (default 100 000).</summary>
    public int MaxSteps { get; init; } = 100_000;
}
