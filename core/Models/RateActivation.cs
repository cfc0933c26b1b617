using System.Numerics;
using TorchSharp;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
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

/// <summary>Values and slopes of each <see cref="RateActivation"/>: on tensors (values, for autograd), on spans (values and slopes, for the fused recurrence) and on plain doubles — the same formulas.</summary>
public static class RateActivations
{
    /// <summary>True for the rate functions whose values are never negative (firing rates).</summary>
    public static bool IsNonNegative(this RateActivation activation) => activation != RateActivation.Tanh;

    /// <summary>φ(u) elementwise (out of place, so autograd can differentiate it).</summary>
    public static Tensor Apply(this RateActivation activation, Tensor u) => activation switch
    {
        RateActivation.Tanh => u.tanh(),
        RateActivation.Softplus => Softplus(u),
        RateActivation.RectifiedTanh => u.tanh().relu(),
        _ => throw Unknown(activation),
    };

    /// <summary>Softplus φ(u) = max(u, 0) + log(1 + e^−|u|) on a tensor (no overflow for large u).</summary>
    static Tensor Softplus(Tensor u)
    {
        // explicit and disposed after the calls (Tensor + Tensor converts α = 1 implicitly): an implicit one may be finalized while libtorch reads it
        using Scalar zero = 0.ToScalar(), one = 1.ToScalar();
        return u.clamp_min(zero).add(u.abs().neg().exp().log1p(), alpha: one);
    }

    /// <summary>φ(u) into <paramref name="u"/> and φ'(u) into <paramref name="slope"/>, elementwise on spans (SIMD), for a hand-written backward pass.</summary>
    internal static void ApplyWithSlope<T>(this RateActivation activation, Span<T> u, Span<T> slope) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (activation)
        {
            case RateActivation.Tanh:
                TensorPrimitives.Tanh(u, u);
                OneMinusSquare(u, slope);
                break;
            case RateActivation.Softplus:
                // φ(u) = max(u, 0) + log(1 + e^−|u|), then φ'(u) = σ(u) = 1 − e^−φ(u) = −expm1(−φ(u)) (no cancellation for small φ)
                TensorPrimitives.Abs(u, slope);
                TensorPrimitives.Negate(slope, slope);
                TensorPrimitives.Exp(slope, slope);
                TensorPrimitives.LogP1(slope, slope);
                TensorPrimitives.Max(u, T.Zero, u);
                TensorPrimitives.Add(u, slope, u);
                TensorPrimitives.Negate(u, slope);
                TensorPrimitives.ExpM1(slope, slope);
                TensorPrimitives.Negate(slope, slope);
                break;
            case RateActivation.RectifiedTanh:
                TensorPrimitives.Tanh(u, u);
                TensorPrimitives.Max(u, T.Zero, u);
                OneMinusSquare(u, slope);
                for (int i = 0; i < u.Length; i++)
                    if (u[i] == T.Zero) slope[i] = T.Zero;   // clipped (u ≤ 0): no slope
                break;
            default:
                throw Unknown(activation);
        }
    }

    /// <summary>1 − s² elementwise, in one pass.</summary>
    static void OneMinusSquare<T>(ReadOnlySpan<T> s, Span<T> result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        for (; i <= s.Length - Vector<T>.Count; i += Vector<T>.Count)
        {
            var v = new Vector<T>(s[i..]);
            (Vector<T>.One - v * v).CopyTo(result[i..]);
        }
        for (; i < s.Length; i++) result[i] = T.One - s[i] * s[i];
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
