using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// A recurrent network of discrete-time LIF neurons trained end to end with surrogate gradients (Zenke &amp; Ganguli 2018;
/// Neftci, Mostafa &amp; Zenke 2019, IEEE Signal Process Mag 36:51), in norse's form. Per step of Δ ms, with β = e^{−Δ/τ_mem},
/// α = e^{−Δ/τ_filter} and threshold 1:
/// v ← β v (1 − s) + (1 − β)(W_in x + W_rec s + b), s ← H(v − 1) (<see cref="SurrogateSpike"/>), r ← α r + s;
/// the readout W_out (1 − α) r + b_out is the increment, ŷ = x + readout (<see cref="ReadoutTarget.Increment"/> with increment scale 1, the default),
/// or the next state itself (<see cref="ReadoutTarget.State"/>; <see cref="SurrogateLifOptions.Readout"/>).
/// The reset multiplies by the detached spike (Zenke &amp; Vogels 2021), so gradients do not flow through it.
/// Predictions and closed-loop rollouts are <see cref="SequenceModels"/>', from <see cref="WarmUp"/>, <see cref="Step"/> and <see cref="Predict"/>.
/// </summary>
public sealed class SurrogateLifNetwork : nn.Module<Tensor, Tensor>, IRecurrentSequenceModel<SurrogateLifState>, INonSmoothSequenceModel
{
    readonly Parameter w_in, w_rec, b, w_out, b_out;
    readonly double beta, alpha;

    /// <summary>The options the network was built with.</summary>
    public SurrogateLifOptions Options { get; }

    /// <summary>A network with weights drawn from a generator seeded with <paramref name="seed"/>: W_in ~ N(0, 1/D), W_rec ~ N(0, 1/n)/2,
    /// b ~ U[0.5, 1.5] (so about half of the neurons reach threshold at rest), W_out ~ U(±0.1/√n), b_out = 0.</summary>
    public SurrogateLifNetwork(SurrogateLifOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64) : base(nameof(SurrogateLifNetwork))
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        ModelInputs.CheckFloatingPoint(dtype);
        Options = options;
        int n = options.Hidden, d = options.InputSize;
        double step = options.SampleDuration / options.StepsPerSample;
        beta = Math.Exp(-step / options.TauMem);
        alpha = Math.Exp(-step / options.TauFilter);
        using var generator = new Generator((ulong)seed);
        Parameter Make(Tensor values) => new(values.to(dtype, device ?? torch.CPU));
        // explicit Scalars disposed after use: see Drive
        using Scalar inputScale = Math.Sqrt(d).ToScalar(), recurrentScale = (2 * Math.Sqrt(n)).ToScalar(), biasShift = 0.5.ToScalar(), one = 1.ToScalar(),
            readoutWidth = (0.2 / Math.Sqrt(n)).ToScalar(), readoutShift = (0.1 / Math.Sqrt(n)).ToScalar();
        w_in = Make(torch.randn([n, d], dtype: ScalarType.Float64, generator: generator).div_(inputScale));
        w_rec = Make(torch.randn([n, n], dtype: ScalarType.Float64, generator: generator).div_(recurrentScale));
        b = Make(torch.rand([n], dtype: ScalarType.Float64, generator: generator).add_(biasShift, alpha: one));
        w_out = Make(torch.rand([d, n], dtype: ScalarType.Float64, generator: generator).mul_(readoutWidth).sub_(readoutShift));
        b_out = Make(torch.zeros([d], dtype: ScalarType.Float64));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public nn.Module Module => this;

    /// <inheritdoc/>
    public int ParameterCount => (int)parameters().Sum(p => p.numel());

    /// <inheritdoc/>
    public string NoMapReason => "a spiking model has no smooth closed-loop map (its surrogate derivative is not a Jacobian); analyse its free run with trajectory measures instead (LargestLyapunov, Dimensions, PoincareSection return maps).";

    /// <summary>Input weights W_in [n, D].</summary>
    public Tensor InputWeight => w_in;
    /// <summary>Recurrent weights W_rec [n, n].</summary>
    public Tensor RecurrentWeight => w_rec;
    /// <summary>Readout weights W_out [D, n].</summary>
    public Tensor OutputWeight => w_out;

    /// <summary>Next-state predictions [B, D] from windows [B, L, D], starting from rest (v = s = r = 0).</summary>
    public override Tensor forward(Tensor windows) => SequenceModels.PredictNext(this, windows);

    /// <inheritdoc/>
    public Tensor PredictNext(Tensor windows) => forward(windows);

