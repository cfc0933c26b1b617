using NeuroDyn.Solvers;
using NeuroDyn.Systems;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>What every rate network of the core shares: units obeying dh/dt = γ ⊙ (−h + φ(W h + W_in x(t) + b)), γ = 1/τ, driven by
/// the window's samples in turn (each held for Δ, from h(0) = 0), read out as r = W_out h_read + b_out from the first units and turned
/// into the prediction x̂ = r (state readout) or x̂ = x_last + s r (increment readout, <see cref="RateNetworkOptions.Readout"/>).
/// <see cref="CtRnn"/> and <see cref="EiRateNetwork"/> differ only in how W is parametrised and initialised, the time constants and φ.</summary>
/// <remarks>The hidden state is integrated by <see cref="RateIntegrator"/> (the fused <see cref="RateRecurrence"/> for fixed-step
/// solvers, <see cref="AdaptiveRateRecurrence"/> for Dopri5). Predictions and closed-loop rollouts are <see cref="SequenceModels"/>' from <see cref="WarmUp"/>, <see cref="Step"/> and
/// <see cref="Predict(RateNetworkState, Tensor)"/>.</remarks>
/// <typeparam name="TOptions">The network's options.</typeparam>
public abstract class RateNetwork<TOptions> : nn.Module<Tensor, Tensor>, IRecurrentSequenceModel<RateNetworkState>, IClosedLoopMapProvider where TOptions : RateNetworkOptions
{
    readonly Parameter w_in, b, w_out, b_out;
    readonly RateIntegrator integrator;
    readonly RateActivation activation;
    readonly int readoutUnits, inputUnits;

    /// <summary>The options the network was built with.</summary>
    public TOptions Options { get; }

    /// <summary>A network with input and readout parameters <paramref name="initial"/> (its own recurrent parameter is the derived class's),
    /// rate function φ = <paramref name="activation"/>, read out from its first <paramref name="readoutUnits"/> units, the external drive
    /// W_in x + b received by its first <paramref name="inputUnits"/> units only (the rows of the others are zeroed now and masked in use).</summary>
    private protected RateNetwork(string name, TOptions options, RateActivation activation, int readoutUnits, InitialWeights initial, int inputUnits) : base(name)
    {
        Options = options;
        this.activation = activation;
        this.readoutUnits = readoutUnits;
        this.inputUnits = inputUnits;
        integrator = options.Integrator(activation);
        (w_in, b, w_out, b_out) = (initial.InputWeight, initial.Bias, initial.OutputWeight, initial.OutputBias);
        if (inputUnits < options.Hidden)
        {
            using var noGrad = torch.no_grad();
            w_in.narrow(0, inputUnits, options.Hidden - inputUnits).zero_();
            b.narrow(0, inputUnits, options.Hidden - inputUnits).zero_();
        }
    }

    /// <summary>The effective recurrent weights W [n, n] (row i receives from column j; differentiable).</summary>
    public abstract Tensor RecurrentWeight { get; }
    /// <summary>Input weights W_in [n, D] (differentiable); rows of units that receive no external drive are zero.</summary>
    public Tensor InputWeight => Masked(w_in);
    /// <summary>Hidden bias b [n] (differentiable); zero for units that receive no external drive.</summary>
    public Tensor Bias => Masked(b);
    /// <summary>Number of units receiving the external drive W_in x + b (the first ones; all for a CT-RNN).</summary>
    public int InputUnits => inputUnits;
    /// <summary>Readout weights W_out [D_out, n_read] (n_read the units read out).</summary>
    public Tensor OutputWeight => w_out;
    /// <summary>Readout bias b_out [D_out].</summary>
    public Tensor OutputBias => b_out;

    /// <summary>Integrate with the generic tensor solver (TorchOde, autograd through every operation) even on the CPU, where the fused
    /// recurrences are faster; a network on another device (CUDA) takes it anyway. A choice of how to run, like the device, so not
    /// stored with the network (default false).</summary>
    public bool GenericSolver
    {
        get => integrator.Generic;
        set => integrator.Generic = value;
    }

