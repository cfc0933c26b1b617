using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;
using NeuroDyn.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>
/// A rate network of n_E excitatory and n_I inhibitory units obeying Dale's law:
/// τ_E dr_E/dt = −r_E + φ(W_EE r_E − W_EI r_I + W_E,in x + b_E), τ_I dr_I/dt = −r_I + φ(W_IE r_E − W_II r_I + W_I,in x + b_I),
/// φ ≥ 0, readout y = W_out r_E + b_out (or, with the increment readout of <see cref="RateNetworkOptions.Readout"/>, y = x_last + s (W_out r_E + b_out)). Maps windows [B, L, D] to next-state predictions [B, D] like <see cref="CtRnn"/>.
/// </summary>
/// <remarks>
/// <para>Dale's law holds by construction at every step of training (Song, Yang &amp; Wang 2016, PLoS Comput Biol 12:e1004792,
/// "Training excitatory-inhibitory recurrent neural networks for cognitive tasks"): the trained parameter is an unconstrained
/// matrix A and the recurrent weights are W = |A| D with D = diag(+1 for E columns, −1 for I columns), so every outgoing weight of an
/// excitatory unit is ≥ 0 and of an inhibitory unit ≤ 0 whatever the optimiser does; nothing is clipped after the fact.
/// Input weights, biases and the readout are unconstrained (they stand for external afferents and a decoder, and the z-scored inputs are signed).</para>
/// <para>Balanced initialisation (van Vreeswijk &amp; Sompolinsky 1996, Science 274:1724, "Chaos in neuronal networks with balanced
/// excitatory and inhibitory activity"): when each unit receives K inputs of strength J/√K, its excitatory and its inhibitory input
/// are each of order √K, yet the network settles where they cancel to leading order, leaving a net input of order 1 whose
/// fluctuations set the rates. The cancellation is dynamic and needs no fine tuning, because any imbalance of order √K is
/// suppressed by the strong inhibitory feedback; the remaining fluctuations make the activity irregular (chaotic). Here the magnitudes
/// of E columns are drawn as U(0, 2)/√n_E and of I columns as U(0, 2)·(n_E/n_I)/√n_E, then each row's inhibitory weights are rescaled
/// so that Σ_E W_ij = Σ_I |W_ij| exactly (Rajan &amp; Abbott 2006, PRL 97:188104): the uniform mode is then an eigenvector with
/// eigenvalue 0, excitation and inhibition of order √n_E cancel for any common rate, and the whole matrix is scaled so that its
/// spectral radius equals <see cref="EiRateNetworkOptions.SpectralRadius"/>. The biases start at <see cref="EiRateNetworkOptions.ExternalDrive"/> ± 1/√D,
/// a tonic external excitation (the theory's external drive) that keeps both populations active. <see cref="MeasureBalance"/> measures how balanced a run is.</para>
/// <para>Zero-order hold: the window's samples drive the network in turn, each held for Δ, from r(0) = 0; the prediction of x_L is the
/// readout of r(LΔ). Integration is shared with the CT-RNN (<see cref="RateIntegrator"/>).</para>
/// </remarks>
public sealed class EiRateNetwork : nn.Module<Tensor, Tensor>, ISequenceModel
{
    readonly Parameter w_rec_magnitude, w_in, b, w_out, b_out;
    readonly RateIntegrator integrator;

    /// <summary>The options the network was built with.</summary>
    public EiRateNetworkOptions Options { get; }

    /// <summary>Number of excitatory units n_E (the first n_E units).</summary>
    public int ExcitatoryCount { get; }

    /// <summary>Number of inhibitory units n_I (the last n_I units).</summary>
    public int InhibitoryCount { get; }

