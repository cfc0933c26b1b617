using NeuroDyn.Systems;
using NeuroDyn.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>A continuous-time RNN trained as a neural ODE: τ dh/dt = −h + tanh(W_rec h + W_in x(t) + b), readout r = W_out h + b_out
/// (Funahashi &amp; Nakamura 1993; as a neural ODE, Chen et al. 2018). Maps windows [B, L, D] to next-state predictions [B, D]:
/// x̂ = r (state readout) or x̂ = x_{L−1} + s r (increment readout, <see cref="RateNetworkOptions.Readout"/>).</summary>
/// <remarks>
/// Zero-order hold: the window's samples x_0 … x_{L−1} drive the network in turn, x(t) = x_k for t in [kΔ, (k+1)Δ), starting
/// from h(0) = 0; the prediction of x_L is made from the readout of h(LΔ). Fixed-step solvers run a fused recurrence with a
/// hand-written backward pass, backpropagation or the adjoint method (<see cref="RateRecurrence"/>, batch-parallel, shared with the
/// E/I network); Dopri5 integrates each sample interval with <see cref="TorchOde"/>, restarting at the input's jumps.
/// </remarks>
public sealed class CtRnn : nn.Module<Tensor, Tensor>, ISequenceModel
{
    readonly Parameter w_rec, w_in, b, w_out, b_out;
    readonly RateIntegrator integrator;

    /// <summary>The options the network was built with.</summary>
    public CtRnnOptions Options { get; }

