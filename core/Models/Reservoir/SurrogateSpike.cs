using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models.Reservoir;

/// <summary>
/// The spike nonlinearity with a surrogate gradient (SuperSpike; Zenke &amp; Ganguli 2018, Neural Comput 30:1514; as in norse's
/// <c>superspike</c>): forward s = H(x), the Heaviside step (1 where x &gt; 0, else 0); backward ∂s/∂x is replaced by the
/// fast-sigmoid derivative σ'(x) = 1/(α|x| + 1)², α the steepness, so gradients flow through threshold crossings.
/// </summary>
public sealed class SurrogateSpike : autograd.MultiTensorFunction<SurrogateSpike>
{
    /// <inheritdoc/>
    public override string Name => "SurrogateSpike";

    /// <summary>H(x) with the surrogate derivative 1/(α|x| + 1)² in the backward pass; x is membrane potential minus threshold.</summary>
    public static Tensor Apply(Tensor x, double steepness = 100.0)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!double.IsFinite(steepness) || steepness <= 0)
            throw new ArgumentOutOfRangeException(nameof(steepness), steepness, "the surrogate steepness α must be a finite number > 0 (norse uses 100).");
        return apply([steepness, x])[0];
    }

    /// <summary>The surrogate derivative 1/(α|x| + 1)² itself (no graph).</summary>
    /// <remarks>The constants are explicit Scalars disposed after use: an implicitly converted one may be finalized by the garbage
    /// collector while libtorch still reads it.</remarks>
    public static Tensor Derivative(Tensor x, double steepness = 100.0)
    {
        using Scalar slope = steepness.ToScalar(), one = 1.ToScalar(), exponent = (-2).ToScalar();
        return x.abs().mul(slope).add(one, alpha: one).pow(exponent);   // α = 1 explicit too: add(Scalar) would convert it implicitly
    }

    /// <inheritdoc/>
    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        double steepness = (double)vars[0];
        var x = (Tensor)vars[1];
        ctx.save_data("steepness", steepness);
        ctx.save_for_backward([x]);
        using var threshold = 0.ToScalar();   // explicit and disposed after use: see Derivative
        return [x.gt(threshold).to_type(x.dtype)];
    }

    /// <inheritdoc/>
    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        double steepness = (double)ctx.get_data("steepness");
        return BackwardGuard.Run(Name, 1, () =>
        {
            var x = ctx.get_saved_variables()[0];
            return [null!, gradOutputs[0] * Derivative(x, steepness)];
        });
    }
}
