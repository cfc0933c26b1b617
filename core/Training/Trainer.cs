using NeuroDyn.IO;
using System.Diagnostics;
using System.Text.Json;
using NeuroDyn.Data;
using NeuroDyn.Evaluation;
using NeuroDyn.Models;
using NeuroDyn.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NeuroDyn.Training;

/// <summary>
/// Trains an <see cref="ISequenceModel"/> on a z-scored series with Adam (Kingma &amp; Ba 2015), MSE loss (plus the model's own <see cref="ITrainingPenalty"/> term, if it has one), global-norm gradient
/// clipping, a learning-rate schedule and early stopping on the validation loss; writes atomic, resumable checkpoints.
/// The trainer draws no torch random numbers (batch order comes from the seed and the epoch), so on the CPU with a fixed
/// thread count a run is reproducible bit for bit, and an interrupted run resumed from its checkpoint ends with the same weights.
/// </summary>
public static class Trainer
{
    static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(0.25);

    /// <summary>
    /// Trains <paramref name="model"/> on windows of <paramref name="train"/> (time × dim), validating on <paramref name="validation"/> after each epoch.
    /// Throws <see cref="TrainingDivergedException"/> when the loss becomes NaN/Inf or exceeds <see cref="TrainingOptions.DivergenceFactor"/> × the first batch loss.
    /// </summary>
    public static TrainingResult Fit(ISequenceModel model, double[,] train, double[,] validation, TrainingOptions options,
        IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        TorchRuntime.Initialize();
        int previousThreads = torch.get_num_threads();
        if (options.Threads is int threads) torch.set_num_threads(threads);
        try
        {
            var (dtype, device) = Evaluate.TensorTypeOf(model.Module);
            using var trainWindows = Windows(train, options, dtype, device);
            using var validationWindows = Windows(validation, options, dtype, device);
            if (validationWindows.Dimension != trainWindows.Dimension)
                throw new ArgumentException($"The validation series has {validationWindows.Dimension} components but the training series {trainWindows.Dimension}.", nameof(validation));
            using var run = new Run(model, trainWindows, validationWindows, options);
            return run.Execute(progress, cancellationToken);
        }
        finally
        {
            if (options.Threads is not null) torch.set_num_threads(previousThreads);
        }
    }

    /// <summary>The windows the objective needs: next state (one-step) or next K states (rollout).</summary>
    static WindowBatches Windows(double[,] series, TrainingOptions options, ScalarType dtype, Device device) =>
        options.Objective is RolloutObjective r
            ? WindowBatches.MultiStep(series, options.SeqLength, r.Steps, dtype, device)
            : WindowBatches.OneStep(series, options.SeqLength, dtype, device);

