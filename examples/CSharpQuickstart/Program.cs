using NeuroDyn.Solvers;
using NeuroDyn.Systems;

// Solve Lorenz-63 with the 8th-order Dormand–Prince method and report how it went.
var lorenz = new Lorenz63(sigma: 10, rho: 28, beta: 8.0 / 3.0);
var solution = Ode.Solve(lorenz, [1.0, 1.0, 1.0], t0: 0, t1: 25,
    new OdeOptions { Method = OdeMethod.Dop853, Rtol = 1e-10, Atol = 1e-10 }).EnsureSuccess();
int last = solution.Times.Length - 1;
Console.WriteLine($"x(25) = ({solution.States[last, 0]:F6}, {solution.States[last, 1]:F6}, {solution.States[last, 2]:F6})");
Console.WriteLine($"{solution.FunctionEvaluations} evaluations, {solution.AcceptedSteps} steps");
