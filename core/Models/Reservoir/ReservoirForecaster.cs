namespace NeuroDyn.Models.Reservoir;

/// <summary>Settings of <see cref="ReservoirForecaster.Train"/>.</summary>
public sealed record ReservoirTrainingOptions
{
    /// <summary>Samples fed before features are collected, so the reservoir forgets its arbitrary initial state (default 200 = 1 s at the default 5 ms per sample, 50 τ_m).</summary>
    public int Washout { get; init; } = 200;
    /// <summary>The ridge strengths tried; the one with the smallest validation MSE is kept (default 10⁻⁴ … 10⁴, 17 values).</summary>
    public IReadOnlyList<double> Lambdas { get; init; } = RidgeRegression.LogGrid(1e-4, 1e4, 17);
    /// <summary>The features the readout reads (default [u, r, r²]: the squared traces give it the state's products).</summary>
    public ReadoutFeatures Features { get; init; } = ReadoutFeatures.InputTracesAndSquares;
    /// <summary>Fit on features scaled to unit variance, so λ penalises traces and squared traces alike (default true; see <see cref="RidgeRegression"/>).</summary>
    public bool Standardize { get; init; } = true;
    /// <summary>
    /// Standard deviation σ (input units) of Gaussian noise added to the training inputs, ũ_t = x_t + σ ξ_t, with the targets
    /// x_{t+1} − ũ_t (default 0): the readout then learns to pull a slightly wrong state back towards the data, as it must in
    /// closed loop, where it is fed its own slightly wrong predictions (Jaeger 2001, noise in teacher forcing). Validation stays clean.
    /// </summary>
    public double InputNoise { get; init; }
    /// <summary>Seed of the training-input noise (default 0).</summary>
    public int NoiseSeed { get; init; }
}

/// <summary>The outcome of training a reservoir forecaster.</summary>
/// <param name="Forecaster">The trained forecaster.</param>
/// <param name="Selection">The λ grid with the validation MSE of each (of the increment, which equals the one-step MSE).</param>
/// <param name="TrainMse">One-step MSE on the training features with the chosen λ.</param>
/// <param name="Seconds">Wall-clock seconds for driving the reservoir and fitting.</param>
public sealed record ReservoirTraining(ReservoirForecaster Forecaster, RidgeSelection Selection, double TrainMse, double Seconds);

/// <summary>One-step predictions of a series under teacher forcing.</summary>
/// <param name="Predictions">x̂_{t+1} for t = washout … T−2, rows × D.</param>
/// <param name="Targets">The true x_{t+1} for the same rows.</param>
/// <param name="Traces">Spike traces after each of those samples, rows × N (what the readout read).</param>
/// <param name="Mse">Mean over rows and components of (x̂ − x)².</param>
/// <param name="PersistenceMse">MSE of the trivial forecast x̂_{t+1} = x_t, for comparison.</param>
public sealed record OneStepForecast(double[,] Predictions, double[,] Targets, double[,] Traces, double Mse, double PersistenceMse);

/// <summary>
/// Next-state forecasts from a <see cref="SpikingReservoir"/> with a linear readout fitted by ridge regression (reservoir computing;
/// Jaeger 2001, Maass et al. 2002): features φ_t = [u_t, r(t)] (the sample just fed and the spike traces after it), optionally with the
/// squared traces r(t)² (<see cref="ReadoutFeatures"/>), prediction
/// x̂_{t+1} = u_t + Wᵀφ_t + b, i.e. the readout learns the increment x_{t+1} − x_t. In closed loop x̂_{t+1} is fed back as the next input,
/// so the spiking network generates the trajectory itself. <c>Artifacts.ModelArtifact</c> saves and loads it (wiring, readout, options).
/// </summary>
public sealed class ReservoirForecaster : IForecaster
{
    /// <summary>The reservoir's options.</summary>
    public SpikingReservoirOptions Options { get; }
    /// <summary>The reservoir's connectivity, input weights, drives and initial potentials (a fresh reservoir on them is built for every run).</summary>
    public ReservoirWiring Wiring { get; }
    /// <summary>The features the readout reads.</summary>
    public ReadoutFeatures Features { get; }
    /// <summary>The fitted readout: features φ ([u, r], D + N, or [u, r, r²], D + 2N) → increment (D).</summary>
    public RidgeReadout Readout { get; }

    /// <summary>A forecaster from a reservoir drawn from <paramref name="seed"/> and a fitted readout of <see cref="ReadoutFeatureMap.Count"/> features and D outputs.</summary>
    public ReservoirForecaster(SpikingReservoirOptions options, long seed, RidgeReadout readout, ReadoutFeatures features = ReadoutFeatures.InputAndTraces)
        : this(options, ReservoirWiring.FromSeed(options, seed), readout, features) { }

