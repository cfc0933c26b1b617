using NeuroDyn.Systems;
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
/// E/I network); Dopri5 integrates each sample interval with <see cref="Torch.TorchOde"/>, restarting at the input's jumps.
/// What it shares with the E/I network (drive, integration, readout, rollout, closed-loop field) is <see cref="RateNetwork{TOptions}"/>'s.
/// </remarks>
public sealed class CtRnn : RateNetwork<CtRnnOptions>
{
    readonly Parameter w_rec;

    /// <summary>A CT-RNN with weights and biases drawn uniformly from ±1/√fan_in (PyTorch's nn.Linear rule) by a generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="options">Sizes, time scales and solver.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same network.</param>
    /// <param name="device">Device of the parameters (default CPU).</param>
    /// <param name="dtype">Floating-point type of the parameters (default float64).</param>
    public CtRnn(CtRnnOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64)
        : this(options, InitialWeights.Draw(Validated(options), seed, device, dtype, options.Hidden, biasMean: 0,
            generator => UniformInit.Draw(generator, [options.Hidden, options.Hidden], options.Hidden)))
    {
    }

    CtRnn(CtRnnOptions options, InitialWeights initial) : base(nameof(CtRnn), options, RateActivation.Tanh, options.Hidden, initial, options.Hidden)
    {
        w_rec = initial.Recurrent;
        RegisterComponents();
    }

    /// <summary>Recurrent weights W_rec [n, n].</summary>
    public override Tensor RecurrentWeight => w_rec;

    /// <summary>The closed-loop dynamics as a plain-double <see cref="IVectorField"/> with analytic Jacobian (weights copied now), on the states of
    /// <see cref="RateNetwork{TOptions}.ClosedLoopDerivative"/>.</summary>
    /// <remarks>The discrete model feeds its prediction back once per sample interval Δ (zero-order hold); this continuous field is its Δ → 0 idealisation.
    /// With the increment readout the discrete model is the pair h_{k+1} = flow of h over Δ with x_k held, x_{k+1} = x_k + s (W_out h_{k+1} + b_out):
    /// x changes by s r per model time Δ, hence dx/dt = (s/Δ) r in the limit, and x becomes part of the state.</remarks>
    public CtRnnVectorField AsVectorField()
    {
        var f = CopyClosedLoopWeights();
        return new CtRnnVectorField(f.Recurrent, f.Input, f.Bias, f.Output, f.OutputBias, Options.Tau, f.IncrementRate);
    }

    /// <summary>γ = 1/τ, one scalar for every unit.</summary>
    private protected override Tensor InverseTau(Tensor like) => torch.tensor(1.0 / Options.Tau, dtype: like.dtype, device: like.device);

    static CtRnnOptions Validated(CtRnnOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Hidden <= 0) throw new ArgumentOutOfRangeException(nameof(o.Hidden), o.Hidden, "Hidden (number of units) must be >= 1.");
        Guard.Positive(o.Tau, nameof(o.Tau));
        o.ValidateShared();
        return o;
    }
}
