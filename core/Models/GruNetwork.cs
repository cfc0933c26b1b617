using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>
/// The discrete-time baseline: a gated recurrent unit (Cho et al. 2014; TorchSharp's <c>nn.GRU</c>) updated once per sample,
/// h_{k+1} = GRU(h_k, x_k) from h_0 = 0, with gates in PyTorch's order (r, z, n):
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h; readout r_out = W_out h + b_out, prediction x̂ = r_out (state readout) or x̂ = x_last + s r_out
/// (increment readout, <see cref="GruOptions.Readout"/>). Predictions and closed-loop rollouts are <see cref="SequenceModels"/>'; its closed-loop
/// map is the autograd <see cref="SequenceModelMap{TState}"/> on h, or on (h, x) with the increment readout.
/// </summary>
public sealed class GruNetwork : nn.Module<Tensor, Tensor>, IRecurrentSequenceModel<GruState>, IClosedLoopMapProvider
{
    readonly GRU gru;
    readonly Parameter w_out, b_out;

    /// <summary>The options the network was built with.</summary>
    public GruOptions Options { get; }

    /// <summary>A GRU with every gate weight and bias drawn from U(±1/√n) (PyTorch's GRU rule) and W_out, b_out from U(±1/√n) (its nn.Linear rule),
    /// in that order, by a generator seeded with <paramref name="seed"/>; the same seed gives the same network.</summary>
    /// <param name="options">Sizes and readout.</param>
    /// <param name="seed">Seed of the initialisation.</param>
    /// <param name="device">Device of the parameters (default CPU).</param>
    /// <param name="dtype">Floating-point type of the parameters (default float64).</param>
    public GruNetwork(GruOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64) : base(nameof(GruNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ModelInputs.CheckFloatingPoint(dtype);
        Options = options;
        int n = options.Hidden;
        device ??= torch.CPU;
        gru = nn.GRU(options.InputSize, n, batchFirst: true, device: device, dtype: dtype);
        using var generator = new Generator((ulong)seed);
        Tensor Uniform(long[] shape) => UniformInit.Draw(generator, shape, n).to(dtype, device);
        using (torch.no_grad())
            foreach (var (_, parameter) in gru.named_parameters())
                parameter.copy_(Uniform(parameter.shape));
        w_out = new Parameter(Uniform([options.OutputSize, n]));
        b_out = new Parameter(Uniform([options.OutputSize]));
        RegisterComponents();
    }

    /// <summary>Input-to-hidden weights [W_ir; W_iz; W_in], [3n, D] (PyTorch's weight_ih_l0).</summary>
    public Tensor InputWeight => Named("weight_ih_l0");
    /// <summary>Hidden-to-hidden weights [W_hr; W_hz; W_hn], [3n, n] (PyTorch's weight_hh_l0).</summary>
    public Tensor RecurrentWeight => Named("weight_hh_l0");
    /// <summary>Input-to-hidden biases [b_ir; b_iz; b_in], [3n] (PyTorch's bias_ih_l0).</summary>
    public Tensor InputBias => Named("bias_ih_l0");
    /// <summary>Hidden-to-hidden biases [b_hr; b_hz; b_hn], [3n] (PyTorch's bias_hh_l0).</summary>
    public Tensor RecurrentBias => Named("bias_hh_l0");
    /// <summary>Readout weights W_out [D_out, n].</summary>
    public Tensor OutputWeight => w_out;
    /// <summary>Readout bias b_out [D_out].</summary>
    public Tensor OutputBias => b_out;

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public int ParameterCount => (int)parameters().Sum(p => p.numel());

    /// <summary>Next-state predictions [B, D_out] from windows [B, L, D]: the prediction from h_L after L updates from h_0 = 0.</summary>
    public override Tensor forward(Tensor windows) => SequenceModels.PredictNext(this, windows);

    /// <inheritdoc/>
    public Tensor PredictNext(Tensor windows) => forward(windows);

    /// <summary>Warm up on windows [B, L, D], then feed each prediction back as the next sample: predictions [B, steps, D].</summary>
    /// <remarks>Differentiable; wrap in torch.no_grad() when only the values are wanted.</remarks>
    public Tensor Rollout(Tensor windows, int steps)
    {
        CheckClosedLoop();
        return SequenceModels.Rollout(this, windows, steps);
    }

    /// <summary>The closed-loop sample-to-sample map exactly as trained, on the states of <see cref="ClosedLoopState"/>: h, or (h, x) with the increment
    /// readout, G(h, x) = (GRU(h, x̂), x̂) with x̂ the prediction; evaluated by the network's own tensors, its Jacobian by autograd in one backward pass.</summary>
    public IClosedLoopMap ClosedLoopMap()
    {
        CheckClosedLoop();
        var rest = new GruState(torch.zeros([1, Options.Hidden], dtype: w_out.dtype, device: w_out.device));
        return new SequenceModelMap<GruState>(this, rest, state => state.Hidden, (rows, _) => new GruState(rows), Options.OutputSize, IncrementReadout);
    }

    /// <summary>The closed-loop state after a warm-up window [L, D] from h_0 = 0: h_L, followed with the increment readout by the window's last sample.</summary>
    public double[] ClosedLoopState(double[,] window)
    {
        ArgumentNullException.ThrowIfNull(window);
        CheckClosedLoop();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var inputs = torch.tensor(window, w_out.dtype, w_out.device).unsqueeze(0);
        var hidden = WarmUp(inputs).Hidden[0];
        var state = IncrementReadout ? torch.cat([hidden, inputs[0L, -1L]], 0) : hidden;
        return state.to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>h_L after the L samples of windows [B, L, D] from h_0 = 0, one GRU update per sample (one nn.GRU call).</summary>
    public GruState WarmUp(Tensor windows)
    {
        ModelInputs.CheckWindows(windows, Options.InputSize, w_out);
        var zero = torch.zeros([1, windows.shape[0], Options.Hidden], dtype: w_out.dtype, device: w_out.device);
        return new GruState(gru.forward(windows, zero).Item2.squeeze(0));
    }

    /// <summary>h_{k+1} = GRU(h_k, x_k) for the input x [B, D].</summary>
    public GruState Step(GruState state, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(input);
        return new GruState(gru.forward(input.unsqueeze(1), state.Hidden.unsqueeze(0)).Item2.squeeze(0));
    }

    /// <summary>The prediction from the hidden state and the latest input [B, D]: W_out h + b_out, or x_last + s (W_out h + b_out) with the increment readout.</summary>
    public Tensor Predict(GruState state, Tensor latest)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Options.Readout.NextState(torch.nn.functional.linear(state.Hidden, w_out, b_out), latest, Options.IncrementScale);
    }

    bool IncrementReadout => Options.Readout == ReadoutTarget.Increment;

    void CheckClosedLoop()
    {
        if (Options.InputSize != Options.OutputSize)
            throw new InvalidOperationException($"closed-loop use feeds outputs back as inputs, but GruOptions.OutputSize = {Options.OutputSize} differs from InputSize = {Options.InputSize}.");
    }

    Tensor Named(string name) => gru.named_parameters().Single(p => p.name == name).parameter;
}
