namespace NeuroDyn.Training;

/// <summary>Progress of a training run, sent within an epoch (<see cref="EpochDone"/> false) and once when it finishes.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TotalEpochs">Epochs of the whole run.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="BatchesInEpoch">Batches this epoch has.</param>
/// <param name="TrainLoss">Mean training loss so far in the epoch.</param>
/// <param name="ValidationLoss">Validation loss after the epoch (NaN within an epoch).</param>
/// <param name="LearningRate">Learning rate of the epoch.</param>
/// <param name="BatchesPerSecond">Training throughput of this epoch.</param>
/// <param name="Elapsed">Wall time since this call of Fit started.</param>
/// <param name="Remaining">Estimated time to the end of the last epoch at the current pace (validation excluded within an epoch).</param>
/// <param name="EpochDone">True for the one report at the end of the epoch.</param>
/// <param name="IsBest">True when this epoch's validation loss is the best so far.</param>
public sealed record EpochReport(
    int Epoch, int TotalEpochs, int Batch, int BatchesInEpoch,
    double TrainLoss, double ValidationLoss, double LearningRate,
    double BatchesPerSecond, TimeSpan Elapsed, TimeSpan Remaining,
    bool EpochDone, bool IsBest);