    /// <summary>The steps the fused adaptive solver (Dopri5) has taken since the network was built, forwards and by the adjoint method.</summary>
    public AdaptiveStepCounts AdaptiveSteps => integrator.Steps.Read();

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <summary>Number of trained parameters: every parameter's entries but the masked rows of W_in and b, which stay zero.</summary>
    public int ParameterCount => (int)parameters().Sum(p => p.numel()) - (Options.Hidden - inputUnits) * (Options.InputSize + 1);

    /// <summary>Next-state predictions [B, D_out] from windows [B, L, D]: the prediction from h(LΔ) after driving h(0) = 0 with the window.</summary>
    public override Tensor forward(Tensor windows) => SequenceModels.PredictNext(this, windows);

    /// <inheritdoc/>
    public Tensor PredictNext(Tensor windows) => forward(windows);

    /// <summary>Warm up on windows [B, L, D], then feed each prediction back as the next sample's input (held for Δ): predictions [B, steps, D].</summary>
    /// <remarks>Differentiable; wrap in torch.no_grad() when only the values are wanted.</remarks>
    public Tensor Rollout(Tensor windows, int steps)
    {
        CheckClosedLoop();
        return SequenceModels.Rollout(this, windows, steps);
    }

    /// <summary>The state after driving h(0) = 0 with windows [B, L, D], one sample interval per sample (the drive W_in x_k + b of all samples in one product).</summary>
    public RateNetworkState WarmUp(Tensor windows)
    {
        ModelInputs.CheckWindows(windows, Options.InputSize, w_in);
        var weight = RecurrentWeight;
        var inverseTau = InverseTau(weight);
        return new RateNetworkState(Integrate(ZeroState(windows.shape[0]), Drive(windows.transpose(0, 1)), weight, inverseTau), weight, inverseTau);
    }

    /// <summary>The state after one more sample interval with the input x [B, D] held.</summary>
    public RateNetworkState Step(RateNetworkState state, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state with { Hidden = Integrate(state.Hidden, Drive(input.unsqueeze(0)), state.Weight, state.InverseTau) };
    }