    /// <summary>A balanced E/I network initialised by a generator seeded with <paramref name="seed"/> (see the remarks of the class).</summary>
    /// <param name="options">Sizes, time scales, rate function, initial spectral radius and solver.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same network.</param>
    /// <param name="device">Device of the parameters (default CPU).</param>
    /// <param name="dtype">Floating-point type of the parameters (default float64).</param>
    public EiRateNetwork(EiRateNetworkOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64) : base(nameof(EiRateNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        ModelInputs.CheckFloatingPoint(dtype);
        Options = options;
        ExcitatoryCount = options.ExcitatoryCount;
        InhibitoryCount = options.InhibitoryCount;
        integrator = options.Integrator(options.Activation);
        int n = options.Hidden, d = options.InputSize, readoutUnits = ReadoutUnits;
        using var generator = new Generator((ulong)seed);
        Parameter Uniform(long[] shape, int fanIn)
        {
            double bound = 1.0 / Math.Sqrt(fanIn);
            var values = torch.rand(shape, dtype: ScalarType.Float64, generator: generator).mul_(2 * bound).sub_(bound);
            return new Parameter(values.to(dtype, device ?? torch.CPU));
        }
        var magnitude = BalancedMagnitudes(torch.rand([n, n], dtype: ScalarType.Float64, generator: generator).mul_(2));
        w_rec_magnitude = new Parameter(magnitude.to(dtype, device ?? torch.CPU));
        w_in = Uniform([n, d], d);
        b = Uniform([n], d);
        using (torch.no_grad()) b.add_(options.ExternalDrive);
        w_out = Uniform([options.OutputSize, readoutUnits], readoutUnits);
        b_out = Uniform([options.OutputSize], readoutUnits);
        RegisterComponents();
    }

    /// <summary>The trained, unconstrained matrix A [n, n] whose absolute values are the weight magnitudes.</summary>
    public Tensor RecurrentMagnitude => w_rec_magnitude;

    /// <summary>The effective recurrent weights W = |A| D [n, n] (row i receives from column j): E columns ≥ 0, I columns ≤ 0 (differentiable).</summary>
    public Tensor RecurrentWeight
    {
        get
        {
            var magnitude = w_rec_magnitude.abs();
            return torch.cat([magnitude.narrow(1, 0, ExcitatoryCount), magnitude.narrow(1, ExcitatoryCount, InhibitoryCount).neg()], 1);
        }
    }

    /// <summary>Sign of each presynaptic column: +1 for the excitatory units, −1 for the inhibitory ones.</summary>
    public double[] ColumnSigns => Enumerable.Range(0, Options.Hidden).Select(j => j < ExcitatoryCount ? 1.0 : -1.0).ToArray();

    /// <summary>Input weights W_in [n, D].</summary>
    public Tensor InputWeight => w_in;
    /// <summary>Bias b [n].</summary>
    public Tensor Bias => b;
    /// <summary>Readout weights W_out [D_out, n_E] (or [D_out, n] when reading from all units).</summary>
    public Tensor OutputWeight => w_out;
    /// <summary>Readout bias b_out [D_out].</summary>
    public Tensor OutputBias => b_out;

    /// <summary>Time constant of each unit: τ_E for the first n_E, τ_I for the rest.</summary>
    public double[] TimeConstants => Enumerable.Range(0, Options.Hidden).Select(j => j < ExcitatoryCount ? Options.TauE : Options.TauI).ToArray();

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public int ParameterCount => (int)parameters().Sum(p => p.numel());

    /// <summary>Number of effective recurrent weights whose sign breaks Dale's law (an E column &lt; 0 or an I column &gt; 0); 0 by construction.</summary>
    public int DaleViolations()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var w = RecurrentWeight;
        long wrongE = w.narrow(1, 0, ExcitatoryCount).lt(0).sum().item<long>();
        long wrongI = w.narrow(1, ExcitatoryCount, InhibitoryCount).gt(0).sum().item<long>();
        return (int)(wrongE + wrongI);
    }

    /// <summary>Next-state predictions [B, D_out] from windows [B, L, D]: the prediction from r(LΔ) after driving r(0) = 0 with the window.</summary>
    public override Tensor forward(Tensor windows)
    {
        CheckWindows(windows);
        return Predict(Integrate(ZeroState(windows.shape[0]), Drive(windows.transpose(0, 1)), RecurrentWeight), windows.select(1, -1));
    }

    /// <inheritdoc/>
    public Tensor PredictNext(Tensor windows) => forward(windows);

