namespace NeuroDyn.Solvers;

/// <summary>
/// A right-hand side dy/dt = g(y) on a flat state vector, for the Runge–Kutta stage arithmetic
/// (<see cref="RungeKuttaStepper"/>, <see cref="RungeKuttaStages"/>); implemented by structs so that the generic code is
/// compiled once per right-hand side and stays allocation-free.
/// </summary>
internal interface IFlatDerivative
{
    /// <summary>Writes g(y) into <paramref name="dy"/>.</summary>
    void Evaluate(ReadOnlySpan<double> y, Span<double> dy);
}
