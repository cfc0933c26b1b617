using MathNet.Numerics;
using NeuroDyn.Models.Spiking;

namespace NeuroDyn.Analysis.Spiking;

/// <summary>
/// Brunel's (2000) diffusion-approximation theory of the stationary asynchronous state of model A: with
/// μ = C_E J τ (ν_ext + ν (1 − g γ)) and σ² = J² C_E τ (ν_ext + ν (1 + g² γ)), γ = C_I/C_E, the rate solves
/// 1/ν = τ_rp + τ √π ∫_{(V_r − μ)/σ}^{(θ − μ)/σ} e^{u²} (1 + erf u) du (the Siegert formula, Brunel 2000 eq. 21).
/// It ignores the finite size of J and the delay, so simulations differ from it by a few percent.
/// </summary>
public static class BrunelMeanField
{
    /// <summary>The self-consistent stationary rate (Hz) of the asynchronous state for the given parameters (bisection on ν; for g γ &gt; 1 the root is unique).</summary>
    public static double StationaryRate(BrunelParameters parameters)
    {
        var p = parameters.Validate();
        double lo = 0, hi = p.RefractoryPeriod > 0 ? 1.0 / p.RefractoryPeriod : 10.0; // kHz
        for (int k = 0; k < 100 && hi - lo > 1e-12; k++)
        {
            double mid = 0.5 * (lo + hi);
            if (OutputRate(p, mid) > mid) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi) * 1000.0;
    }

    /// <summary>The rate (kHz) of a neuron whose inputs fire at ν (kHz): the right-hand side of the self-consistency equation.</summary>
    public static double OutputRate(BrunelParameters parameters, double rate)
    {
        var p = parameters;
        double cE = p.ExcitatoryInDegree, gamma = cE > 0 ? p.InhibitoryInDegree / cE : 0;
        double external = p.Eta * p.ThresholdRate;
        double mu = cE * p.J * p.TauM * (external + rate * (1 - p.G * gamma));
        double sigma = Math.Sqrt(p.J * p.J * cE * p.TauM * (external + rate * (1 + p.G * p.G * gamma)));
        if (sigma == 0) return mu > p.Theta ? 1.0 / (p.RefractoryPeriod + p.TauM * Math.Log((mu - p.VReset) / (mu - p.Theta))) : 0;
        double upper = (p.Theta - mu) / sigma, lower = (p.VReset - mu) / sigma;
        double integral = Integrate.OnClosedInterval(SiegertIntegrand, lower, upper, 1e-10);
        return 1.0 / (p.RefractoryPeriod + p.TauM * Math.Sqrt(Math.PI) * integral);
    }

    /// <summary>e^{u²} (1 + erf u) = e^{u²} erfc(−u), with its asymptote 1/(|u| √π) (1 − 1/(2u²)) where e^{u²} would overflow.</summary>
    private static double SiegertIntegrand(double u)
    {
        if (u < -20) return 1.0 / (-u * Math.Sqrt(Math.PI)) * (1 - 1 / (2 * u * u));
        return Math.Exp(u * u) * SpecialFunctions.Erfc(-u);
    }
}
