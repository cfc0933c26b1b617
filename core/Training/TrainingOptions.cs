namespace NeuroDyn.Training;

/// <summary>How the learning rate changes from epoch to epoch.</summary>
public enum LearningRateSchedule
{
    /// <summary>The base learning rate throughout.</summary>
    Constant,
    /// <summary>Cosine annealing over the run (Loshchilov &amp; Hutter 2017, SGDR): lr_e = lr_min + (lr − lr_min)(1 + cos(π e / E)) / 2 for epoch e = 0 .. E−1.</summary>
    Cosine,
    /// <summary>Multiply the learning rate by <see cref="TrainingOptions.PlateauFactor"/> after <see cref="TrainingOptions.PlateauPatience"/> epochs without a better validation loss.</summary>
    Plateau,
}

/// <summary>What the trainer minimises: one-step MSE or the MSE of short closed-loop rollouts.</summary>
public abstract record TrainingObjective
{
    /// <summary>Mean squared error of the one-step prediction of the next state.</summary>
    public static TrainingObjective OneStep { get; } = new OneStepObjective();

    /// <summary>Mean squared error over <paramref name="steps"/> closed-loop predicted states; with <paramref name="curriculumEpochs"/> &gt; 0 the rollout length grows linearly from 1 to K over that many epochs.</summary>
    public static TrainingObjective Rollout(int steps, int curriculumEpochs = 0) => new RolloutObjective(steps, curriculumEpochs);

    /// <summary>Number K of target states each window needs (1 for one-step).</summary>
    public abstract int TargetSteps { get; }
}

/// <summary>One-step objective: L = mean (x̂_{t+1} − x_{t+1})².</summary>
public sealed record OneStepObjective : TrainingObjective
{
    /// <inheritdoc/>
    public override int TargetSteps => 1;

    /// <summary>"OneStep".</summary>
    public override string ToString() => "OneStep";
}

/// <summary>Closed-loop objective: L = mean over k = 1..K of (x̂_{t+k} − x_{t+k})², the model fed its own predictions.</summary>
/// <param name="Steps">Rollout length K (≥ 1).</param>
/// <param name="CurriculumEpochs">Epochs over which the rollout length grows linearly from 1 to K (0 = K from the start).</param>
public sealed record RolloutObjective(int Steps, int CurriculumEpochs = 0) : TrainingObjective
{
    /// <inheritdoc/>
    public override int TargetSteps => Steps;

    /// <summary>"Rollout(K, curriculum C)".</summary>
    public override string ToString() => $"Rollout({Steps}, curriculum {CurriculumEpochs})";

    /// <summary>Rollout length used in 1-based epoch <paramref name="epoch"/>: 1 + (K − 1)(e − 1)/(C − 1) rounded down, K after the curriculum.</summary>
    public int StepsAt(int epoch) =>
        CurriculumEpochs <= 1 || epoch >= CurriculumEpochs ? Steps
        : 1 + (int)((long)(Steps - 1) * (epoch - 1) / (CurriculumEpochs - 1));
}

/// <summary>Settings of a training run; every field has a default.</summary>
public sealed record TrainingOptions
{
    /// <summary>Total number of epochs of the run (including those done before a resume).</summary>
    public int Epochs { get; init; } = 100;
    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; init; } = 64;
    /// <summary>Window length L (states read before each prediction).</summary>
    public int SeqLength { get; init; } = 50;
    /// <summary>Base learning rate of Adam.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Adam's first-moment decay β1 (Kingma &amp; Ba 2015).</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Adam's second-moment decay β2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Adam's ε in the denominator.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>L2 penalty added to the gradient (Adam's weight_decay), 0 = none.</summary>
    public double WeightDecay { get; init; } = 0;
    /// <summary>Maximum global L2 norm of the gradient (clipped above it); null = no clipping.</summary>
    public double? GradientClip { get; init; } = 1.0;
    /// <summary>Learning-rate schedule.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Cosine;
    /// <summary>Floor of the cosine schedule.</summary>
    public double MinLearningRate { get; init; } = 0;
    /// <summary>Factor applied by the plateau schedule at each reduction.</summary>
    public double PlateauFactor { get; init; } = 0.5;
    /// <summary>Epochs without improvement before the plateau schedule reduces the learning rate.</summary>
    public int PlateauPatience { get; init; } = 5;
    /// <summary>Stop after this many epochs without a better validation loss; null = never stop early.</summary>
    public int? EarlyStoppingPatience { get; init; } = 20;
    /// <summary>What is minimised: one-step or closed-loop rollout MSE.</summary>
    public TrainingObjective Objective { get; init; } = TrainingObjective.OneStep;
    /// <summary>Base seed of the batch shuffles (epoch e uses a seed derived from it and e).</summary>
    public int Seed { get; init; } = 0;
    /// <summary>Checkpoint file (safetensors with training state); its history goes to the same name with extension .history.json. Null = no checkpoint.</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Write the checkpoint every this many epochs (and always when the run stops).</summary>
    public int CheckpointEvery { get; init; } = 1;
    /// <summary>Continue from the checkpoint at <see cref="CheckpointPath"/> if it exists.</summary>
    public bool Resume { get; init; }
    /// <summary>Use at most this many (shuffled) batches per epoch; null = all windows.</summary>
    public int? MaxBatchesPerEpoch { get; init; }
    /// <summary>Stop cleanly (with a checkpoint) after this many epochs of this call, as an interrupted run would; null = run to the end.</summary>
    public int? StopAfterEpochs { get; init; }
    /// <summary>Intra-op threads of libtorch during the call (torch.set_num_threads, process-wide, restored afterwards); null = leave as is. Results are bit-reproducible for a fixed thread count.</summary>
    public int? Threads { get; init; }
    /// <summary>A batch loss above this multiple of the first batch loss counts as divergence.</summary>
    public double DivergenceFactor { get; init; } = 1e6;
    /// <summary>At the end, load the weights of the epoch with the best validation loss into the model.</summary>
    public bool RestoreBestWeights { get; init; } = true;
    /// <summary>Windows per batch when computing the validation loss (no gradients, so larger is fine).</summary>
    public int ValidationBatchSize { get; init; } = 512;
}
