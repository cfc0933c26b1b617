using MathNet.Numerics.Statistics;
using NeuroDyn.Data;
using NeuroDyn.Models;
using NeuroDyn.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Evaluation;

/// <summary>Forecast measures of a sequence model on normalised (z-scored) data: one-step and rollout MSE, valid prediction time, free runs.</summary>
public static partial class Evaluate
{
    /// <summary>Fewest start points accepted for a valid-prediction-time estimate, so that median and 10th/90th percentiles mean something.</summary>
    public const int MinimumStarts = 20;

    /// <summary>Rows (windows or forecasts) per block in which a torch model is evaluated: 64, the size the models train with (batches far
    /// larger cost about twice as much per window on a quiet machine; <c>./build.sh bench evaluation</c> measures 16 to 256). Another block
    /// size changes the numbers only by rounding: libtorch picks its matrix-product kernel by the number of rows and the fused recurrence
    /// splits a block between the cores, so a row's sums run in another order.</summary>
    public const int DefaultBlockRows = 64;

    /// <summary>One-step test MSE: mean over all windows and components of (x̂_{t+1} − x_{t+1})², the windows in blocks of <paramref name="batchSize"/>.</summary>
    public static double OneStepMse(ISequenceModel model, double[,] series, int seqLength, int batchSize = DefaultBlockRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.Initialize();
        var (dtype, device) = TensorTypeOf(model.Module);
        using var windows = WindowBatches.OneStep(series, seqLength, dtype, device);
        return Mse(model, windows, 1, batchSize);
    }

    /// <summary>Closed-loop MSE: mean over all windows, the next <paramref name="steps"/> states and components of (x̂ − x)², the model fed its own predictions
    /// (windows in blocks of <paramref name="batchSize"/>).</summary>
    public static double RolloutMse(ISequenceModel model, double[,] series, int seqLength, int steps, int batchSize = DefaultBlockRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        TorchRuntime.Initialize();
        var (dtype, device) = TensorTypeOf(model.Module);
        using var windows = WindowBatches.MultiStep(series, seqLength, steps, dtype, device);
        return Mse(model, windows, steps, batchSize);
    }

    /// <summary>Mean squared error over every window of <paramref name="windows"/>, one-step or over the first <paramref name="steps"/> rollout states, without gradients.
    /// The squared errors are added one by one in window order (in float64), so the sum adds no dependence on the block size of its own.</summary>
    internal static double Mse(ISequenceModel model, WindowBatches windows, int steps, int batchSize)
    {
        return InEvaluationMode(model, () =>
        {
            double sum = 0;
            long count = 0;
            using var two = 2.ToScalar();   // explicit and disposed after use (Tensor.square() converts 2 implicitly): an implicit one may be finalized mid-call
            foreach (var starts in windows.OrderedBatches(batchSize))
            {
                using var scope = torch.NewDisposeScope();
                var batch = windows.Batch(starts);
                var error = Prediction(model, batch, steps, windows.OneStepTargets) - Targets(batch, steps, windows.OneStepTargets);
                var squares = error.pow(two).to_type(ScalarType.Float64).cpu().contiguous();
                foreach (double square in squares.data<double>()) sum += square;
                count += squares.numel();
            }
            return sum / count;
        });
    }

