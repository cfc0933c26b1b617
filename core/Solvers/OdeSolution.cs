namespace NeuroDyn.Solvers;

/// <summary>
/// The result of <see cref="Ode.Solve"/>: states at the reported times (row i is the state at Times[i]), the work done,
/// and whether the integration reached t1. A failed solution holds the states computed before the failure.
/// </summary>
/// <param name="Times">Times of the reported states, increasing.</param>
/// <param name="States">States, one row per time and one column per component.</param>
/// <param name="FunctionEvaluations">Number of evaluations of the vector field.</param>
/// <param name="AcceptedSteps">Steps taken.</param>
/// <param name="RejectedSteps">Steps tried and rejected by the error control (always 0 for fixed-step methods).</param>
/// <param name="Success">True when the integration reached t1.</param>
/// <param name="Message">How the integration ended; on failure, where and what to try.</param>
public sealed record OdeSolution(double[] Times, double[,] States, long FunctionEvaluations,
    long AcceptedSteps, long RejectedSteps, bool Success, string Message)
{
    /// <summary>Returns this solution if it reached t1, otherwise throws an <see cref="InvalidOperationException"/> carrying <see cref="Message"/>.</summary>
    public OdeSolution EnsureSuccess() =>
        Success ? this : throw new InvalidOperationException($"The ODE solver failed: {Message}");

    /// <summary>The state at Times[index] as a new array.</summary>
    public double[] State(int index)
    {
        int n = States.GetLength(1);
        var state = new double[n];
        for (int i = 0; i < n; i++) state[i] = States[index, i];
        return state;
    }
}
