namespace NeuroDyn.Models;

/// <summary>How balanced an E/I network's run is: the excitatory and inhibitory currents into each unit, how far they cancel,
/// how they co-vary in time, and the rates. Currents are [time, unit] with inhibition as a magnitude (≥ 0).</summary>
/// <param name="MeanExcitatoryInput">Mean over units and time of the excitatory current E_i(t) = Σ_{j∈E} W_ij r_j(t).</param>
/// <param name="MeanInhibitoryInput">Mean over units and time of the inhibitory current I_i(t) = Σ_{j∈I} |W_ij| r_j(t).</param>
/// <param name="Ratio">Inhibition over excitation, mean I / mean E (1 = exact cancellation on average).</param>
/// <param name="MeanExternalInput">Mean over units and time of the external current X_i(t) = (W_in x(t) + b)_i.</param>
/// <param name="NetRelativeToExcitatory">Balance index: mean over units of |⟨E_i − I_i + X_i⟩_t| divided by the mean excitatory current (≪ 1 when balanced).</param>
/// <param name="NetRelativeToInhibitory">The same net input divided by the mean inhibitory current.</param>
/// <param name="EiCorrelation">Mean over units of the Pearson correlation in time of E_i(t) and I_i(t) (near 1 when inhibition tracks excitation); NaN when no unit's currents vary.</param>
/// <param name="MeanRateE">Mean rate of the excitatory units.</param>
/// <param name="MeanRateI">Mean rate of the inhibitory units.</param>
/// <param name="UnitRates">Time-averaged rate of each unit (the first <paramref name="ExcitatoryCount"/> are excitatory).</param>
/// <param name="ExcitatoryCount">Number n_E of excitatory units.</param>
/// <param name="Excitatory">Excitatory current E_i(t), [time, unit].</param>
/// <param name="Inhibitory">Inhibitory current I_i(t) (magnitude), [time, unit].</param>
/// <param name="External">External current X_i(t), [time, unit].</param>
public sealed record BalanceDiagnostics(
    double MeanExcitatoryInput, double MeanInhibitoryInput, double Ratio, double MeanExternalInput,
    double NetRelativeToExcitatory, double NetRelativeToInhibitory, double EiCorrelation,
    double MeanRateE, double MeanRateI, double[] UnitRates, int ExcitatoryCount,
    double[,] Excitatory, double[,] Inhibitory, double[,] External)
{
    /// <summary>The diagnostics of currents and rates recorded over time ([time, unit] each; all the same shape).</summary>
    public static BalanceDiagnostics FromCurrents(double[,] excitatory, double[,] inhibitory, double[,] external, double[,] rates, int excitatoryCount)
    {
        ArgumentNullException.ThrowIfNull(excitatory);
        ArgumentNullException.ThrowIfNull(inhibitory);
        ArgumentNullException.ThrowIfNull(external);
        ArgumentNullException.ThrowIfNull(rates);
        int steps = excitatory.GetLength(0), units = excitatory.GetLength(1);
        foreach (var (m, name) in new[] { (inhibitory, nameof(inhibitory)), (external, nameof(external)), (rates, nameof(rates)) })
            if (m.GetLength(0) != steps || m.GetLength(1) != units)
                throw new ArgumentException($"{name} is {m.GetLength(0)}×{m.GetLength(1)} but the excitatory currents are {steps}×{units}; all must be time × unit.", name);
        if (steps < 2 || units < 2)
            throw new ArgumentException($"need at least 2 time points and 2 units, got {steps}×{units}.", nameof(excitatory));
        if (excitatoryCount < 1 || excitatoryCount >= units)
            throw new ArgumentOutOfRangeException(nameof(excitatoryCount), excitatoryCount, $"excitatoryCount must lie in 1 .. {units - 1}.");
        var unitRates = new double[units];
        double sumE = 0, sumI = 0, sumX = 0, sumNet = 0, sumCorrelation = 0;
        int correlated = 0;
        var e = new double[steps];
        var inh = new double[steps];
        for (int i = 0; i < units; i++)
        {
            double meanE = 0, meanI = 0, meanX = 0, meanRate = 0;
            for (int t = 0; t < steps; t++)
            {
                e[t] = excitatory[t, i];
                inh[t] = inhibitory[t, i];
                meanE += e[t];
                meanI += inh[t];
                meanX += external[t, i];
                meanRate += rates[t, i];
            }
            (meanE, meanI, meanX, meanRate) = (meanE / steps, meanI / steps, meanX / steps, meanRate / steps);
            unitRates[i] = meanRate;
            sumE += meanE;
            sumI += meanI;
            sumX += meanX;
            sumNet += Math.Abs(meanE - meanI + meanX);
            double correlation = Correlation(e, inh, meanE, meanI);
            if (double.IsFinite(correlation))
            {
                sumCorrelation += correlation;
                correlated++;
            }
        }
        double excitation = sumE / units, inhibition = sumI / units, net = sumNet / units;
        return new BalanceDiagnostics(excitation, inhibition, inhibition / excitation, sumX / units,
            net / excitation, net / inhibition, correlated == 0 ? double.NaN : sumCorrelation / correlated,
            unitRates[..excitatoryCount].Average(), unitRates[excitatoryCount..].Average(), unitRates, excitatoryCount,
            excitatory, inhibitory, external);
    }

    /// <summary>Pearson correlation of two series with known means; NaN when either is constant.</summary>
    static double Correlation(double[] a, double[] b, double meanA, double meanB)
    {
        double ab = 0, aa = 0, bb = 0;
        for (int t = 0; t < a.Length; t++)
        {
            double da = a[t] - meanA, db = b[t] - meanB;
            ab += da * db;
            aa += da * da;
            bb += db * db;
        }
        return aa > 0 && bb > 0 ? ab / Math.Sqrt(aa * bb) : double.NaN;
    }
}