    /// <summary>Runs <paramref name="evaluate"/> with the model in evaluation mode and without gradients, restoring its training flag afterwards.</summary>
    static T InEvaluationMode<T>(ISequenceModel model, Func<T> evaluate)
    {
        var module = model.Module;
        bool wasTraining = module.training;
        module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            return evaluate();
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    /// <summary>The model's output for a batch: the next state, or a rollout of <paramref name="steps"/> states.</summary>
    internal static Tensor Prediction(ISequenceModel model, WindowBatch batch, int steps, bool oneStep) =>
        oneStep ? model.PredictNext(batch.Windows) : model.Rollout(batch.Windows, steps);

    /// <summary>The targets matching <see cref="Prediction"/>: all of them (one-step) or the first <paramref name="steps"/>.</summary>
    internal static Tensor Targets(WindowBatch batch, int steps, bool oneStep) =>
        oneStep ? batch.Targets : batch.Targets.narrow(1, 0, steps);

    /// <summary>
    /// Valid prediction time (Pathak et al. 2018; Vlachas et al. 2020) of closed-loop forecasts from <paramref name="starts"/> random start points:
    /// each forecast warms up on L true states, then runs <paramref name="horizonSteps"/> steps on its own output. The error
    /// e(t) = sqrt(Σ_i (x̂_i − x_i)² / Σ_i σ_i²), σ_i the standard deviation of component i of <paramref name="series"/>;
    /// the VPT is the first t at which e(t) &gt; <paramref name="threshold"/>, in Lyapunov times t·λ.
    /// </summary>
    public static VptResult ValidPredictionTime(ISequenceModel model, double[,] series, int seqLength, int starts, int horizonSteps, double dt,
        double lyapunovExponent = 0.9056, double threshold = 0.4, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        var startIndices = ForecastStarts(series.GetLength(0), seqLength, horizonSteps, starts, seed);
        return ValidPredictionTime(series, seqLength, startIndices, Forecasts(model, series, startIndices, seqLength, horizonSteps), dt, lyapunovExponent, threshold);
    }

    /// <summary>Closed-loop forecasts of a torch model from many starts, without gradients, <paramref name="blockRows"/> starts at a time: forecast n warms up
    /// on rows starts[n] … starts[n] + L − 1 of <paramref name="series"/> and predicts the next <paramref name="horizonSteps"/> rows (horizon × D each).
    /// Each forecast is computed on its own row, so the block size changes a forecast only by rounding (see <see cref="DefaultBlockRows"/>).</summary>
    public static double[][,] Forecasts(ISequenceModel model, double[,] series, IReadOnlyList<int> starts, int seqLength, int horizonSteps, int blockRows = DefaultBlockRows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(starts);
        if (blockRows < 1) throw new ArgumentOutOfRangeException(nameof(blockRows), blockRows, $"blockRows (forecasts per block) must be >= 1 (the default is {DefaultBlockRows}).");
        TorchRuntime.Initialize();
        var (dtype, device) = TensorTypeOf(model.Module);
        using var windows = WindowBatches.MultiStep(series, seqLength, horizonSteps, dtype, device);
        int size = horizonSteps * windows.Dimension;
        var forecasts = new double[starts.Count][,];
        return InEvaluationMode(model, () =>
        {
            for (int first = 0; first < starts.Count; first += blockRows)
            {
                using var scope = torch.NewDisposeScope();
                int rows = Math.Min(blockRows, starts.Count - first);
                var batch = windows.Batch(starts.Skip(first).Take(rows).ToArray());
                var rollout = model.Rollout(batch.Windows, horizonSteps);
                CheckRolloutShape(rollout, rows, horizonSteps, windows.Dimension);
                var values = rollout.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                for (int n = 0; n < rows; n++)
                {
                    forecasts[first + n] = new double[horizonSteps, windows.Dimension];
                    Buffer.BlockCopy(values, n * size * sizeof(double), forecasts[first + n], 0, size * sizeof(double));
                }
            }
            return forecasts;
        });
    }

    /// <summary>
    /// Valid prediction time from forecasts made elsewhere (any model, torch or not): <paramref name="predicted"/>[n] row k is the
    /// forecast of series[starts[n] + L + k] made after warming up on series[starts[n] .. starts[n] + L − 1]. Same measure as the model overload.
    /// </summary>
    public static VptResult ValidPredictionTime(double[,] series, int seqLength, IReadOnlyList<int> starts, IReadOnlyList<double[,]> predicted, double dt,
        double lyapunovExponent = 0.9056, double threshold = 0.4)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(starts);
        ArgumentNullException.ThrowIfNull(predicted);
        NeuroDyn.Systems.Guard.Positive(dt, nameof(dt));
        NeuroDyn.Systems.Guard.Positive(lyapunovExponent, nameof(lyapunovExponent));
        NeuroDyn.Systems.Guard.Positive(threshold, nameof(threshold));
        if (starts.Count < MinimumStarts)
            throw new ArgumentException($"{starts.Count} start points given; use at least {MinimumStarts} so the median and 10th/90th percentiles mean something.", nameof(starts));
        if (predicted.Count != starts.Count)
            throw new ArgumentException($"{predicted.Count} forecasts for {starts.Count} start points; give one forecast per start.", nameof(predicted));
        int length = series.GetLength(0), dimension = series.GetLength(1);
        int horizon = predicted[0].GetLength(0);
        var sigma = ComponentStd(series);
        var curves = new double[starts.Count][];
        var perStart = new double[starts.Count];
        int censored = 0;
        for (int n = 0; n < starts.Count; n++)
        {
            var forecast = predicted[n];
            if (forecast.GetLength(0) != horizon || forecast.GetLength(1) != dimension)
                throw new ArgumentException($"Forecast {n} is {forecast.GetLength(0)}×{forecast.GetLength(1)} but forecast 0 is {horizon}×{dimension} (the series' dimension); all must be horizon × dimension.", nameof(predicted));
            int first = starts[n] + seqLength;
            if (starts[n] < 0 || first + horizon > length)
                throw new ArgumentOutOfRangeException(nameof(starts), starts[n], $"Start {starts[n]} with window {seqLength} and horizon {horizon} runs past the series of {length} states.");
            curves[n] = NormalisedError(forecast, series, first, sigma);
            int crossing = Array.FindIndex(curves[n], e => !(e <= threshold));
            if (crossing < 0) censored++;
            perStart[n] = (crossing < 0 ? horizon : crossing + 1) * dt * lyapunovExponent;
        }
        var times = Enumerable.Range(1, horizon).Select(k => k * dt * lyapunovExponent).ToArray();
        return new VptResult(Percentile(perStart, 0.5), Percentile(perStart, 0.1), Percentile(perStart, 0.9), starts.Count,
            perStart, censored, starts.ToArray(), times, curves, threshold, lyapunovExponent);
    }

