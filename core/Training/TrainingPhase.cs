namespace NeuroDyn.Training;

/// <summary>One named phase of a training recipe: <see cref="Trainer.Fit"/> with these options, continuing from the weights the previous phase left
/// (e.g. "onestep" with <see cref="TrainingObjective.OneStep"/>, then "rollout" with <see cref="TrainingObjective.Rollout"/>).</summary>
/// <param name="Name">The phase's name, used in file names (letters, digits, '-' and '_').</param>
/// <param name="Options">The trainer's settings of the phase.</param>
public sealed record TrainingPhase(string Name, TrainingOptions Options);