    /// <summary>Warm up on windows [B, L, D], then feed each prediction back as the next sample: predictions [B, steps, D].</summary>
    public Tensor Rollout(Tensor windows, int steps) => SequenceModels.Rollout(this, windows, steps);

    /// <summary>The state after driving the network from rest (v = s = r = 0) with windows [B, L, D].</summary>
    public SurrogateLifState WarmUp(Tensor windows)
    {
        CheckWindows(windows);
        return Drive(Rest(windows.shape[0]), windows);
    }

    /// <summary>The state after one more sample x [B, D], held for StepsPerSample steps.</summary>
    public SurrogateLifState Step(SurrogateLifState state, Tensor input) => Drive(state, input.unsqueeze(1));

    /// <summary>The prediction from the traces: y = W_out (1 − α) r + b_out, plus the latest input [B, D] with the increment readout.</summary>
    public Tensor Predict(SurrogateLifState state, Tensor latest)
    {
        ArgumentNullException.ThrowIfNull(state);
        using var filterGain = (1 - alpha).ToScalar();   // explicit and disposed after use: see Drive
        var y = torch.nn.functional.linear(state.R.mul(filterGain), w_out, b_out);
        return Options.Readout.NextState(y, latest, incrementScale: 1.0);
    }

    /// <summary>Spikes [B, L·StepsPerSample, n] of every step while driven by windows [B, L, D] from rest (for rasters; no gradients kept).</summary>
    public Tensor Spikes(Tensor windows)
    {
        CheckWindows(windows);
        using var noGrad = torch.no_grad();
        var recorded = new List<Tensor>();
        Drive(Rest(windows.shape[0]), windows, recorded);
        return torch.stack(recorded, dim: 1);
    }

    SurrogateLifState Rest(long batch)
    {
        var zero = torch.zeros([batch, Options.Hidden], dtype: w_in.dtype, device: w_in.device);
        return new SurrogateLifState(zero, zero, zero);
    }

    /// <summary>Runs the LIF dynamics over the samples of inputs [B, L, D], each held for StepsPerSample steps.</summary>
    /// <remarks>The constants are explicit Scalars disposed when the method returns: an implicitly converted one is referenced by
    /// nothing once its handle is passed, so the garbage collector may finalize (free) it while libtorch still reads it. The sums pass
    /// α = 1 explicitly too: TorchSharp's add without α converts it implicitly.</remarks>
    SurrogateLifState Drive(SurrogateLifState state, Tensor inputs, List<Tensor>? recorded = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        using Scalar one = 1.ToScalar(), decay = beta.ToScalar(), inputGain = (1 - beta).ToScalar(), filterDecay = alpha.ToScalar();
        var drive = torch.nn.functional.linear(inputs, w_in, b); // [B, L, n], one product for all samples
        var (v, s, r) = state;
        for (long k = 0; k < inputs.shape[1]; k++)
        {
            var current = drive.select(1, k);
            for (int m = 0; m < Options.StepsPerSample; m++)
            {
                var reset = s.detach().negative().add(one, alpha: one);   // 1 − s
                v = v.mul(reset).mul(decay).add(current.add(s.matmul(w_rec.t()), alpha: one).mul(inputGain), alpha: one);
                s = SurrogateSpike.Apply(v.sub(one), Options.Steepness);
                r = r.mul(filterDecay).add(s, alpha: one);
                recorded?.Add(s);
            }
        }
        return new SurrogateLifState(v, s, r);
    }

    void CheckWindows(Tensor windows) => ModelInputs.CheckWindows(windows, Options.InputSize, w_in);

    static void Validate(SurrogateLifOptions o)
    {
        static void Fail(string name, object value, string what) => throw new ArgumentException($"SurrogateLifOptions.{name} = {value} {what}", name);
        if (o.Hidden < 1) Fail(nameof(o.Hidden), o.Hidden, "must be at least 1 neuron.");
        if (o.InputSize < 1) Fail(nameof(o.InputSize), o.InputSize, "must be at least 1.");
        if (o.StepsPerSample < 1) Fail(nameof(o.StepsPerSample), o.StepsPerSample, "must be at least 1 step per sample.");
        foreach (var (name, value) in new[] { (nameof(o.TauMem), o.TauMem), (nameof(o.TauFilter), o.TauFilter), (nameof(o.SampleDuration), o.SampleDuration), (nameof(o.Steepness), o.Steepness) })
            if (!double.IsFinite(value) || value <= 0) Fail(name, value, "must be a finite number > 0 (times in ms).");
        if (!Enum.IsDefined(o.Readout)) Fail(nameof(o.Readout), o.Readout, "is not a readout target; use Increment or State.");
    }
}