    /// <summary>e_k = sqrt(Σ_i (x̂_{k,i} − x_{first+k,i})² / Σ_i σ_i²) for every row k of the forecast, against the series from row <paramref name="first"/>.</summary>
    public static double[] NormalisedError(double[,] forecast, double[,] series, int first, IReadOnlyList<double> sigma)
    {
        ArgumentNullException.ThrowIfNull(forecast);
        ArgumentNullException.ThrowIfNull(series);
        int horizon = forecast.GetLength(0), dimension = forecast.GetLength(1);
        double variance = sigma.Sum(s => s * s);
        if (!(variance > 0)) throw new ArgumentException("The series has zero variance in every component; the normalised error is undefined.", nameof(sigma));
        var error = new double[horizon];
        for (int k = 0; k < horizon; k++)
        {
            double sum = 0;
            for (int i = 0; i < dimension; i++)
            {
                double d = forecast[k, i] - series[first + k, i];
                sum += d * d;
            }
            error[k] = Math.Sqrt(sum / variance);
        }
        return error;
    }

    /// <summary>Population standard deviation σ_i = sqrt(Σ_t (x_ti − x̄_i)² / T) of each column of a series (time × dim), numpy's <c>std(axis=0)</c> (ddof 0), by MathNet.</summary>
    public static double[] ComponentStd(double[,] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return Enumerable.Range(0, series.GetLength(1)).Select(i => Series.Column(series, i).PopulationStandardDeviation()).ToArray();
    }

    /// <summary><paramref name="count"/> distinct forecast start indices, sorted, drawn with a seeded generator from 0 .. T − L − H (so warm-up and horizon fit).</summary>
    public static int[] ForecastStarts(int seriesLength, int seqLength, int horizonSteps, int count, int seed = 0)
    {
        if (seqLength < 1) throw new ArgumentOutOfRangeException(nameof(seqLength), seqLength, "The warm-up window needs at least 1 state.");
        if (horizonSteps < 1) throw new ArgumentOutOfRangeException(nameof(horizonSteps), horizonSteps, "The forecast horizon needs at least 1 step.");
        if (count < MinimumStarts)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Use at least {MinimumStarts} start points so the median and 10th/90th percentiles mean something.");
        int positions = seriesLength - seqLength - horizonSteps + 1;
        if (positions < count)
            throw new ArgumentException($"The series of {seriesLength} states has only {Math.Max(positions, 0)} start points for a window of {seqLength} and a horizon of {horizonSteps}, fewer than the {count} asked; use fewer starts, a shorter horizon or a longer series.", nameof(count));
        var all = Enumerable.Range(0, positions).ToArray();
        new Random(seed).Shuffle(all);
        var chosen = all[..count];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>A long closed-loop run: warm up on <paramref name="warmup"/> (L × D), then <paramref name="steps"/> predicted states (steps × D).</summary>
    public static double[,] FreeRun(ISequenceModel model, double[,] warmup, int steps)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(warmup);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "A free run needs at least 1 step.");
        if (warmup.GetLength(0) < 1) throw new ArgumentException("The warm-up window is empty; give at least one state.", nameof(warmup));
        NeuroDyn.Systems.Guard.Finite(System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref warmup[0, 0], warmup.Length), nameof(warmup));
        TorchRuntime.Initialize();
        var (dtype, device) = TensorTypeOf(model.Module);
        int dimension = warmup.GetLength(1);
        return InEvaluationMode(model, () =>
        {
            using var scope = torch.NewDisposeScope();
            var window = torch.tensor(warmup, dtype, device).unsqueeze(0);
            var rollout = model.Rollout(window, steps);
            CheckRolloutShape(rollout, 1, steps, dimension);
            var values = rollout.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var result = new double[steps, dimension];
            Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
            return result;
        });
    }

    /// <summary>Percentile p ∈ [0, 1] by numpy's default linear rule (Hyndman &amp; Fan's R7, MathNet <see cref="QuantileDefinition.R7"/>):
    /// the value at position p(n − 1) of the sorted values, interpolated linearly between the two order statistics around it.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values to take a percentile of.", nameof(values));
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "The percentile must be a fraction in [0, 1].");
        return values.QuantileCustom(p, QuantileDefinition.R7);
    }

    /// <summary>Element type and device of a module's first parameter (float64 on the CPU for a module without parameters).</summary>
    public static (ScalarType DType, Device Device) TensorTypeOf(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var first = module.parameters().FirstOrDefault();
        return first is null ? (ScalarType.Float64, torch.CPU) : (first.dtype, first.device);
    }

    static void CheckRolloutShape(Tensor rollout, int batch, int steps, int dimension)
    {
        if (!rollout.shape.SequenceEqual(new long[] { batch, steps, dimension }))
            throw new InvalidOperationException($"The model's Rollout returned shape [{string.Join(", ", rollout.shape)}]; ISequenceModel.Rollout must return [B, steps, D] = [{batch}, {steps}, {dimension}].");
    }
}
