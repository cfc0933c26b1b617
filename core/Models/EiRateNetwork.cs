using MathNet.Numerics.LinearAlgebra;
using NeuroDyn.Systems;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>
/// A rate network of n_E excitatory and n_I inhibitory units obeying Dale's law:
/// τ_E dr_E/dt = −r_E + φ(W_EE r_E − W_EI r_I + W_E,in x + b_E), τ_I dr_I/dt = −r_I + φ(W_IE r_E − W_II r_I + W_I,in x + b_I),
/// the inhibitory drive W_I,in x + b_I being zero by default (<see cref="EiRateNetworkOptions.Input"/>), φ ≥ 0, readout y = W_out r_E + b_out (or, with the increment readout of <see cref="RateNetworkOptions.Readout"/>, y = x_last + s (W_out r_E + b_out)). Maps windows [B, L, D] to next-state predictions [B, D] like <see cref="CtRnn"/>.
/// </summary>
/// <remarks>
/// <para>Dale's law holds by construction at every step of training (Song, Yang &amp; Wang 2016, PLoS Comput Biol 12:e1004792,
/// "Training excitatory-inhibitory recurrent neural networks for cognitive tasks"): the trained parameter is an unconstrained
/// matrix A and the recurrent weights are W = |A| D with D = diag(+1 for E columns, −1 for I columns), so every outgoing weight of an
/// excitatory unit is ≥ 0 and of an inhibitory unit ≤ 0 whatever the optimiser does; nothing is clipped after the fact.
/// Input weights, biases and the readout are unconstrained (they stand for external afferents and a decoder, and the z-scored inputs are signed).
/// With <see cref="EiInput.Excitatory"/> (the default) the external drive W_in x + b reaches the excitatory units only: the rows of W_in and b
/// of the inhibitory units are zero and masked out wherever they are used, so no gradient moves them (the inhibitory units see the input
/// only through the excitatory ones).</para>
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
/// readout of r(LΔ). Drive, integration, readout, rollout and closed-loop field are shared with the CT-RNN (<see cref="RateNetwork{TOptions}"/>).</para>
/// </remarks>
public sealed class EiRateNetwork : RateNetwork<EiRateNetworkOptions>, ITrainingPenalty
{
    readonly Parameter w_rec_magnitude;

    /// <summary>Number of excitatory units n_E (the first n_E units).</summary>
    public int ExcitatoryCount { get; }

    /// <summary>Number of inhibitory units n_I (the last n_I units).</summary>
    public int InhibitoryCount { get; }

    /// <summary>A balanced E/I network initialised by a generator seeded with <paramref name="seed"/> (see the remarks of the class).</summary>
    /// <param name="options">Sizes, time scales, rate function, initial spectral radius and solver.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives the same network.</param>
    /// <param name="device">Device of the parameters (default CPU).</param>
    /// <param name="dtype">Floating-point type of the parameters (default float64).</param>
    public EiRateNetwork(EiRateNetworkOptions options, long seed, Device? device = null, ScalarType dtype = ScalarType.Float64)
        : this(options, InitialWeights.Draw(Validated(options), seed, device, dtype, ReadoutUnits(options), options.ExternalDrive,
            generator => BalancedMagnitudes(options, torch.rand([options.Hidden, options.Hidden], dtype: ScalarType.Float64, generator: generator))))
    {
    }

    EiRateNetwork(EiRateNetworkOptions options, InitialWeights initial) : base(nameof(EiRateNetwork), options, options.Activation, ReadoutUnits(options), initial, options.InputUnits)
    {
        ExcitatoryCount = options.ExcitatoryCount;
        InhibitoryCount = options.InhibitoryCount;
        w_rec_magnitude = initial.Recurrent;
        RegisterComponents();
    }

    /// <summary>The trained, unconstrained matrix A [n, n] whose absolute values are the weight magnitudes.</summary>
    public Tensor RecurrentMagnitude => w_rec_magnitude;

