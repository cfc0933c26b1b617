using System.Globalization;
using NeuroDyn.Models;
using NeuroDyn.Solvers;

namespace NeuroDyn.Training;

/// <summary>What to advise when the very first batch of a run gives a non-finite loss: no weight has changed yet, so the
/// learning rate cannot be the cause; for a rate network the usual one is a solver step too long for its time constant.</summary>
internal static class DivergenceAdvice
{
    /// <summary>Explicit Runge–Kutta steps on the decay dh/dt = −h/τ stay stable only for h/τ below about 2 (Euler and midpoint 2, RK4 2.79).</summary>
    const double StableStepRatio = 2.0;

    /// <summary>The likely causes of a non-finite loss before any update, with the model's own numbers where it is a rate network.</summary>
    public static string BeforeAnyUpdate(ISequenceModel model)
    {
        const string notLearningRate = "No weight has been updated yet, so the learning rate is not the cause";
        const string data = "check that the training data are finite and z-scored.";
        var (options, tau) = model switch
        {
            CtRnn c => ((RateNetworkOptions)c.Options, c.Options.Tau),
            EiRateNetwork e => (e.Options, Math.Min(e.Options.TauE, e.Options.TauI)),
            _ => (null, double.NaN),
        };
        if (options is null) return $"{notLearningRate}: the initial weights already give it; {data}";
        if (options.Solver is OdeMethod.Dopri5 or OdeMethod.Dop853)
            return $"{notLearningRate}, nor the step of the adaptive solver {options.Solver}, which chooses its own: {data}";
        double step = options.SampleInterval / options.StepsPerSample, ratio = step / tau;
        string numbers = string.Create(CultureInfo.InvariantCulture,
            $"each solver step is h = SampleInterval/StepsPerSample = {options.SampleInterval:G4}/{options.StepsPerSample} = {step:G4} against the fastest time constant τ = {tau:G4}, so h/τ = {ratio:G4}");
        return ratio > StableStepRatio
            ? $"{notLearningRate}: {numbers}, too large for the explicit solver {options.Solver} (stable only below about {StableStepRatio}). " +
              $"Raise tau or StepsPerSample, or lower SampleInterval, until h/τ ≤ 1; failing that, {data}"
            : $"{notLearningRate} ({numbers}, within the solver's stable range): {data}";
    }
}