    /// <summary>Warm up on windows [B, L, D], then feed each prediction back as the next sample's input (held for Δ): predictions [B, steps, D].</summary>
    /// <remarks>Differentiable; wrap in torch.no_grad() when only the values are wanted.</remarks>
    public Tensor Rollout(Tensor windows, int steps)
    {
        CheckWindows(windows);
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be >= 1.");
        CheckClosedLoop();
        var w = RecurrentWeight;
        var r = Integrate(ZeroState(windows.shape[0]), Drive(windows.transpose(0, 1)), w);
        var y = Predict(r, windows.select(1, -1));
        var predictions = new List<Tensor>(steps) { y };
        for (int s = 1; s < steps; s++)
        {
            r = Integrate(r, Drive(y.unsqueeze(0)), w);
            y = Predict(r, y);
            predictions.Add(y);
        }
        return torch.stack(predictions, dim: 1);
    }

    /// <summary>Rates [B, L, n] at the end of each sample interval while the windows [B, L, D] drive the network from r(0) = 0 (no gradients).</summary>
    public Tensor RateTrajectory(Tensor windows)
    {
        CheckWindows(windows);
        using var noGrad = torch.no_grad();
        var w = RecurrentWeight;
        var drive = Drive(windows.transpose(0, 1));
        var r = ZeroState(windows.shape[0]);
        var rates = new List<Tensor>((int)drive.shape[0]);
        for (long k = 0; k < drive.shape[0]; k++)
        {
            r = Integrate(r, drive.narrow(0, k, 1), w);
            rates.Add(r);
        }
        return torch.stack(rates, dim: 1);
    }

    /// <summary>Readout W_out r_E + b_out (or from all units) for rates [..., n]: the prediction itself, or with an increment readout the step added to the latest input.</summary>
    public Tensor Readout(Tensor rates) =>
        torch.nn.functional.linear(Options.ReadoutFromExcitatory ? rates.narrow(-1, 0, ExcitatoryCount) : rates, w_out, b_out);

    /// <summary>The prediction from rates [..., n] and the latest input [..., D]: the readout, or with an increment readout the input plus s times the readout.</summary>
    public Tensor Predict(Tensor rates, Tensor latest) => Options.Readout.NextState(Readout(rates), latest, Options.IncrementScale);

    bool IncrementReadout => Options.Readout == ReadoutTarget.Increment;

    /// <summary>Dimension of the closed-loop state: n rates, plus the D fed-back components with an increment readout.</summary>
    public int ClosedLoopDimension => Options.Hidden + (IncrementReadout ? Options.InputSize : 0);