    /// <inheritdoc/>
    public Tensor Predict(RateNetworkState state, Tensor latest)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Predict(state.Hidden, latest);
    }

    /// <summary>The prediction from hidden states [..., n] and the latest input [..., D]: the readout r, or with the increment readout x_last + s r.</summary>
    public Tensor Predict(Tensor hidden, Tensor latest) => Options.Readout.NextState(Readout(hidden), latest, Options.IncrementScale);

    /// <summary>Readout r = W_out h_read + b_out for hidden states [..., n], h_read the units read out (the prediction itself for the state
    /// readout, the scaled increment for the increment readout).</summary>
    public Tensor Readout(Tensor hidden) =>
        torch.nn.functional.linear(readoutUnits == Options.Hidden ? hidden : hidden.narrow(-1, 0, readoutUnits), w_out, b_out);

    /// <summary>Hidden states [B, L, n] at the end of each sample interval while windows [B, L, D] drive the network from h(0) = 0 (no gradients).</summary>
    public Tensor RateTrajectory(Tensor windows)
    {
        ModelInputs.CheckWindows(windows, Options.InputSize, w_in);
        using var noGrad = torch.no_grad();
        var weight = RecurrentWeight;
        var inverseTau = InverseTau(weight);
        var drive = Drive(windows.transpose(0, 1));
        var h = ZeroState(windows.shape[0]);
        var states = new List<Tensor>((int)drive.shape[0]);
        for (long k = 0; k < drive.shape[0]; k++)
        {
            h = Integrate(h, drive.narrow(0, k, 1), weight, inverseTau);
            states.Add(h);
        }
        return torch.stack(states, dim: 1);
    }

    /// <summary>True when the readout predicts the increment x̂ − x_last.</summary>
    private protected bool IncrementReadout => Options.Readout == ReadoutTarget.Increment;

    /// <summary>Dimension of the closed-loop state: n for the state readout (h), n + D for the increment readout ((h, x)).</summary>
    public int ClosedLoopDimension => Options.Hidden + (IncrementReadout ? Options.InputSize : 0);

    /// <summary>The closed-loop field on states [..., <see cref="ClosedLoopDimension"/>]. State readout: dh/dt = γ ⊙ (−h + φ(W h + W_in (W_out h_read + b_out) + b)).
    /// Increment readout, on (h, x): dh/dt = γ ⊙ (−h + φ(W h + W_in x + b)), dx/dt = (s/Δ)(W_out h_read + b_out).</summary>
    public Tensor ClosedLoopDerivative(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.dim() == 0 || state.shape[^1] != ClosedLoopDimension)
            throw new ArgumentException($"closed-loop states must have shape [..., {ClosedLoopDimension}] (the {Options.Hidden} hidden units{(IncrementReadout ? $" and the {Options.InputSize} fed-back inputs" : "")}) but have shape [{string.Join(", ", state.shape)}].", nameof(state));
        var hidden = state.narrow(-1, 0, Options.Hidden);
        var fedBack = IncrementReadout ? state.narrow(-1, Options.Hidden, Options.InputSize) : Readout(hidden);
        var weight = RecurrentWeight;
        // explicit and disposed after the calls (Tensor + Tensor converts α = 1 implicitly): an implicit one may be finalized mid-call
        using Scalar one = 1.ToScalar(), rate = (Options.IncrementScale / Options.SampleInterval).ToScalar();
        var u = torch.nn.functional.linear(hidden, weight).add(torch.nn.functional.linear(fedBack, InputWeight, Bias), alpha: one);
        var dh = activation.Apply(u).sub(hidden).mul(InverseTau(weight));
        if (!IncrementReadout) return dh;
        return torch.cat([dh, Readout(hidden).mul(rate)], -1);
    }

    /// <summary>The closed-loop state after a warm-up window [L, D] from h(0) = 0: the last hidden state, followed with the increment readout by the window's last sample.</summary>
    public double[] ClosedLoopState(double[,] window)
    {
        ArgumentNullException.ThrowIfNull(window);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var inputs = torch.tensor(window, w_in.dtype, w_in.device).unsqueeze(0);
        var hidden = RateTrajectory(inputs)[0L, -1L];
        return Copy(IncrementReadout ? torch.cat([hidden, inputs[0L, -1L]], 0) : hidden);
    }

    /// <summary>The network's dynamics copied now into doubles (weights, τ, φ, readout, Δ and solver): its exact closed-loop map, its idealised
    /// field, the same with an input held, and the recurrent gain as a parameter (<see cref="RateNetworkDynamics"/>).</summary>
    public RateNetworkDynamics Dynamics()
    {
        var f = CopyClosedLoopWeights();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var inverseTau = Copy(InverseTau(w_in).expand(Options.Hidden));
        return new RateNetworkDynamics(f.Recurrent, f.Input, f.Bias, f.Output, f.OutputBias, inverseTau.Select(g => 1 / g).ToArray(), activation,
            IncrementReadout ? Options.IncrementScale : null, Options.SampleInterval, Options.Solver, Options.StepsPerSample);
    }

    /// <summary>The closed-loop sample-to-sample map exactly as trained (Δ, solver, steps per sample, readout fed back), on the states of
    /// <see cref="ClosedLoopState"/>: h, or (h, x) with the increment readout. Fixed-step solvers: <see cref="RateNetworkMap"/> in doubles with the exact
    /// chain-rule Jacobian; an adaptive solver: <see cref="SequenceModelMap{TState}"/> in the model's dtype, differentiated by autograd with the accepted steps frozen.</summary>
    public IClosedLoopMap ClosedLoopMap()
    {
        CheckClosedLoop();
        if (ButcherTableau.For(Options.Solver).BError is null) return Dynamics().ClosedLoopMap();
        return new SequenceModelMap<RateNetworkState>(this, new RateNetworkState(ZeroState(1), RecurrentWeight.detach(), InverseTau(w_in)),
            state => state.Hidden, (rows, template) => template with { Hidden = rows }, Options.InputSize, IncrementReadout);
    }

    /// <summary>γ = 1/τ as a tensor like <paramref name="like"/>: a scalar when every unit has the same τ, else [n] (not trained).</summary>
    private protected abstract Tensor InverseTau(Tensor like);

    /// <summary>The weights of the closed-loop field as row-major float64 copies (taken now), W_out widened with zeros to every unit,
    /// and the increment rate s/Δ (null for the state readout).</summary>
    private protected ClosedLoopWeights CopyClosedLoopWeights()
    {
        CheckClosedLoop();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var output = readoutUnits == Options.Hidden
            ? w_out
            : torch.cat([w_out, torch.zeros([Options.OutputSize, Options.Hidden - readoutUnits], dtype: w_out.dtype, device: w_out.device)], 1);
        double? incrementRate = IncrementReadout ? Options.IncrementScale / Options.SampleInterval : null;
        return new ClosedLoopWeights(Copy(RecurrentWeight), Copy(InputWeight), Copy(Bias), Copy(output), Copy(b_out), incrementRate);
    }

    /// <summary>Row-major float64 copies of the closed-loop field's weights: W [n·n], W_in [n·D], b [n], W_out [D·n], b_out [D], and s/Δ or null.</summary>
    private protected sealed record ClosedLoopWeights(double[] Recurrent, double[] Input, double[] Bias, double[] Output, double[] OutputBias, double? IncrementRate);

    /// <summary>The parameters every rate network draws after its recurrent one, from the same generator.</summary>
    private protected sealed record InitialWeights(Parameter Recurrent, Parameter InputWeight, Parameter Bias, Parameter OutputWeight, Parameter OutputBias)
    {
        /// <summary>Draws, from a generator seeded with <paramref name="seed"/> and in this order: the recurrent parameter (by <paramref name="recurrent"/>),
        /// W_in and b from U(±1/√D) (b shifted by <paramref name="biasMean"/>), W_out and b_out from U(±1/√n_read) (PyTorch's nn.Linear rule);
        /// drawn in float64, then converted to <paramref name="dtype"/> on <paramref name="device"/> (CPU when null).</summary>
        internal static InitialWeights Draw(RateNetworkOptions options, long seed, Device? device, ScalarType dtype, int readoutUnits, double biasMean,
            Func<Generator, Tensor> recurrent)
        {
            ModelInputs.CheckFloatingPoint(dtype);
            int n = options.Hidden, d = options.InputSize;
            using var generator = new Generator((ulong)seed);
            Parameter Make(Tensor values) => new(values.to(dtype, device ?? torch.CPU));
            Parameter Uniform(long[] shape, int fanIn) => Make(UniformInit.Draw(generator, shape, fanIn));
            var recurrentWeight = Make(recurrent(generator));
            var inputWeight = Uniform([n, d], d);
            var bias = Uniform([n], d);
            using (torch.no_grad())
            using (Scalar mean = biasMean.ToScalar(), one = 1.ToScalar())   // explicit and disposed after the call (add_(Scalar) converts α = 1 implicitly)
                bias.add_(mean, alpha: one);
            return new InitialWeights(recurrentWeight, inputWeight, bias, Uniform([options.OutputSize, readoutUnits], readoutUnits), Uniform([options.OutputSize], readoutUnits));
        }
    }

    /// <summary>Hidden state after driving <paramref name="h0"/> [B, n] with drive [L, B, n], one sample interval per row.</summary>
    Tensor Integrate(Tensor h0, Tensor drive, Tensor weight, Tensor inverseTau) => integrator.Integrate(h0, drive, weight, inverseTau);

    /// <summary>W_in x + b for inputs [L, B, D]: [L, B, n], one matrix product for all samples.</summary>
    Tensor Drive(Tensor inputs) => torch.nn.functional.linear(inputs, InputWeight, Bias).contiguous();

    /// <summary>A parameter with W_in's or b's leading dimension, its rows past the input units replaced by zeros (itself when every unit receives input).</summary>
    Tensor Masked(Tensor parameter) => inputUnits == Options.Hidden
        ? parameter
        : torch.cat([parameter.narrow(0, 0, inputUnits), torch.zeros_like(parameter.narrow(0, inputUnits, Options.Hidden - inputUnits))], 0);

    Tensor ZeroState(long batch) => torch.zeros([batch, Options.Hidden], dtype: w_in.dtype, device: w_in.device);

    void CheckClosedLoop()
    {
        if (Options.InputSize != Options.OutputSize)
            throw new InvalidOperationException($"closed-loop use feeds outputs back as inputs, but OutputSize = {Options.OutputSize} differs from InputSize = {Options.InputSize}.");
    }

    static double[] Copy(Tensor t) => t.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
}
