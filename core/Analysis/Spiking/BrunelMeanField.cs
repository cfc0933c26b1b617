using MathNet.Numerics;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Analysis.Spiking;

/// <summary>
/// Brunel's (2000) diffusion-approximation theory of the stationary asynchronous state of model A: with
/// μ = C_E J τ (ν_ext + ν (1 − g γ)) + μ_0 and σ² = J² C_E τ (ν_ext + ν (1 + g² γ)), γ = C_I/C_E, μ_0 a constant extra input (mV),
/// the rate solves 1/ν = τ_rp + τ √π ∫_{(V_r − μ)/σ}^{(θ − μ)/σ} e^{u²} (1 + erf u) du (the Siegert formula, Brunel 2000 eq. 21).
/// It ignores the finite size of J and the delay, so simulations differ from it by a few percent.
/// </summary>
public static class BrunelMeanField
{
    /// <summary>The self-consistent stationary rate (Hz) of the asynchronous state for the given parameters and a constant extra input μ_0 (mV) on every neuron (bisection on ν; for g γ &gt; 1 the root is unique).</summary>
    public static double StationaryRate(BrunelParameters parameters, double extraInput = 0)
    {
        var p = parameters.Validate();
        if (!double.IsFinite(extraInput)) throw new ArgumentOutOfRangeException(nameof(extraInput), extraInput, "the extra input must be a finite number (mV).");
        double lo = 0, hi = p.RefractoryPeriod > 0 ? 1.0 / p.RefractoryPeriod : 10.0; // kHz
        for (int k = 0; k < 100 && hi - lo > 1e-12; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (OutputRate(p, mid, extraInput) > mid) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi) * 1000.0;
    }

    /// <summary>The rate (kHz) of a neuron whose inputs fire at ν (kHz): the right-hand side of the self-consistency equation.</summary>
    public static double OutputRate(BrunelParameters parameters, double rate, double extraInput = 0)
    {
        var p = parameters;
        double mu = MeanInput(p, rate, extraInput), sigma = InputFluctuation(p, rate);
        if (sigma == 0) return mu > p.Theta ? 1.0 / (p.RefractoryPeriod + p.TauM * Math.Log((mu - p.VReset) / (mu - p.Theta))) : 0;
        double upper = (p.Theta - mu) / sigma, lower = (p.VReset - mu) / sigma;
        double integral = Integrate.OnClosedInterval(SiegertIntegrand, lower, upper, 1e-10);
        return 1.0 / (p.RefractoryPeriod + p.TauM * Math.Sqrt(Math.PI) * integral);
    }

    /// <summary>The mean input μ = C_E J τ (ν_ext + ν (1 − g γ)) + μ_0 (mV) of a neuron whose recurrent inputs fire at ν (kHz).</summary>
    public static double MeanInput(BrunelParameters parameters, double rate, double extraInput = 0)
    {
        var p = parameters;
        double cE = p.ExcitatoryInDegree, gamma = cE > 0 ? p.InhibitoryInDegree / cE : 0;
        return cE * p.J * p.TauM * (p.Eta * p.ThresholdRate + rate * (1 - p.G * gamma)) + extraInput;
    }

    /// <summary>The input's standard deviation σ = J √(C_E τ (ν_ext + ν (1 + g² γ))) (mV) for recurrent inputs firing at ν (kHz).</summary>
    public static double InputFluctuation(BrunelParameters parameters, double rate)
    {
        var p = parameters;
        double cE = p.ExcitatoryInDegree, gamma = cE > 0 ? p.InhibitoryInDegree / cE : 0;
        return Math.Sqrt(p.J * p.J * cE * p.TauM * (p.Eta * p.ThresholdRate + rate * (1 + p.G * p.G * gamma)));
    }

    /// <summary>
    /// The relative inhibition g* at which the stationary state turns from mean-driven (μ &gt; θ: neurons fire like clocks, the regular
    /// regime) to fluctuation-driven (μ &lt; θ: only the input's fluctuations reach threshold, so firing is irregular), for the other
    /// parameters of <paramref name="parameters"/>: the root of μ(ν*(g)) = θ in [<paramref name="low"/>, <paramref name="high"/>] by bisection.
    /// NaN when μ − θ has the same sign at both ends (no crossing in the interval).
    /// </summary>
    public static double FluctuationDrivenBoundary(BrunelParameters parameters, double low, double high, double extraInput = 0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(low >= 0 && high > low && double.IsFinite(high)))
            throw new ArgumentOutOfRangeException(nameof(high), high, $"give a finite interval 0 <= low < high for g (got [{low}, {high}]).");
        double Excess(double g)
        {
            var p = parameters with { G = g };
            return MeanInput(p, StationaryRate(p, extraInput) / 1000.0, extraInput) - p.Theta;
        }
        double lo = low, hi = high, atLow = Excess(lo);
        if (Math.Sign(atLow) == Math.Sign(Excess(hi))) return double.NaN;
        for (int k = 0; k < 60 && hi - lo > 1e-6; k++)
        {
            double mid = 0.5 * (lo + hi), atMid = Excess(mid);
            if (Math.Sign(atMid) == Math.Sign(atLow)) (lo, atLow) = (mid, atMid); else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>e^{u²} (1 + erf u) = e^{u²} erfc(−u), with its asymptote 1/(|u| √π) (1 − 1/(2u²)) where e^{u²} would overflow.</summary>
    private static double SiegertIntegrand(double u)
    {
        if (u < -20) return 1.0 / (-u * Math.Sqrt(Math.PI)) * (1 - 1 / (2 * u * u));
        return Math.Exp(u * u) * SpecialFunctions.Erfc(-u);
    }
}
