namespace NeuroDyn.Torch;

/// <summary>An explicit Runge–Kutta method for <see cref="TorchOde"/>: three on a fixed grid, one adaptive.</summary>
public enum OdeMethod
{
    /// <summary>Forward Euler, order 1, fixed grid.</summary>
    Euler,
    /// <summary>Explicit midpoint rule, order 2, fixed grid.</summary>
    Midpoint,
    /// <summary>Classic fourth-order Runge–Kutta, fixed grid.</summary>
    Rk4,
    /// <summary>Dormand–Prince 5(4), adaptive step with an embedded error estimate.</summary>
    Dopri5,
}