    /// <summary>A CT-RNN with weights and biases drawn uniformly from ±1/√fan_in (PyTorch's nn.Linear rule) by a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="options">Sizes, time scales and solver.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same network.</param>
    /// <param name="device">Device of the parameters (default CPU).</param>
    /// <param name="dtype">Floating-point type of the parameters (default float64).</param>
    public CtRnn(CtRnnOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64) : base(nameof(CtRnn))
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        ModelInputs.CheckFloatingPoint(dtype);
        Options = options;
        integrator = options.Integrator(RateActivation.Tanh);
        int n = options.Hidden;
        using var generator = new Generator((ulong)seed);
        Parameter Uniform(long[] shape, int fanIn)
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            var values = torch.rand(shape, dtype: ScalarType.Float64, generator: generator).mul_(2 * bound).sub_(bound);
            return new Parameter(values.to(dtype, device ?? torch.CPU));
        }
        w_rec = Uniform([n, n], n);
        w_in = Uniform([n, options.InputSize], options.InputSize);
        b = Uniform([n], options.InputSize);
        w_out = Uniform([options.OutputSize, n], n);
        b_out = Uniform([options.OutputSize], n);
        RegisterComponents();
    }

    /// <summary>Recurrent weights W_rec [n, n].</summary>
    public Tensor RecurrentWeight => w_rec;
    /// <summary>Input weights W_in [n, D].</summary>
    public Tensor InputWeight => w_in;
    /// <summary>Hidden bias b [n].</summary>
    public Tensor Bias => b;
    /// <summary>Readout weights W_out [D_out, n].</summary>
    public Tensor OutputWeight => w_out;
    /// <summary>Readout bias b_out [D_out].</summary>
    public Tensor OutputBias => b_out;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public int ParameterCount => (int)parameters().Sum(p => p.numel());

    /// <summary>Next-state predictions [B, D_out] from windows [B, L, D]: from the readout of h(LΔ) after driving h(0) = 0 with the window.</summary>
    public override Tensor forward(Tensor windows)
    {
        CheckWindows(windows);
        return NextState(Integrate(ZeroState(windows.shape[0]), Drive(windows.transpose(0, 1))), windows.select(1, -1));
    }

    /// <inheritdoc/>
    public Tensor PredictNext(Tensor windows) => forward(windows);

    /// <summary>Warm up on windows [B, L, D], then feed each prediction back as the next sample's input (held for Δ): predictions [B, steps, D].</summary>
    /// <remarks>Differentiable; wrap in torch.no_grad() when only the values are wanted.</remarks>
    public Tensor Rollout(Tensor windows, int steps)
    {
        CheckWindows(windows);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 1.");
        if (Options.InputSize != Options.OutputSize)
            throw new InvalidOperationException($"closed-loop rollout feeds outputs back as inputs, but OutputSize = {Options.OutputSize} differs from InputSize = {Options.InputSize}.");
        var h = Integrate(ZeroState(windows.shape[0]), Drive(windows.transpose(0, 1)));
        var y = NextState(h, windows.select(1, -1));
        var predictions = new List<Tensor>(steps) { y };
        for (int s = 1; s < steps; s++)
        {
            h = Integrate(h, Drive(y.unsqueeze(0)));
            y = NextState(h, y);
            predictions.Add(y);
        }
        return torch.stack(predictions, dim: 1);
    }

    /// <summary>Readout r = h W_outᵀ + b_out for hidden states [..., n] (the prediction itself for the state readout, the scaled increment for the increment readout).</summary>
    public Tensor Readout(Tensor hidden) => torch.nn.functional.linear(hidden, w_out, b_out);

    /// <summary>Dimension of the closed-loop state: n for the state readout (h), n + D for the increment readout ((h, x)).</summary>
    public int ClosedLoopDimension => Options.Readout == ReadoutTarget.Increment ? Options.Hidden + Options.InputSize : Options.Hidden;

    /// <summary>The closed-loop field on states [..., <see cref="ClosedLoopDimension"/>]. State readout: dh/dt = (−h + tanh(W_rec h + W_in (W_out h + b_out) + b)) / τ.
    /// Increment readout, on (h, x): dh/dt = (−h + tanh(W_rec h + W_in x + b)) / τ, dx/dt = (s/Δ)(W_out h + b_out).</summary>
    public Tensor ClosedLoopDerivative(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.dim() == 0 || state.shape[^1] != ClosedLoopDimension)
            throw new ArgumentException($"closed-loop states must have shape [..., {ClosedLoopDimension}] but have shape [{string.Join(", ", state.shape)}].", nameof(state));
        if (Options.Readout == ReadoutTarget.State)
        {
            var feedback = torch.nn.functional.linear(Readout(state), w_in, b);
            return torch.tanh(torch.nn.functional.linear(state, w_rec) + feedback).sub(state).div(Options.Tau);
        }
        var hidden = state.narrow(-1, 0, Options.Hidden);
        var input = state.narrow(-1, Options.Hidden, Options.InputSize);
        var dh = torch.tanh(torch.nn.functional.linear(hidden, w_rec) + torch.nn.functional.linear(input, w_in, b)).sub(hidden).div(Options.Tau);
        var dx = Readout(hidden).mul(Options.IncrementScale / Options.SampleInterval);
        return torch.cat([dh, dx], -1);
    }

    /// <summary>The closed-loop dynamics as a plain-double <see cref="IVectorField"/> with analytic Jacobian (weights copied now), on the states of <see cref="ClosedLoopDerivative"/>.</summary>
    /// <remarks>The discrete model feeds its prediction back once per sample interval Δ (zero-order hold); this continuous field is its Δ → 0 idealisation.
    /// With the increment readout the discrete model is the pair h_{k+1} = flow of h over Δ with x_k held, x_{k+1} = x_k + s (W_out h_{k+1} + b_out):
    /// x changes by s r per model time Δ, hence dx/dt = (s/Δ) r in the limit, and x becomes part of the state.</remarks>
    public CtRnnVectorField AsVectorField()
    {
        using var noGrad = torch.no_grad();
        static double[] Copy(Tensor t) => t.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
        double? incrementRate = Options.Readout == ReadoutTarget.Increment ? Options.IncrementScale / Options.SampleInterval : null;
        return new CtRnnVectorField(Copy(w_rec), Copy(w_in), Copy(b), Copy(w_out), Copy(b_out), Options.Tau, incrementRate);
    }

    /// <summary>The prediction from hidden states [B, n] and the last inputs [B, D].</summary>
    Tensor NextState(Tensor hidden, Tensor lastInput) => Options.Readout.NextState(Readout(hidden), lastInput, Options.IncrementScale);

    /// <summary>Hidden state after driving <paramref name="h0"/> [B, n] with drive [L, B, n] = W_in x_k + b, one sample interval per row.</summary>
    Tensor Integrate(Tensor h0, Tensor drive)
    {
        var inverseTau = torch.tensor(1.0 / Options.Tau, dtype: w_rec.dtype, device: w_rec.device);
        return integrator.Integrate(h0, drive, w_rec, inverseTau);
    }

    /// <summary>W_in x + b for inputs [L, B, D]: [L, B, n], one matrix product for all samples.</summary>
    Tensor Drive(Tensor inputs) => torch.nn.functional.linear(inputs, w_in, b).contiguous();

    Tensor ZeroState(long batch) => torch.zeros([batch, Options.Hidden], dtype: w_rec.dtype, device: w_rec.device);

    void CheckWindows(Tensor windows) => ModelInputs.CheckWindows(windows, Options.InputSize, w_rec);

    static void Validate(CtRnnOptions o)
    {
        if (o.Hidden <= 0) throw new ArgumentOutOfRangeException(nameof(o.Hidden), o.Hidden, "Hidden (number of units) must be >= 1.");
        Guard.Positive(o.Tau, nameof(o.Tau));
        o.ValidateShared();
        if (o.Readout == ReadoutTarget.Increment && o.InputSize != o.OutputSize)
            throw new ArgumentException($"the increment readout adds the prediction to the last input, so OutputSize ({o.OutputSize}) must equal InputSize ({o.InputSize}).", nameof(o));
    }
}
