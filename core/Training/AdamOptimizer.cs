using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Training;

/// <summary>
/// Adam (Kingma &amp; Ba 2015) with L2 weight decay λ, per parameter θ with gradient g at step t:
/// g ← g + λθ; m ← β1 m + (1 − β1) g; v ← β2 v + (1 − β2) g²; θ ← θ − (η / (1 − β1^t)) m / (√v / √(1 − β2^t) + ε).
/// The same update, in the same order of operations, as torch.optim.Adam, so the weights agree bit for bit; but every constant is an
/// explicit Scalar disposed after the step (an implicitly converted one is referenced by nothing once its handle is passed, so the
/// garbage collector may finalize it while libtorch still reads it), and the learning rate η is an argument of each step (for schedules).
/// </summary>
public sealed class AdamOptimizer : IDisposable
{
    readonly List<(Parameter Parameter, ParameterState State)> entries;
    readonly double beta1, beta2, epsilon, weightDecay;

    /// <summary>Adam's state for one parameter: the moments m (exp_avg) and v (exp_avg_sq) and the number of steps taken.</summary>
    public sealed class ParameterState
    {
        internal ParameterState(Parameter parameter)
        {
            ExpAvg = torch.zeros_like(parameter).DetachFromDisposeScope();
            ExpAvgSq = torch.zeros_like(parameter).DetachFromDisposeScope();
        }

        /// <summary>The first-moment estimate m, shaped like the parameter.</summary>
        public Tensor ExpAvg { get; }
        /// <summary>The second-moment estimate v, shaped like the parameter.</summary>
        public Tensor ExpAvgSq { get; }
        /// <summary>The number of steps taken with a gradient (t in the bias corrections).</summary>
        public long Step { get; internal set; }
    }

    /// <summary>An optimizer for <paramref name="parameters"/> with zero moments; β1, β2 in [0, 1), ε ≥ 0, weight decay λ ≥ 0.</summary>
    public AdamOptimizer(IEnumerable<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "Adam's β1 must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "Adam's β2 must lie in [0, 1).");
        if (!(epsilon >= 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Adam's ε must be a finite number ≥ 0.");
        if (!(weightDecay >= 0 && double.IsFinite(weightDecay))) throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, "The weight decay must be a finite number ≥ 0.");
        (this.beta1, this.beta2, this.epsilon, this.weightDecay) = (beta1, beta2, epsilon, weightDecay);
        entries = parameters.Select(p => (p, new ParameterState(p))).ToList();
    }

    /// <summary>The state of each parameter, in the order the parameters were given.</summary>
    public IReadOnlyList<ParameterState> States => entries.Select(e => e.State).ToList();

    /// <summary>Sets every existing gradient to zero (as torch.optim's zero_grad does).</summary>
    public void ZeroGrad()
    {
        foreach (var (parameter, _) in entries)
        {
            using var grad = parameter.grad;
            grad?.zero_();
        }
    }

    /// <summary>One Adam step with learning rate η for every parameter that has a gradient; parameters without one are left alone.</summary>
    public void Step(double learningRate)
    {
        if (!(learningRate >= 0 && double.IsFinite(learningRate)))
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Adam's learning rate must be a finite number ≥ 0.");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        using Scalar decay1 = beta1.ToScalar(), gain1 = (1 - beta1).ToScalar(), decay2 = beta2.ToScalar(), gain2 = (1 - beta2).ToScalar(),
            eps = epsilon.ToScalar(), lambda = weightDecay.ToScalar(), one = 1.ToScalar();
        foreach (var (parameter, state) in entries)
        {
            var grad = parameter.grad;
            if (grad is null) continue;
            state.Step += 1;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
            double biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
            if (weightDecay != 0) grad = grad.add(parameter, alpha: lambda);
            state.ExpAvg.mul_(decay1).add_(grad, alpha: gain1);
            state.ExpAvgSq.mul_(decay2).addcmul_(grad, grad.conj(), value: gain2);
            using Scalar rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar(), negativeStep = (-(learningRate / biasCorrection1)).ToScalar();
            var denominator = state.ExpAvgSq.sqrt().div(rootCorrection2).add_(eps, alpha: one);   // α = 1 explicit: add_(Scalar) would convert it implicitly
            parameter.addcdiv_(state.ExpAvg, denominator, value: negativeStep);
        }
    }

    /// <summary>Frees the moment tensors.</summary>
    public void Dispose()
    {
        foreach (var (_, state) in entries)
        {
            state.ExpAvg.Dispose();
            state.ExpAvgSq.Dispose();
        }
    }
}
