using MathNet.Numerics.IntegralTransforms;
using NeuroDyn.Systems;
using Complex = System.Numerics.Complex;

namespace NeuroDyn.Analysis;

/// <summary>A one-sided power spectrum: Power[k] at Frequencies[k].</summary>
/// <param name="Frequencies">f_k = k / (N·dt), k = 0 … ⌊N/2⌋.</param>
/// <param name="Power">Periodogram values at those frequencies.</param>
public sealed record Spectrum(double[] Frequencies, double[] Power);

/// <summary>Periodogram power spectra by the fast Fourier transform (MathNet, any length N).</summary>
public static class PowerSpectrum
{
    /// <summary>
    /// The periodogram P_k = (dt/N)·|Σ_t (x_t − x̄) e^{−2πikt/N}|² at f_k = k/(N·dt), k = 0 … ⌊N/2⌋
    /// (the mean x̄ is subtracted unless <paramref name="subtractMean"/> is false).
    /// </summary>
    public static Spectrum Compute(double[] series, double dt = 1.0, bool subtractMean = true)
    {
        ArgumentNullException.ThrowIfNull(series);
        Guard.Finite(series, nameof(series));
        Guard.Positive(dt, nameof(dt));
        if (series.Length < 2) throw new ArgumentException($"series has {series.Length} samples; a spectrum needs at least 2.", nameof(series));
        int n = series.Length;
        double mean = subtractMean ? series.Average() : 0.0;
        var squared = SquaredMagnitudes(series.Select(v => v - mean).ToArray());
        var frequencies = new double[squared.Length];
        for (int k = 0; k < squared.Length; k++)
        {
            frequencies[k] = k / (n * dt);
            squared[k] *= dt / n;
        }
        return new Spectrum(frequencies, squared);
    }

    /// <summary>|X_k|² of the unscaled discrete Fourier transform X_k = Σ_t x_t e^{−2πikt/N}, for k = 0 … ⌊N/2⌋.</summary>
    internal static double[] SquaredMagnitudes(double[] series)
    {
        var transform = series.Select(v => new Complex(v, 0)).ToArray();
        Fourier.Forward(transform, FourierOptions.NoScaling);
        var result = new double[series.Length / 2 + 1];
        for (int k = 0; k < result.Length; k++) result[k] = transform[k].Real * transform[k].Real + transform[k].Imaginary * transform[k].Imaginary;
        return result;
    }
}