    /// <summary>The effective recurrent weights W = |A| D [n, n] (row i receives from column j): E columns ≥ 0, I columns ≤ 0 (differentiable).</summary>
    public override Tensor RecurrentWeight
    {
        get
        {
            var magnitude = w_rec_magnitude.abs();
            return torch.cat([magnitude.narrow(1, 0, ExcitatoryCount), magnitude.narrow(1, ExcitatoryCount, InhibitoryCount).neg()], 1);
        }
    }

    /// <summary>Sign of each presynaptic column: +1 for the excitatory units, −1 for the inhibitory ones.</summary>
    public double[] ColumnSigns => Enumerable.Range(0, Options.Hidden).Select(j => j < ExcitatoryCount ? 1.0 : -1.0).ToArray();

    /// <summary>Time constant of each unit: τ_E for the first n_E, τ_I for the rest.</summary>
    public double[] TimeConstants => Enumerable.Range(0, Options.Hidden).Select(j => j < ExcitatoryCount ? Options.TauE : Options.TauI).ToArray();

    /// <summary>Number of effective recurrent weights whose sign breaks Dale's law (an E column &lt; 0 or an I column &gt; 0); 0 by construction.</summary>
    public int DaleViolations()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using var zero = 0.ToScalar();   // explicit and disposed after use: an implicit Scalar may be finalized while libtorch reads it
        var w = RecurrentWeight;
        long wrongE = w.narrow(1, 0, ExcitatoryCount).lt(zero).sum().item<long>();
        long wrongI = w.narrow(1, ExcitatoryCount, InhibitoryCount).gt(zero).sum().item<long>();
        return (int)(wrongE + wrongI);
    }

    /// <summary>The closed-loop dynamics as a plain-double <see cref="IVectorField"/> with analytic Jacobian (weights copied now), on the states of
    /// <see cref="RateNetwork{TOptions}.ClosedLoopDerivative"/>: the rates, or with an increment readout (r, x).</summary>
    /// <remarks>The discrete model feeds its prediction back once per sample interval Δ (zero-order hold); this continuous field is its Δ → 0 idealisation.
    /// <see cref="RateNetwork{TOptions}.ClosedLoopState"/> gives a starting state after a warm-up window.</remarks>
    public EiRateVectorField AsVectorField()
    {
        var f = CopyClosedLoopWeights();
        return new EiRateVectorField(f.Recurrent, f.Input, f.Bias, f.Output, f.OutputBias, Options.TauE, Options.TauI, ExcitatoryCount, Options.Activation, f.IncrementRate, Options.Input);
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
        var (dtype, device) = (InputWeight.dtype, InputWeight.device);
        var inputs = torch.tensor(series, dtype, device).unsqueeze(0);
        var after = RateTrajectory(inputs)[0];
        var start = torch.cat([torch.zeros([1, Options.Hidden], dtype: dtype, device: device), after.narrow(0, 0, length - 1)], 0);
        var rates = start.narrow(0, warmup, length - warmup);
        var magnitude = RecurrentWeight.abs();
        var excitatory = torch.nn.functional.linear(rates.narrow(1, 0, ExcitatoryCount), magnitude.narrow(1, 0, ExcitatoryCount));
        var inhibitory = torch.nn.functional.linear(rates.narrow(1, ExcitatoryCount, InhibitoryCount), magnitude.narrow(1, ExcitatoryCount, InhibitoryCount));
        var external = torch.nn.functional.linear(inputs[0].narrow(0, warmup, length - warmup), InputWeight, Bias);
        static double[,] Matrix(Tensor t)
        {
            var cpu = t.to(ScalarType.Float64, torch.CPU).contiguous();
            var result = new double[cpu.shape[0], cpu.shape[1]];
            cpu.data<double>().CopyTo(System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref result[0, 0], result.Length));
            return result;
        }
        return BalanceDiagnostics.FromCurrents(Matrix(excitatory), Matrix(inhibitory), Matrix(external), Matrix(rates), ExcitatoryCount);
    }

    /// <summary>Ratio ρ = Σ I / Σ E of the inhibitory to the excitatory input currents at the rates r(LΔ) after each of the windows [B, L, D]
    /// (from r(0) = 0), summed over windows and units: E_i = Σ_{j∈E} W_ij r_j, I_i = Σ_{j∈I} |W_ij| r_j — the ratio of means of
    /// <see cref="MeasureBalance"/>, sampled at window ends instead of along one run. A differentiable scalar tensor.</summary>
    public Tensor InputRatio(Tensor windows)
    {
        var rates = WarmUp(windows).Hidden;
        var columnSums = RecurrentWeight.abs().sum(dim: 0L);
        var excitatory = rates.narrow(1, 0, ExcitatoryCount).matmul(columnSums.narrow(0, 0, ExcitatoryCount)).sum();
        var inhibitory = rates.narrow(1, ExcitatoryCount, InhibitoryCount).matmul(columnSums.narrow(0, ExcitatoryCount, InhibitoryCount)).sum();
        return inhibitory / excitatory;
    }

    /// <summary>Balance penalty P = λ (ρ − ρ₀)² with ρ = <see cref="InputRatio"/>(<paramref name="windows"/>), ρ₀ = <paramref name="targetRatio"/>
    /// (e.g. the ratio at initialisation) and λ = <paramref name="strength"/> ≥ 0, which keeps training near the initial balance of
    /// excitation and inhibition (<see cref="TrainingPenalty"/>). A differentiable scalar tensor.</summary>
    public Tensor BalancePenalty(Tensor windows, double targetRatio, double strength)
    {
        Guard.Finite(targetRatio, nameof(targetRatio));
        if (!(strength >= 0 && double.IsFinite(strength)))
            throw new ArgumentOutOfRangeException(nameof(strength), strength, "the balance penalty's strength must be a finite number ≥ 0 (0 switches it off).");
        // explicit and disposed after use (square() would convert its exponent 2 implicitly): see DaleViolations
        using Scalar target = targetRatio.ToScalar(), two = 2.ToScalar(), lambda = strength.ToScalar();
        return InputRatio(windows).sub(target).pow(two).mul(lambda);
    }

    /// <summary>The balance penalty of <see cref="EiRateNetworkOptions.BalancePenalty"/> for a training batch, null when its strength is 0:
    /// <see cref="BalancePenalty"/> on each window's last ⌈5 max(τ_E, τ_I)/Δ⌉ samples (at most the whole window), long enough for the rates
    /// to forget r(0) = 0 (e^−5 &lt; 1%) and far cheaper than the whole window.</summary>
    public Tensor? TrainingPenalty(Tensor windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (Options.BalancePenalty == 0) return null;
        long samples = Math.Min(windows.shape[1], (long)Math.Ceiling(5 * Math.Max(Options.TauE, Options.TauI) / Options.SampleInterval));
        return BalancePenalty(windows.narrow(1, windows.shape[1] - samples, samples), Options.BalanceTarget, Options.BalancePenalty);
    }

    /// <summary>Number of units read out: n_E, or n when reading from all units.</summary>
    static int ReadoutUnits(EiRateNetworkOptions options) => options.ReadoutFromExcitatory ? options.ExcitatoryCount : options.Hidden;

    /// <summary>Magnitudes |W| [n, n] from U(0, 1) draws doubled to U(0, 2): columns scaled by 1/√n_E (E) and (n_E/n_I)/√n_E (I), each row's inhibition
    /// rescaled to equal its excitation, then the signed matrix scaled to the spectral radius asked for.</summary>
    static Tensor BalancedMagnitudes(EiRateNetworkOptions options, Tensor unitDraws)
    {
        int n = options.Hidden, ne = options.ExcitatoryCount, ni = options.InhibitoryCount;
        double scaleE = 1.0 / Math.Sqrt(ne);
        // explicit Scalars disposed after use: see DaleViolations
        using Scalar two = 2.ToScalar(), excitatoryScale = scaleE.ToScalar(), inhibitoryScale = (scaleE * ne / ni).ToScalar();
        var draws = unitDraws.mul_(two);
        var e = draws.narrow(1, 0, ne).mul(excitatoryScale);
        var i = draws.narrow(1, ne, ni).mul(inhibitoryScale);
        i = i.mul(e.sum(1, keepdim: true).div(i.sum(1, keepdim: true)));
        var magnitude = torch.cat([e, i], 1);
        var signed = torch.cat([e, i.neg()], 1).contiguous();
        var matrix = Matrix<double>.Build.DenseOfRowMajor(n, n, signed.data<double>().ToArray());
        double radius = matrix.Evd().EigenValues.Max(z => z.Magnitude);
        if (!(radius > 0))
            throw new InvalidOperationException($"the balanced initial matrix has spectral radius {radius}; use a larger network (Hidden = {n}).");
        using var radiusScale = (options.SpectralRadius / radius).ToScalar();
        return magnitude.mul(radiusScale);
    }

    /// <summary>γ = 1/τ of each unit as a tensor [n].</summary>
    private protected override Tensor InverseTau(Tensor like) =>
        torch.tensor(TimeConstants.Select(t => 1 / t).ToArray(), dtype: like.dtype, device: like.device);

    static EiRateNetworkOptions Validated(EiRateNetworkOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Hidden < 2) throw new ArgumentOutOfRangeException(nameof(o.Hidden), o.Hidden, "Hidden (number of units) must be >= 2: at least one excitatory and one inhibitory unit.");
        if (!(o.ExcitatoryFraction > 0 && o.ExcitatoryFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(o.ExcitatoryFraction), o.ExcitatoryFraction, "ExcitatoryFraction must lie strictly between 0 and 1 (0.8 is the cortical ratio).");
        if (o.ExcitatoryCount < 1 || o.InhibitoryCount < 1)
            throw new ArgumentOutOfRangeException(nameof(o.ExcitatoryFraction), o.ExcitatoryFraction, $"ExcitatoryFraction {o.ExcitatoryFraction} of {o.Hidden} units leaves {o.ExcitatoryCount} E and {o.InhibitoryCount} I units; each population needs at least one: change the fraction or use more units.");
        Guard.Positive(o.TauE, nameof(o.TauE));
        Guard.Positive(o.TauI, nameof(o.TauI));
        Guard.Positive(o.SpectralRadius, nameof(o.SpectralRadius));
        Guard.Finite(o.ExternalDrive, nameof(o.ExternalDrive));
        if (!(o.BalancePenalty >= 0 && double.IsFinite(o.BalancePenalty)))
            throw new ArgumentOutOfRangeException(nameof(o.BalancePenalty), o.BalancePenalty, "BalancePenalty (the strength λ of λ (ρ − ρ₀)²) must be a finite number ≥ 0; 0 switches it off.");
        if (!(o.BalanceTarget > 0 && double.IsFinite(o.BalanceTarget)))
            throw new ArgumentOutOfRangeException(nameof(o.BalanceTarget), o.BalanceTarget, "BalanceTarget (the I/E input ratio ρ₀ the balance penalty keeps) must be a finite number > 0, e.g. the ratio at initialisation.");
        if (!Enum.IsDefined(o.Input))
            throw new ArgumentOutOfRangeException(nameof(o.Input), o.Input, "Input must be EiInput.Excitatory (drive to the E units only) or EiInput.All.");
        if (!Enum.IsDefined(o.Activation) || !o.Activation.IsNonNegative())
            throw new ArgumentOutOfRangeException(nameof(o.Activation), o.Activation, "the rate function must be non-negative (firing rates): use Softplus or RectifiedTanh.");
        o.ValidateShared();
        return o;
    }
}
