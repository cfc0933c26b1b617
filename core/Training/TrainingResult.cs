namespace NeuroDyn.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>All epochs were run.</summary>
    Completed,
    /// <summary>The validation loss did not improve for the early-stopping patience.</summary>
    EarlyStopped,
    /// <summary>Stopped after <see cref="TrainingOptions.StopAfterEpochs"/> epochs; resume to continue.</summary>
    StoppedAfterEpochs,
    /// <summary>The cancellation token fired; an unfinished epoch was discarded.</summary>
    Cancelled,
    /// <summary>The loss became NaN/Inf or exploded; the last good checkpoint was kept.</summary>
    Diverged,
}

/// <summary>One finished epoch in the history.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (weighted by batch size).</param>
/// <param name="ValidationLoss">Loss on all validation windows after the epoch.</param>
/// <param name="LearningRate">Learning rate used in the epoch.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch, validation included.</param>
/// <param name="RolloutSteps">Rollout length trained on (1 for one-step).</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double ValidationLoss, double LearningRate, double Seconds, int RolloutSteps);

/// <summary>Outcome of <see cref="Trainer.Fit"/>.</summary>
/// <param name="History">Every finished epoch, including those run before a resume.</param>
/// <param name="BestEpoch">Epoch with the lowest validation loss (0 if none finished).</param>
/// <param name="BestValidationLoss">That lowest validation loss (+∞ if none).</param>
/// <param name="StopReason">Why the run ended.</param>
/// <param name="Message">The reason in words.</param>
/// <param name="CheckpointPath">The checkpoint file written, or null.</param>
/// <param name="HistoryPath">The JSON history file written, or null.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochRecord> History,
    int BestEpoch,
    double BestValidationLoss,
    StopReason StopReason,
    string Message,
    string? CheckpointPath,
    string? HistoryPath)
{
    /// <summary>Number of finished epochs.</summary>
    public int EpochsRun => History.Count;
}

/// <summary>Thrown when the loss becomes NaN/Inf or explodes; the model holds the best weights so far and the last good checkpoint is untouched.</summary>
public sealed class TrainingDivergedException(string message, TrainingResult result) : Exception(message)
{
    /// <summary>The run up to the last good epoch (StopReason = Diverged).</summary>
    public TrainingResult Result { get; } = result;
}

/// <summary>Thrown when a checkpoint or weights file is missing, corrupt or does not fit the model.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