    /// <summary>The closed-loop field on states [..., <see cref="ClosedLoopDimension"/>]: dr/dt = γ ⊙ (−r + φ(W r + W_in (W_out r_E + b_out) + b)), γ = 1/τ per unit;
    /// with an increment readout the state is (r, x) and dr/dt = γ ⊙ (−r + φ(W r + W_in x + b)), dx/dt = (s/Δ)(W_out r_E + b_out).</summary>
    public Tensor ClosedLoopDerivative(Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.shape[^1] != ClosedLoopDimension)
            throw new ArgumentException($"closed-loop states have {ClosedLoopDimension} components (rates{(IncrementReadout ? " and fed-back state" : "")}), but the last axis has {state.shape[^1]}.", nameof(state));
        var rates = state.narrow(-1, 0, Options.Hidden);
        var fedBack = IncrementReadout ? state.narrow(-1, Options.Hidden, Options.InputSize) : Readout(rates);
        var u = torch.nn.functional.linear(rates, RecurrentWeight) + torch.nn.functional.linear(fedBack, w_in, b);
        var dr = Options.Activation.Apply(u).sub(rates).mul(InverseTau(rates.dtype, rates.device));
        return IncrementReadout ? torch.cat([dr, Readout(rates).mul(Options.IncrementScale / Options.SampleInterval)], -1) : dr;
    }

    /// <summary>The closed-loop state after a warm-up window [L, D] from r(0) = 0: the last rates, followed with an increment readout by the window's last sample.</summary>
    public double[] ClosedLoopState(double[,] window)
    {
        ArgumentNullException.ThrowIfNull(window);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var inputs = torch.tensor(window, w_in.dtype, w_in.device).unsqueeze(0);
        var rates = RateTrajectory(inputs)[0L, -1L];
        var state = IncrementReadout ? torch.cat([rates, inputs[0L, -1L]], 0) : rates;
        return state.to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>The closed-loop dynamics as a plain-double <see cref="IVectorField"/> with analytic Jacobian (weights copied now), on the states of
    /// <see cref="ClosedLoopDerivative"/>: the rates, or with an increment readout (r, x).</summary>
    /// <remarks>The discrete model feeds its prediction back once per sample interval Δ (zero-order hold); this continuous field is its Δ → 0 idealisation.
    /// <see cref="ClosedLoopState"/> gives a starting state after a warm-up window.</remarks>
    public EiRateVectorField AsVectorField()
    {
        CheckClosedLoop();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        static double[] Copy(Tensor t) => t.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().ToArray();
        var output = Options.ReadoutFromExcitatory
            ? torch.cat([w_out, torch.zeros([Options.OutputSize, InhibitoryCount], dtype: w_out.dtype, device: w_out.device)], 1)
            : w_out;
        double? incrementRate = IncrementReadout ? Options.IncrementScale / Options.SampleInterval : null;
        return new EiRateVectorField(Copy(RecurrentWeight), Copy(w_in), Copy(b), Copy(output), Copy(b_out), Options.TauE, Options.TauI,
            ExcitatoryCount, Options.Activation, incrementRate);
    }

    /// <summary>
    /// Balance of a run: the network driven by <paramref name="series"/> (time × D, held Δ per sample from r = 0), the first
    /// <paramref name="warmup"/> samples discarded; the currents into each unit during each sample interval k are taken at the rates
    /// that start it: excitatory Σ_{j∈E} W_ij r_j, inhibitory Σ_{j∈I} |W_ij| r_j, external (W_in x_k + b)_i.
    /// </summary>
    public BalanceDiagnostics MeasureBalance(double[,] series, int warmup = 50)
    {
        ArgumentNullException.ThrowIfNull(series);
        int length = series.GetLength(0);
        if (warmup < 0 || warmup >= length - 1)
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, $"warmup must lie in 0 .. {length - 2} for a series of {length} samples (at least two samples must remain).");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (dtype, device) = (w_in.dtype, w_in.device);
        var inputs = torch.tensor(series, dtype, device).unsqueeze(0);
        var after = RateTrajectory(inputs)[0];
        var start = torch.cat([torch.zeros([1, Options.Hidden], dtype: dtype, device: device), after.narrow(0, 0, length - 1)], 0);
        var rates = start.narrow(0, warmup, length - warmup);
        var magnitude = RecurrentWeight.abs();
        var excitatory = torch.nn.functional.linear(rates.narrow(1, 0, ExcitatoryCount), magnitude.narrow(1, 0, ExcitatoryCount));
        var inhibitory = torch.nn.functional.linear(rates.narrow(1, ExcitatoryCount, InhibitoryCount), magnitude.narrow(1, ExcitatoryCount, InhibitoryCount));
        var external = torch.nn.functional.linear(inputs[0].narrow(0, warmup, length - warmup), w_in, b);
        static double[,] Matrix(Tensor t)
        {
            var cpu = t.to(ScalarType.Float64, torch.CPU).contiguous();
            var result = new double[cpu.shape[0], cpu.shape[1]];
            cpu.data<double>().CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref result[0, 0], result.Length));
            return result;
        }
        return BalanceDiagnostics.FromCurrents(Matrix(excitatory), Matrix(inhibitory), Matrix(external), Matrix(rates), ExcitatoryCount);
    }

    int ReadoutUnits => Options.ReadoutFromExcitatory ? ExcitatoryCount : Options.Hidden;

    /// <summary>Magnitudes |W| [n, n] from U(0, 2) draws: columns scaled by 1/√n_E (E) and (n_E/n_I)/√n_E (I), each row's inhibition
    /// rescaled to equal its excitation, then the signed matrix scaled to the spectral radius asked for.</summary>
    Tensor BalancedMagnitudes(Tensor draws)
    {
        int n = Options.Hidden, ne = ExcitatoryCount, ni = InhibitoryCount;
        double scaleE = 1.0 / Math.Sqrt(ne);
        var e = draws.narrow(1, 0, ne).mul(scaleE);
        var i = draws.narrow(1, ne, ni).mul(scaleE * ne / ni);
        i = i.mul(e.sum(1, keepdim: true).div(i.sum(1, keepdim: true)));
        var magnitude = torch.cat([e, i], 1);
        var signed = torch.cat([e, i.neg()], 1).contiguous();
        var matrix = Matrix<double>.Build.DenseOfRowMajor(n, n, signed.data<double>().ToArray());
        double radius = matrix.Evd().EigenValues.Max(z => z.Magnitude);
        if (!(radius > 0))
            throw new InvalidOperationException($"the balanced initial matrix has spectral radius {radius}; use a larger network (Hidden = {n}).");
        return magnitude.mul(Options.SpectralRadius / radius);
    }

    /// <summary>Hidden rates after driving <paramref name="r0"/> [B, n] with drive [L, B, n], one sample interval per row.</summary>
    Tensor Integrate(Tensor r0, Tensor drive, Tensor weight) => integrator.Integrate(r0, drive, weight, InverseTau(weight.dtype, weight.device));

    /// <summary>γ = 1/τ of each unit as a tensor [n].</summary>
    Tensor InverseTau(ScalarType dtype, Device device) =>
        torch.tensor(TimeConstants.Select(t => 1 / t).ToArray(), dtype: dtype, device: device);

    /// <summary>W_in x + b for inputs [L, B, D]: [L, B, n], one matrix product for all samples.</summary>
    Tensor Drive(Tensor inputs) => torch.nn.functional.linear(inputs, w_in, b).contiguous();

    Tensor ZeroState(long batch) => torch.zeros([batch, Options.Hidden], dtype: w_in.dtype, device: w_in.device);

    void CheckClosedLoop()
    {
        if (Options.InputSize != Options.OutputSize)
            throw new InvalidOperationException($"closed-loop use feeds outputs back as inputs, but OutputSize = {Options.OutputSize} differs from InputSize = {Options.InputSize}.");
    }

    void CheckWindows(Tensor windows) => ModelInputs.CheckWindows(windows, Options.InputSize, w_in);

    static void Validate(EiRateNetworkOptions o)
    {
        if (o.Hidden < 2) throw new ArgumentOutOfRangeException(nameof(o.Hidden), o.Hidden, "Hidden (number of units) must be >= 2: at least one excitatory and one inhibitory unit.");
        if (!(o.ExcitatoryFraction > 0 && o.ExcitatoryFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ExcitatoryFraction), o.ExcitatoryFraction, "ExcitatoryFraction must lie strictly between 0 and 1 (0.8 is the cortical ratio).");
        if (o.ExcitatoryCount < 1 || o.InhibitoryCount < 1)
            throw new ArgumentOutOfRangeException(nameof(o.ExcitatoryFraction), o.ExcitatoryFraction, $"ExcitatoryFraction {o.ExcitatoryFraction} of {o.Hidden} units leaves {o.ExcitatoryCount} E and {o.InhibitoryCount} I units; each population needs at least one: change the fraction or use more units.");
        Guard.Positive(o.TauE, nameof(o.TauE));
        Guard.Positive(o.TauI, nameof(o.TauI));
        Guard.Positive(o.SpectralRadius, nameof(o.SpectralRadius));
        Guard.Finite(o.ExternalDrive, nameof(o.ExternalDrive));
        if (!Enum.IsDefined(o.Activation) || !o.Activation.IsNonNegative())
            throw new ArgumentOutOfRangeException(nameof(o.Activation), o.Activation, "the rate function must be non-negative (firing rates): use Softplus or RectifiedTanh.");
        o.ValidateShared();
    }
}
