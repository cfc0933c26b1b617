using System.Diagnostics;
using NeuroDyn.IO;
using NeuroDyn.Solvers;
using NeuroDyn.Systems;

namespace NeuroDyn.Data;

/// <summary>The generated data set with what it was made from: the raw trajectory, the initial state and how the solver went.</summary>
public sealed record LorenzDataBuild(LorenzData Data, double[] Times, double[,] States, double[] InitialState, OdeSolution Solution, double Seconds);

/// <summary>Builds the tutorial's Lorenz-63 data set: solve, drop the transient, split 70/15/15 in time order, z-score with training statistics.</summary>
public static class LorenzDataset
{
    /// <summary>Memory one sample takes while the set is made: 12 doubles (requested and solved time, 3 solved states, 3 raw and 3 z-scored split entries).</summary>
    const int BytesPerSample = 12 * sizeof(double);

    /// <summary>Generates the data set from the options (the tutorial's by default).</summary>
    public static LorenzDataBuild Generate(LorenzDataOptions? options = null)
    {
        var o = options ?? new LorenzDataOptions();
        Guard.Positive(o.Dt, nameof(o.Dt));
        Guard.Positive(o.Duration, nameof(o.Duration));
        if (!(o.Transient >= 0)) throw new ArgumentOutOfRangeException(nameof(o.Transient), o.Transient, "Transient must be >= 0.");
        if (!(o.TrainFraction > 0 && o.ValFraction > 0 && o.TrainFraction + o.ValFraction < 1))
            throw new ArgumentException($"fractions must be positive and leave a test split (train {o.TrainFraction}, val {o.ValFraction}).");
        var system = new Lorenz63(o.Sigma, o.Rho, o.Beta);
        double sampleCount = Math.Round(o.Duration / o.Dt);
        MemoryBudget.Ensure(BytesPerSample * sampleCount, nameof(o.Duration), $"Duration / Dt = {sampleCount:G6} samples (times, states and splits, {BytesPerSample} bytes each)",
            "Shorten Duration or raise Dt.");
        if (sampleCount * 3 > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(o.Duration), o.Duration, $"Duration / Dt = {sampleCount:G6} samples are more than one array holds ({Array.MaxLength / 3}); shorten Duration or raise Dt.");
        var random = new Random(o.Seed);
        var x0 = new double[3];
        for (int i = 0; i < 3; i++) x0[i] = 1.0 + o.Perturbation * Gaussian.Next(random);

        int samples = (int)sampleCount;
        var times = new double[samples];
        for (int k = 0; k < samples; k++) times[k] = o.Transient + k * o.Dt;
        double end = times[^1];
        var clock = Stopwatch.StartNew();
        var solution = Ode.Solve(system, x0, 0.0, end, new OdeOptions { Method = o.Method, Rtol = o.Rtol, Atol = o.Atol, TEval = times })
            .EnsureSuccess();
        double seconds = clock.Elapsed.TotalSeconds;

        int nTrain = (int)(samples * o.TrainFraction), nVal = (int)(samples * o.ValFraction);
        int nTest = samples - nTrain - nVal;
        var trainRaw = Series.Rows(solution.States, 0, nTrain);
        var z = ZScore.Fit(trainRaw);
        var data = new LorenzData(
            z.Apply(trainRaw),
            z.Apply(Series.Rows(solution.States, nTrain, nVal)),
            z.Apply(Series.Rows(solution.States, nTrain + nVal, nTest)),
            z.Mean, z.Std, o.Dt, o.SeqLength);
        data.Validate();
        return new LorenzDataBuild(data, solution.Times, solution.States, x0, solution, seconds);
    }
}