    /// <summary>A forecaster from a reservoir's options and wiring and a fitted readout of <see cref="ReadoutFeatureMap.Count"/> features and D outputs.</summary>
    public ReservoirForecaster(SpikingReservoirOptions options, ReservoirWiring wiring, RidgeReadout readout, ReadoutFeatures features = ReadoutFeatures.InputAndTraces)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wiring);
        ArgumentNullException.ThrowIfNull(readout);
        options.Validate();
        wiring.Validate(options);
        int count = ReadoutFeatureMap.Count(features, options.InputSize, options.NeuronCount);
        if (readout.FeatureCount != count || readout.OutputCount != options.InputSize)
            throw new ArgumentException($"the readout maps {readout.FeatureCount} features to {readout.OutputCount} outputs, but this reservoir needs {count} features ({features}) and D = {options.InputSize} outputs; it was fitted for another reservoir or other features.", nameof(readout));
        (Options, Wiring, Readout, Features) = (options, wiring, readout, features);
    }

    /// <summary>Trained parameters: the readout's weights and intercept.</summary>
    public int ParameterCount => Readout.Weights.Length + Readout.Intercept.Length;

    /// <summary>Drives fresh reservoirs (same seed) with the training and validation series, discards the washout, and fits the readout, λ chosen on validation.</summary>
    public static ReservoirTraining Train(SpikingReservoirOptions options, long seed, double[,] train, double[,] validation, ReservoirTrainingOptions? training = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = training ?? new ReservoirTrainingOptions();
        options.Validate();
        if (!double.IsFinite(o.InputNoise) || o.InputNoise < 0)
            throw new ArgumentOutOfRangeException(nameof(training), o.InputNoise, "ReservoirTrainingOptions.InputNoise must be a finite number >= 0 (input units; 0 for none).");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var wiring = ReservoirWiring.FromSeed(options, seed);
        var (trainFeatures, trainTargets) = Collect(options, wiring, o.Features, train, o.Washout, nameof(train), o.InputNoise, new Random(o.NoiseSeed));
        var (validationFeatures, validationTargets) = Collect(options, wiring, o.Features, validation, o.Washout, nameof(validation));
        var selection = RidgeRegression.FitOnValidation(trainFeatures, trainTargets, validationFeatures, validationTargets, o.Lambdas, o.Standardize);
        var fitted = selection.Readout.Predict(trainFeatures);
        double trainMse = MeanSquaredDifference(fitted, trainTargets);
        return new ReservoirTraining(new ReservoirForecaster(options, wiring, selection.Readout, o.Features), selection, trainMse, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Teacher-forced one-step predictions of <paramref name="series"/> after a washout of that many samples.</summary>
    public OneStepForecast PredictOneStep(double[,] series, int washout)
    {
        var (features, increments) = Collect(Options, Wiring, Features, series, washout, nameof(series));
        var predicted = Readout.Predict(features);
        int rows = predicted.GetLength(0), d = Options.InputSize, n = Options.NeuronCount;
        var traces = new double[rows, n];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++) traces[r, i] = features[r, d + i];
        var predictions = new double[rows, d];
        var targets = new double[rows, d];
        var zero = new double[rows, d];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < d; k++)
            {
                predictions[r, k] = series[washout + r, k] + predicted[r, k];
                targets[r, k] = series[washout + r + 1, k];
            }
        return new OneStepForecast(predictions, targets, traces, MeanSquaredDifference(predictions, targets), MeanSquaredDifference(increments, zero));
    }

    /// <summary>Closed loop: a fresh reservoir is driven by the rows of <paramref name="warmup"/> (L × D), then by its own predictions for <paramref name="steps"/> samples; returns them (steps × D).</summary>
    public double[,] Forecast(double[,] warmup, int steps)
    {
        ArgumentNullException.ThrowIfNull(warmup);
        if (warmup.GetLength(0) < 1 || warmup.GetLength(1) != Options.InputSize)
            throw new ArgumentException($"warmup is {warmup.GetLength(0)}×{warmup.GetLength(1)}; it needs at least one row of {Options.InputSize} values.", nameof(warmup));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "a closed-loop forecast needs at least 1 step.");
        using var reservoir = new SpikingReservoir(Options, Wiring);
        int d = Options.InputSize, n = Options.NeuronCount;
        var features = new double[ReadoutFeatureMap.Count(Features, d, n)];
        var increment = new double[d];
        var input = new double[d];
        for (int t = 0; t < warmup.GetLength(0) - 1; t++)
        {
            for (int k = 0; k < d; k++) input[k] = warmup[t, k];
            reservoir.Advance(input);
        }
        for (int k = 0; k < d; k++) input[k] = warmup[warmup.GetLength(0) - 1, k];
        var result = new double[steps, d];
        for (int s = 0; s < steps; s++)
        {
            ReadoutFeatureMap.Fill(Features, input, reservoir.Advance(input), features);
            Readout.Predict(features, increment);
            for (int k = 0; k < d; k++)
            {
                input[k] += increment[k];
                result[s, k] = input[k];
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public double OneStepMse(double[,] series, int warmup) => PredictOneStep(series, warmup).Mse;

    /// <inheritdoc/>
    public double[,] FreeRun(double[,] warmup, int steps) => Forecast(warmup, steps);

    /// <inheritdoc/>
    /// <remarks>Forecasts run in parallel on every core; each starts a fresh reservoir, so the results do not depend on it.</remarks>
    public IReadOnlyList<double[,]> Forecasts(double[,] series, IReadOnlyList<int> starts, int warmup, int steps) =>
        Forecasts(series, starts, warmup, steps, Environment.ProcessorCount);

    /// <summary>Closed-loop forecasts from many starts of a series: forecast n warms up on rows starts[n] … starts[n] + L − 1 and predicts the next <paramref name="steps"/> rows (the layout Evaluate.ValidPredictionTime expects).</summary>
    public IReadOnlyList<double[,]> Forecasts(double[,] series, IReadOnlyList<int> starts, int warmup, int steps, int parallelism)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(starts);
        if (warmup < 1) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "the warm-up needs at least 1 sample.");
        if (parallelism < 1) throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "parallelism must be at least 1.");
        foreach (int s in starts)
            if (s < 0 || s + warmup > series.GetLength(0))
                throw new ArgumentOutOfRangeException(nameof(starts), s, $"start {s} with a warm-up of {warmup} runs past the series of {series.GetLength(0)} rows.");
        var results = new double[starts.Count][,];
        Parallel.For(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, i =>
        {
            var window = new double[warmup, series.GetLength(1)];
            Buffer.BlockCopy(series, starts[i] * series.GetLength(1) * sizeof(double), window, 0, window.Length * sizeof(double));
            results[i] = Forecast(window, steps);
        });
        return results;
    }

    /// <summary>Features φ_t and increments x_{t+1} − u_t for t = washout … T−2, from a fresh reservoir driven by the whole series (u_t = x_t + σ ξ_t with noise).</summary>
    static (double[,] Features, double[,] Increments) Collect(SpikingReservoirOptions options, ReservoirWiring wiring, ReadoutFeatures kind, double[,] series, int washout, string name,
        double noise = 0, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(series, name);
        int rows = series.GetLength(0), d = options.InputSize, n = options.NeuronCount;
        if (series.GetLength(1) != d) throw new ArgumentException($"{name} has {series.GetLength(1)} columns but the reservoir takes {d}.", name);
        if (washout < 0) throw new ArgumentOutOfRangeException(nameof(washout), washout, "the washout must be >= 0 samples.");
        if (rows - washout - 1 < 2)
            throw new ArgumentException($"{name} has {rows} rows; after a washout of {washout} samples fewer than 2 prediction targets remain. Use a longer series or a shorter washout.", name);
        using var reservoir = new SpikingReservoir(options, wiring);
        int used = rows - washout - 1;
        int count = ReadoutFeatureMap.Count(kind, d, n);
        var features = new double[used, count];
        var increments = new double[used, d];
        var flat = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref features[0, 0], features.Length);
        var input = new double[d];
        for (int t = 0; t < rows - 1; t++)
        {
            for (int k = 0; k < d; k++) input[k] = series[t, k] + (noise > 0 ? noise * NeuroDyn.Data.Gaussian.Next(random!) : 0);
            var traces = reservoir.Advance(input);
            if (t < washout) continue;
            int r = t - washout;
            ReadoutFeatureMap.Fill(kind, input, traces, flat.Slice(r * count, count));
            for (int k = 0; k < d; k++) increments[r, k] = series[t + 1, k] - input[k];
        }
        return (features, increments);
    }

    static double MeanSquaredDifference(double[,] a, double[,] b)
    {
        double sum = 0;
        for (int r = 0; r < a.GetLength(0); r++)
            for (int k = 0; k < a.GetLength(1); k++) sum += (a[r, k] - b[r, k]) * (a[r, k] - b[r, k]);
        return sum / a.Length;
    }
}
