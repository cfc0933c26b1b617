using NeuroDyn.Solvers;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Differentiable ODE solvers over tensors: y(t) for dy/dt = f(t, y), y(times[0]) = y0, on any state shape (batch-aware).</summary>
/// <remarks>
/// <see cref="Odeint"/> is differentiated by ordinary backpropagation through the solver's operations (memory grows with the
/// number of steps); <see cref="OdeintAdjoint"/> by the adjoint method (Chen, Rubanova, Bettencourt &amp; Duvenaud 2018,
/// "Neural Ordinary Differential Equations", NeurIPS), whose memory does not grow with the number of steps.
/// </remarks>
public static class TorchOde
{
    /// <summary>The solution at every output time, shape [times.Length, ...y0.shape]; differentiable by autograd through the solver.</summary>
    /// <param name="f">Right-hand side f(t, y) with t a scalar tensor; must return a tensor of y's shape.</param>
    /// <param name="y0">Initial state at times[0], any shape (e.g. [batch, n]).</param>
    /// <param name="times">Output times, strictly increasing (times[0] is the initial time).</param>
    /// <param name="options">Method, step or tolerances (default <see cref="TorchOdeOptions"/>: adaptive Dormand–Prince 5(4)).</param>
    public static Tensor Odeint(Func<Tensor, Tensor, Tensor> f, Tensor y0, double[] times, TorchOdeOptions? options = null)
    {
        options ??= new TorchOdeOptions();
        Validate(f, y0, times, options);
        return torch.stack(Solve(f, y0, times, options));
    }

    /// <summary>As <see cref="Odeint"/>, but gradients with respect to y0 and <paramref name="parameters"/> come from solving the adjoint
    /// system backwards in time (Chen et al. 2018): d/dt [y, a, g] = [f, −aᵀ∂f/∂y, −aᵀ∂f/∂θ], with a jump a += ∂L/∂y(t_i) at each output time.</summary>
    /// <remarks>The forward solve keeps no graph; the backward pass re-solves the augmented system with the same options, so memory
    /// stays flat as the number of steps grows. Every tensor that f depends on and that needs a gradient must be in <paramref name="parameters"/>.</remarks>
    /// <param name="f">Right-hand side f(t, y) with t a scalar tensor; may close over <paramref name="parameters"/>.</param>
    /// <param name="y0">Initial state at times[0], any shape.</param>
    /// <param name="times">Output times, strictly increasing.</param>
    /// <param name="parameters">Tensors f depends on whose gradients are wanted (each must require grad and share y0's dtype and device).</param>
    /// <param name="options">Method, step or tolerances, used both forwards and for the adjoint solve backwards.</param>
    public static Tensor OdeintAdjoint(Func<Tensor, Tensor, Tensor> f, Tensor y0, double[] times, IReadOnlyList<Tensor> parameters, TorchOdeOptions? options = null)
    {
        options ??= new TorchOdeOptions();
        Validate(f, y0, times, options);
        ArgumentNullException.ThrowIfNull(parameters);
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i] ?? throw new ArgumentNullException(nameof(parameters), $"parameters[{i}] is null.");
            if (!p.requires_grad)
                throw new ArgumentException($"parameters[{i}] does not require grad; pass only the tensors whose gradients you want.", nameof(parameters));
            if (p.dtype != y0.dtype || p.device.type != y0.device.type)
                throw new ArgumentException($"parameters[{i}] is {p.dtype} on {p.device} but y0 is {y0.dtype} on {y0.device}; use one dtype and device.", nameof(parameters));
        }
        var problem = new AdjointProblem(f, times, parameters.ToArray(), options);
        return AdjointFunction.apply([problem, y0, .. parameters])[0];
    }

    /// <summary>The states at every output time, without checks (used forwards and by the adjoint backwards).</summary>
    internal static List<Tensor> Solve(Func<Tensor, Tensor, Tensor> f, Tensor y0, double[] times, TorchOdeOptions options)
    {
        var function = new OdeFunction(f, y0.dtype, y0.device);
        var tableau = ButcherTableau.For(options.Method);
        // a tableau with error weights is an embedded pair, stepped adaptively; the others step on a fixed grid
        return tableau.BError is null
            ? FixedGridSolver.Solve(tableau, function, y0, times, options)
            : AdaptiveSolver.Solve(tableau, function, y0, times, options);
    }

    /// <summary>Throws a clear error for bad input before any work is done.</summary>
    static void Validate(Func<Tensor, Tensor, Tensor> f, Tensor y0, double[] times, TorchOdeOptions options)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(y0);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(options);
        if (!y0.is_floating_point())
            throw new ArgumentException($"y0 has dtype {y0.dtype}; use a floating-point tensor (float64 or float32).", nameof(y0));
        if (times.Length == 0)
            throw new ArgumentException("times is empty; give at least the initial time.", nameof(times));
        for (int i = 0; i < times.Length; i++)
        {
            if (!double.IsFinite(times[i]))
                throw new ArgumentException($"times[{i}] is {times[i]}; every time must be finite.", nameof(times));
            if (i > 0 && times[i] <= times[i - 1])
                throw new ArgumentException($"times must be strictly increasing, but times[{i}] = {times[i]} follows times[{i - 1}] = {times[i - 1]}; sort them (integrate backwards by negating time in f).", nameof(times));
        }
        if (options.Method == OdeMethod.Dop853)
            throw new ArgumentException("Dop853 is a double-precision solver (Ode.Solve); on tensors use Dopri5 with tight Rtol/Atol.", nameof(options));
        if (options.Step is { } step && (!double.IsFinite(step) || step <= 0))
            throw new ArgumentOutOfRangeException(nameof(options), step, "Step must be a finite number > 0 (or null for one step per output interval).");
        if (!(options.Rtol >= 0) || !(options.Atol >= 0) || options.Rtol + options.Atol <= 0 || !double.IsFinite(options.Rtol + options.Atol))
            throw new ArgumentOutOfRangeException(nameof(options), $"Rtol = {options.Rtol} and Atol = {options.Atol}: both must be finite and >= 0, not both zero.");
        if (options.FirstStep is { } first && (!double.IsFinite(first) || first <= 0))
            throw new ArgumentOutOfRangeException(nameof(options), first, "FirstStep must be a finite number > 0 (or null to choose automatically).");
        if (!(options.MinStep >= 0) || !(options.MaxStep > options.MinStep))
            throw new ArgumentOutOfRangeException(nameof(options), $"MinStep = {options.MinStep} and MaxStep = {options.MaxStep}: need 0 <= MinStep < MaxStep.");
        if (options.MaxSteps <= 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSteps, "MaxSteps must be > 0.");
        using (torch.no_grad())
            if (!torch.isfinite(y0).all().item<bool>())
                throw new ArgumentException("y0 contains NaN or infinite entries; every entry of the initial state must be finite.", nameof(y0));
    }
}