    internal static void Validate(TrainingOptions o)
    {
        static void AtLeast(int value, int minimum, string name)
        {
            if (value < minimum) throw new ArgumentOutOfRangeException(name, value, $"TrainingOptions.{name} must be at least {minimum}.");
        }
        AtLeast(o.Epochs, 1, nameof(o.Epochs));
        AtLeast(o.BatchSize, 1, nameof(o.BatchSize));
        AtLeast(o.SeqLength, 1, nameof(o.SeqLength));
        AtLeast(o.CheckpointEvery, 1, nameof(o.CheckpointEvery));
        AtLeast(o.PlateauPatience, 0, nameof(o.PlateauPatience));
        AtLeast(o.ValidationBatchSize, 1, nameof(o.ValidationBatchSize));
        if (o.EarlyStoppingPatience is int p) AtLeast(p, 1, nameof(o.EarlyStoppingPatience));
        if (o.MaxBatchesPerEpoch is int m) AtLeast(m, 1, nameof(o.MaxBatchesPerEpoch));
        if (o.StopAfterEpochs is int s) AtLeast(s, 1, nameof(o.StopAfterEpochs));
        if (o.Threads is int t) AtLeast(t, 1, nameof(o.Threads));
        NeuroDyn.Systems.Guard.Positive(o.LearningRate, nameof(o.LearningRate));
        NeuroDyn.Systems.Guard.Positive(o.Epsilon, nameof(o.Epsilon));
        if (o.GradientClip is double clip) NeuroDyn.Systems.Guard.Positive(clip, nameof(o.GradientClip));
        if (!(o.Beta1 >= 0 && o.Beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(o.Beta1), o.Beta1, "Adam's Beta1 must lie in [0, 1).");
        if (!(o.Beta2 >= 0 && o.Beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(o.Beta2), o.Beta2, "Adam's Beta2 must lie in [0, 1).");
        if (!(o.WeightDecay >= 0 && double.IsFinite(o.WeightDecay))) throw new ArgumentOutOfRangeException(nameof(o.WeightDecay), o.WeightDecay, "WeightDecay must be a finite number ≥ 0.");
        if (!(o.MinLearningRate >= 0 && o.MinLearningRate <= o.LearningRate)) throw new ArgumentOutOfRangeException(nameof(o.MinLearningRate), o.MinLearningRate, "MinLearningRate must lie in [0, LearningRate].");
        if (!(o.PlateauFactor > 0 && o.PlateauFactor < 1)) throw new ArgumentOutOfRangeException(nameof(o.PlateauFactor), o.PlateauFactor, "PlateauFactor must lie in (0, 1).");
        if (!(o.DivergenceFactor > 1)) throw new ArgumentOutOfRangeException(nameof(o.DivergenceFactor), o.DivergenceFactor, "DivergenceFactor must be > 1.");
        if (o.Objective is RolloutObjective r)
        {
            AtLeast(r.Steps, 1, "Objective.Steps");
            AtLeast(r.CurriculumEpochs, 0, "Objective.CurriculumEpochs");
        }
        if (o.Resume && o.CheckpointPath is null)
            throw new ArgumentException("Resume = true needs a CheckpointPath to resume from.", nameof(o));
        if (o.Resume && !File.Exists(o.CheckpointPath))
            throw new CheckpointException($"No checkpoint at '{o.CheckpointPath}' to resume from. Run once with Resume = false to create it, or correct the path.");
        if (o.CheckpointPath is not null) Checkpoint.EnsureWritable(o.CheckpointPath);
    }

    /// <summary>Learning rate of 1-based epoch <paramref name="epoch"/> under the schedule, given the plateau reductions so far.</summary>
    public static double LearningRateAt(TrainingOptions options, int epoch, int plateauReductions = 0) => options.Schedule switch
    {
        LearningRateSchedule.Constant => options.LearningRate,
        LearningRateSchedule.Cosine => options.MinLearningRate
            + (options.LearningRate - options.MinLearningRate) * (1 + Math.Cos(Math.PI * (epoch - 1) / options.Epochs)) / 2,
        LearningRateSchedule.Plateau => options.LearningRate * Math.Pow(options.PlateauFactor, plateauReductions),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Schedule, "Unknown learning-rate schedule."),
    };

    /// <summary>The state of one call of Fit: optimizer, best weights, counters (the windows belong to the caller).</summary>
    sealed class Run : IDisposable
    {
        readonly ISequenceModel model;
        readonly nn.Module module;
        readonly TrainingOptions options;
        readonly WindowBatches trainWindows, validationWindows;
        readonly List<Parameter> parameters;
        readonly AdamOptimizer optimizer;
        readonly List<(string Name, AdamOptimizer.ParameterState State)> adamState;
        readonly Dictionary<string, Tensor> best;
        readonly int rolloutSteps;
        TrainingState state;
        int writtenEpoch;
        bool updated;   // the weights have taken an optimizer step (in this call, or before the checkpoint it resumed from)

        public Run(ISequenceModel model, WindowBatches trainWindows, WindowBatches validationWindows, TrainingOptions options)
        {
            this.model = model;
            module = model.Module;
            this.options = options;
            this.trainWindows = trainWindows;
            this.validationWindows = validationWindows;
            rolloutSteps = options.Objective.TargetSteps;
            var named = module.named_parameters().Where(p => p.parameter.requires_grad).ToList();
            if (named.Count == 0) throw new ArgumentException($"{module.GetType().Name} has no trainable parameters.", nameof(model));
            parameters = named.Select(p => p.parameter).ToList();
            optimizer = new AdamOptimizer(parameters, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay);
            var states = optimizer.States;
            adamState = named.Select((p, i) => (p.name, states[i])).ToList();
            best = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
            var settings = new RunSettings(options.Seed, options.BatchSize, options.SeqLength, options.Objective.ToString(),
                options.MaxBatchesPerEpoch, trainWindows.Count, trainWindows.Dimension);
            try
            {
                state = options.Resume
                    ? Checkpoint.Restore(options.CheckpointPath!, module, best, adamState, settings)
                    : new TrainingState { Run = settings };
                updated = options.Resume;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public TrainingResult Execute(IProgress<EpochReport>? progress, CancellationToken cancellation)
        {
            var clock = Stopwatch.StartNew();
            int firstEpoch = state.CompletedEpochs + 1;
            writtenEpoch = state.CompletedEpochs;
            StopReason? stop = null;
            string message = "";
            if (state.CompletedEpochs >= options.Epochs)
                (stop, message) = (StopReason.Completed, $"The checkpoint already holds all {options.Epochs} epochs.");
            else if (options.EarlyStoppingPatience is int patience && state.CompletedEpochs > 0 && state.EpochsWithoutImprovement >= patience)
                (stop, message) = (StopReason.EarlyStopped, $"The checkpoint's run had stopped early after epoch {state.CompletedEpochs}: " +
                    $"no better validation loss for {patience} epochs; best {state.BestValidationLoss:G6} at epoch {state.BestEpoch}.");
            int batchesPerEpoch = trainWindows.BatchCount(options.BatchSize, options.MaxBatchesPerEpoch);
            for (int epoch = firstEpoch; stop is null; epoch++)
            {
                var epochClock = Stopwatch.StartNew();
                double lr = LearningRateAt(options, epoch, state.PlateauReductions);
                int steps = options.Objective is RolloutObjective r ? r.StepsAt(epoch) : 1;
                var trainLoss = TrainEpoch(epoch, steps, lr, progress, clock, cancellation);
                double batchesPerSecond = batchesPerEpoch / Math.Max(epochClock.Elapsed.TotalSeconds, 1e-9);
                if (trainLoss is null)
                {
                    stop = StopReason.Cancelled;
                    message = $"Cancelled during epoch {epoch}; that epoch was discarded. " + ResumeHint(writtenEpoch);
                    break;
                }
                double validationLoss = Evaluate.Mse(model, validationWindows, rolloutSteps, options.ValidationBatchSize);
                if (!double.IsFinite(validationLoss))
                    Diverge($"the validation loss after epoch {epoch} is {validationLoss}", epoch);
                bool improved = validationLoss < state.BestValidationLoss;
                if (improved) CopyWeights(module.state_dict(), best);
                var history = new List<EpochRecord>(state.History)
                {
                    new(epoch, trainLoss.Value, validationLoss, lr, epochClock.Elapsed.TotalSeconds, steps),
                };
                int plateauBad = improved ? 0 : state.PlateauBadEpochs + 1;
                bool reduce = options.Schedule == LearningRateSchedule.Plateau && plateauBad > options.PlateauPatience;
                state = state with
                {
                    CompletedEpochs = epoch,
                    History = history,
                    BestEpoch = improved ? epoch : state.BestEpoch,
                    BestValidationLoss = improved ? validationLoss : state.BestValidationLoss,
                    EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1,
                    PlateauBadEpochs = reduce ? 0 : plateauBad,
                    PlateauReductions = state.PlateauReductions + (reduce ? 1 : 0),
                };
                var elapsed = clock.Elapsed;
                var remaining = elapsed / (epoch - firstEpoch + 1) * (options.Epochs - epoch);
                progress?.Report(new EpochReport(epoch, options.Epochs, batchesPerEpoch, batchesPerEpoch, trainLoss.Value, validationLoss, lr,
                    batchesPerSecond, elapsed, remaining, EpochDone: true, IsBest: improved));

                (stop, message) = StopAfter(epoch, firstEpoch, cancellation);
                if (options.CheckpointPath is not null && (stop is not null || epoch % options.CheckpointEvery == 0))
                {
                    Checkpoint.Save(options.CheckpointPath, module, best, adamState, state);
                    writtenEpoch = epoch;
                    WriteHistory(stop);
                }
            }
            if (options.RestoreBestWeights && state.BestEpoch > 0) CopyWeights(best, module.state_dict());
            return Result(stop!.Value, message);
        }

        /// <summary>One epoch of shuffled batches; returns the mean training loss, or null if cancelled part-way.</summary>
        double? TrainEpoch(int epoch, int steps, double lr, IProgress<EpochReport>? progress, Stopwatch clock, CancellationToken cancellation)
        {
            module.train();
            var plan = trainWindows.ShuffledBatches(options.BatchSize, options.Seed, epoch, options.MaxBatchesPerEpoch);
            double lossSum = 0;
            long windows = 0;
            var epochClock = Stopwatch.StartNew();
            var lastReport = TimeSpan.Zero;
            double maxNorm = options.GradientClip ?? double.PositiveInfinity;
            using var one = 1.ToScalar();   // explicit and disposed after use (Tensor + Tensor converts α = 1 implicitly): an implicit one may be finalized mid-call
            for (int b = 0; b < plan.Length; b++)
            {
                if (cancellation.IsCancellationRequested) return null;
                using (var scope = torch.NewDisposeScope())
                {
                    var batch = trainWindows.Batch(plan[b]);
                    optimizer.ZeroGrad();
                    var prediction = Evaluate.Prediction(model, batch, steps, trainWindows.OneStepTargets);
                    var loss = nn.functional.mse_loss(prediction, Evaluate.Targets(batch, steps, trainWindows.OneStepTargets));
                    if (model is ITrainingPenalty penalized && penalized.TrainingPenalty(batch.Windows) is { } penalty) loss = loss.add(Scalar(penalty, model), alpha: one);
                    double value = loss.item<double>();
                    if (double.IsNaN(state.InitialLoss) && double.IsFinite(value)) state = state with { InitialLoss = value };
                    if (!double.IsFinite(value) || value > options.DivergenceFactor * state.InitialLoss)
                        Diverge($"the loss of batch {b + 1} in epoch {epoch} is {value:G6} (first batch: {state.InitialLoss:G6}, limit {options.DivergenceFactor:G3}×)", epoch);
                    BackwardGuard.Backward(loss);
                    double norm = nn.utils.clip_grad_norm_(parameters, maxNorm);
                    if (!double.IsFinite(norm))
                        Diverge($"the gradient norm of batch {b + 1} in epoch {epoch} is {norm}", epoch);
                    optimizer.Step(lr);
                    updated = true;
                    lossSum += value * plan[b].Length;
                    windows += plan[b].Length;
                }
                if (progress is not null && epochClock.Elapsed - lastReport >= ReportInterval && b + 1 < plan.Length)
                {
                    lastReport = epochClock.Elapsed;
                    var perBatch = epochClock.Elapsed / (b + 1);
                    var remaining = perBatch * (plan.Length - b - 1 + (long)(options.Epochs - epoch) * plan.Length);
                    progress.Report(new EpochReport(epoch, options.Epochs, b + 1, plan.Length, lossSum / windows, double.NaN, lr,
                        (b + 1) / epochClock.Elapsed.TotalSeconds, clock.Elapsed, remaining, EpochDone: false, IsBest: false));
                }
            }
            return lossSum / windows;
        }

        /// <summary>A model's training penalty, checked to be one number.</summary>
        static Tensor Scalar(Tensor penalty, ISequenceModel model) => penalty.numel() == 1
            ? penalty.reshape([])
            : throw new InvalidOperationException($"{model.GetType().Name}.TrainingPenalty returned a tensor of shape [{string.Join(", ", penalty.shape)}]; it must be a scalar (one number added to the loss): reduce it, e.g. with .sum() or .mean().");

        (StopReason?, string) StopAfter(int epoch, int firstEpoch, CancellationToken cancellation)
        {
            if (epoch >= options.Epochs)
                return (StopReason.Completed, $"Completed {options.Epochs} epochs; best validation loss {state.BestValidationLoss:G6} at epoch {state.BestEpoch}.");
            if (options.EarlyStoppingPatience is int patience && state.EpochsWithoutImprovement >= patience)
                return (StopReason.EarlyStopped, $"Stopped early after epoch {epoch}: no better validation loss for {patience} epochs; best {state.BestValidationLoss:G6} at epoch {state.BestEpoch}.");
            if (options.StopAfterEpochs is int budget && epoch - firstEpoch + 1 >= budget)
                return (StopReason.StoppedAfterEpochs, $"Stopped after {budget} epoch(s) of this call, at epoch {epoch} of {options.Epochs}. " + ResumeHint(epoch));
            if (cancellation.IsCancellationRequested)
                return (StopReason.Cancelled, $"Cancelled after epoch {epoch}. " + ResumeHint(epoch));
            return (null, "");
        }

        string ResumeHint(int checkpointEpoch) => options.CheckpointPath is null
            ? "No checkpoint was configured, so the run cannot be resumed."
            : checkpointEpoch > 0 ? $"Resume = true continues from the checkpoint '{options.CheckpointPath}' (epoch {checkpointEpoch})."
            : "No checkpoint had been written yet.";

        /// <summary>Stops the run: restores the best weights, keeps the last checkpoint as it is, and throws.</summary>
        [System.Diagnostics.CodeAnalysis.DoesNotReturn]
        void Diverge(string what, int epoch)
        {
            CopyWeights(best, module.state_dict());
            var kept = options.CheckpointPath is not null && writtenEpoch > 0
                ? $"The last good checkpoint '{options.CheckpointPath}' (epoch {writtenEpoch}) was kept."
                : "No checkpoint had been written by this run.";
            var advice = !updated
                ? DivergenceAdvice.BeforeAnyUpdate(model)
                : $"Lower the learning rate (now {LearningRateAt(options, epoch, state.PlateauReductions):G3}) or the gradient clip, or check the data.";
            var message = $"Training diverged: {what}. {advice} {kept} The model holds the best weights so far (epoch {state.BestEpoch}).";
            throw new TrainingDivergedException(message, Result(StopReason.Diverged, message));
        }

        TrainingResult Result(StopReason reason, string message) => new(
            state.History, state.BestEpoch, state.BestValidationLoss, reason, message,
            options.CheckpointPath is not null && File.Exists(options.CheckpointPath) ? options.CheckpointPath : null,
            options.CheckpointPath is not null && File.Exists(Checkpoint.HistoryPath(options.CheckpointPath)) ? Checkpoint.HistoryPath(options.CheckpointPath) : null);

        void WriteHistory(StopReason? stop)
        {
            var document = new
            {
                state.Run,
                state.BestEpoch,
                state.BestValidationLoss,
                StopReason = stop?.ToString(),
                state.History,
            };
            AtomicFile.WriteAllText(Checkpoint.HistoryPath(options.CheckpointPath!), JsonSerializer.Serialize(document, Checkpoint.Json));
        }

        static void CopyWeights(IReadOnlyDictionary<string, Tensor> from, IReadOnlyDictionary<string, Tensor> to)
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, target) in to) target.copy_(from[name]);
        }

        public void Dispose()
        {
            optimizer.Dispose();
            foreach (var t in best.Values) t.Dispose();
        }
    }
}
