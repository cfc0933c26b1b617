using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The rate function φ of a rate network, mapping a unit's input current u to its output.</summary>
public enum RateActivation
{
    /// <summary>φ(u) = tanh u (signed; the CT-RNN's), φ'(u) = 1 − tanh² u.</summary>
    Tanh,
    /// <summary>φ(u) = ln(1 + eᵘ) (non-negative, smooth), φ'(u) = 1 / (1 + e⁻ᵘ).</summary>
    Softplus,
    /// <summary>φ(u) = max(0, tanh u) (non-negative, saturating), φ'(u) = 1 − tanh² u for u &gt; 0, else 0.</summary>
    RectifiedTanh,
}

/// <summary>Values and slopes of each <see cref="RateActivation"/>, on tensors and on plain doubles (the same formulas).</summary>
public static class RateActivations
{
    /// <summary>True for the rate functions whose values are never negative (firing rates).</summary>
    public static bool IsNonNegative(this RateActivation activation) => activation != RateActivation.Tanh;

    /// <summary>φ(u) elementwise (out of place, so autograd can differentiate it).</summary>
    public static Tensor Apply(this RateActivation activation, Tensor u) => activation switch
    {
        RateActivation.Tanh => u.tanh(),
        RateActivation.Softplus => u.clamp_min(0) + u.abs().neg().exp().log1p(),
        RateActivation.RectifiedTanh => u.tanh().relu(),
        _ => throw Unknown(activation),
    };

    /// <summary>φ(u) and φ'(u) elementwise, for a backward pass; <paramref name="u"/> is consumed (may be overwritten).</summary>
    internal static (Tensor Value, Tensor Slope) ApplyWithSlope(this RateActivation activation, Tensor u)
    {
        switch (activation)
        {
            case RateActivation.Tanh:
            {
                var s = u.tanh_();
                return (s, s.square().neg_().add_(1.0));
            }
            case RateActivation.Softplus:
            {
                var slope = u.sigmoid();
                return (Apply(activation, u), slope);
            }
            case RateActivation.RectifiedTanh:
            {
                var s = u.tanh_().relu_();
                return (s, s.square().neg_().add_(1.0).mul_(s.gt(0)));
            }
            default:
                throw Unknown(activation);
        }
    }

    /// <summary>φ(u) of one number.</summary>
    public static double Value(this RateActivation activation, double u) => activation switch
    {
        RateActivation.Tanh => Math.Tanh(u),
        RateActivation.Softplus => Math.Max(u, 0) + double.LogP1(Math.Exp(-Math.Abs(u))),
        RateActivation.RectifiedTanh => Math.Max(0, Math.Tanh(u)),
        _ => throw Unknown(activation),
    };

    /// <summary>φ'(u) of one number.</summary>
    public static double Slope(this RateActivation activation, double u)
    {
        switch (activation)
        {
            case RateActivation.Tanh:
            {
                double s = Math.Tanh(u);
                return 1 - s * s;
            }
            case RateActivation.Softplus:
                return 1 / (1 + Math.Exp(-u));
            case RateActivation.RectifiedTanh:
            {
                if (u <= 0) return 0;
                double s = Math.Tanh(u);
                return 1 - s * s;
            }
            default:
                throw Unknown(activation);
        }
    }

    static ArgumentOutOfRangeException Unknown(RateActivation activation) =>
        new(nameof(activation), activation, "unknown rate function; use Tanh, Softplus or RectifiedTanh.");
}
