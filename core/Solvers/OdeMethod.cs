namespace NeuroDyn.Solvers;

/// <summary>The explicit Runge–Kutta methods: <see cref="Ode.Solve"/> offers all of them, the tensor solvers (<see cref="Torch.TorchOde"/>) all but Dop853.</summary>
public enum OdeMethod
{
    /// <summary>Forward Euler, order 1, fixed step: y₊ = y + h·f(y).</summary>
    Euler,
    /// <summary>Explicit midpoint rule, order 2, fixed step: y₊ = y + h·f(y + h/2·f(y)) (Runge 1895).</summary>
    Midpoint,
    /// <summary>The classical Runge–Kutta method, order 4, fixed step (Kutta 1901).</summary>
    Rk4,
    /// <summary>Dormand–Prince 5(4), adaptive, with a 4th-order dense output; scipy's RK45 (Dormand &amp; Prince 1980; Shampine 1986).</summary>
    Dopri5,
    /// <summary>Dormand–Prince 8(5,3), adaptive, with a 7th-order dense output; scipy's DOP853 (Hairer, Nørsett &amp; Wanner 1993, §II.10). Double solver only.</summary>
    Dop853,
}
