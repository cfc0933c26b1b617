/// What the chapters share: the Lorenz data set of chapter 00 (made again when missing) and the recipes that train the rate networks.
/// Trained models pass from chapter to chapter as model files and reports (`Experiments`).
module Models

open System
open System.IO
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Training

/// Time units of Lorenz-63 a data set covers: all its samples (train, validation and test) times its sampling interval.
let dataDuration (data: LorenzData) =
    float (Array2D.length1 data.Train + Array2D.length1 data.Val + Array2D.length1 data.Test) * data.Dt

/// What is wrong when a data set's length is not the one this run's mode expects (another mode's data, or one made with
/// another --duration), as a sentence naming the file; None when it fits.
let dataMismatch (path: string) (data: LorenzData) (duration: float) =
    let held = dataDuration data
    if abs (held - duration) < 0.5 * data.Dt then None
    else
        let near (d: float) = abs (held - d) < 0.5 * data.Dt
        let kind =
            if near (Output.dataDuration true) then "the size of the quick data set"
            elif near (Output.dataDuration false) then "the size of the default (and full) data set"
            else "a size of its own (chapter 00 with --duration)"
        let rows = (Array2D.length1 data.Train).ToString("N0", Globalization.CultureInfo.InvariantCulture)
        let maker = if duration = Output.dataDuration true then "dotnet fsi scripts/00_lorenz.fsx --quick" else "dotnet fsi scripts/00_lorenz.fsx"
        Some(
            $"the data set {path} holds {held:G6} time units ({rows} training rows), {kind}; this run's mode "
            + $"is made for {duration:G6} time units, so its results are not comparable with other runs of its mode. "
            + $"Make that data set with `{maker}`, or give --data a file of that size.")

/// The data set at `path`, or (if the file is missing) generated as chapter 00 does, `duration` time units long, and saved there.
/// A data set of another length (another mode's, say) is used, with a warning that says so.
let lorenzData (path: string) (duration: float) =
    if File.Exists path then
        let data = LorenzData.Load path
        dataMismatch path data duration |> Option.iter (eprintfn "warning: %s")
        data
    else
        printfn "no data set at %s; generating it as chapter 00 does" path
        let data = (LorenzDataset.Generate(LorenzDataOptions(Duration = duration))).Data
        data.Save path
        data

/// The recipe that makes rate networks forecast: one-step training (teacher forcing), then closed-loop rollouts of `RolloutSteps`
/// states whose length grows from 1 over `CurriculumEpochs`; Adam, cosine schedule, best validation epoch kept, one torch thread.
type RolloutRecipe =
    { OneStepEpochs: int
      RolloutEpochs: int
      RolloutSteps: int
      CurriculumEpochs: int
      LearningRate: float
      RolloutLearningRate: float
      /// None = all windows in every epoch.
      BatchesPerEpoch: int option }

/// A training phase's checkpoint file, and whether the phase continues from it (`--resume`) or starts afresh (overwriting it).
type PhaseCheckpoint = { Path: string; Resume: bool }

/// The checkpoints of a chapter's training phases, `<modelDir>/<name>-<phase>.checkpoint.safetensors` (the trainer writes one every
/// epoch). Without `resume` the run starts afresh and first deletes those an earlier run left; with `resume` each phase continues
/// from its checkpoint if it has one, and a phase that has none starts afresh and deletes the later phases' (they belong to an earlier run).
type PhaseCheckpoints(modelDir: string, name: string, phases: string list, resume: bool) =
    let path phase = Path.Combine(modelDir, $"{name}-{phase}.checkpoint.safetensors")
    let delete (phases: string list) =
        for phase in phases do
            for file in [ path phase; Checkpoint.HistoryPath(path phase) ] do
                if File.Exists file then File.Delete file
    do if not resume then delete phases

    /// The checkpoint of `phase` (one of the phases given), to continue from when resuming and it exists.
    member _.For(phase: string) =
        match List.tryFindIndex ((=) phase) phases with
        | None -> invalidArg (nameof phase) $"'{phase}' is not one of the training phases {phases}"
        | Some index ->
            let file = path phase
            let continues = resume && File.Exists file
            if resume && continues then printfn "%s: resuming from the checkpoint %s" phase file
            elif resume then
                printfn "%s: no checkpoint at %s; this phase starts afresh" phase file
                delete (List.skip (index + 1) phases)
            { Path = file; Resume = continues }

/// The trainer's settings for one phase of a recipe (one-step, `rollout` false, or closed-loop rollouts) with a batch-order seed, a thread
/// count (null = leave as is) and a checkpoint if given.
let private phaseOptions (data: LorenzData) (recipe: RolloutRecipe) (rollout: bool) (seed: int) (threads: Nullable<int>) (checkpoint: PhaseCheckpoint option) =
    let epochs, learningRate, objective =
        if rollout then recipe.RolloutEpochs, recipe.RolloutLearningRate, TrainingObjective.Rollout(recipe.RolloutSteps, recipe.CurriculumEpochs)
        else recipe.OneStepEpochs, recipe.LearningRate, TrainingObjective.OneStep
    TrainingOptions(
        Epochs = epochs, BatchSize = 64, SeqLength = data.SeqLength, LearningRate = learningRate, Objective = objective, Seed = seed,
        MaxBatchesPerEpoch = Option.toNullable recipe.BatchesPerEpoch, EarlyStoppingPatience = Nullable 10, Threads = threads,
        CheckpointPath = (checkpoint |> Option.map (fun c -> c.Path) |> Option.toObj),
        Resume = (checkpoint |> Option.exists (fun c -> c.Resume)))

/// The trainer's settings for one phase of a recipe: one-step (`rollout` false) or closed-loop rollouts, on one torch thread; checkpoints to `checkpoint` if given.
let phaseTraining (data: LorenzData) (recipe: RolloutRecipe) (seed: int) (rollout: bool) (checkpoint: PhaseCheckpoint option) =
    phaseOptions data recipe rollout seed (Nullable 1) checkpoint

/// The recipe as a sweep's training phases, "onestep" then "rollout" (`SweepDefinition.Phases`): the settings of `phaseTraining` with the
/// seed, thread count and checkpoint left for the sweep, which sets each run's seed in both phases and one torch thread per run by default.
let phases (data: LorenzData) (recipe: RolloutRecipe) : TrainingPhase list =
    [ TrainingPhase("onestep", phaseOptions data recipe false 0 (Nullable()) None)
      TrainingPhase("rollout", phaseOptions data recipe true 0 (Nullable()) None) ]

/// What `trainWithRollouts` did: the two phases' results and seconds.
type RolloutTraining = { OneStep: TrainingResult; Rollout: TrainingResult; OneStepSeconds: float; RolloutSeconds: float }

/// Trains `model` by `recipe` on the data set; `afterOneStep` runs between the phases (to measure the one-step solution);
/// `checkpoint phase` gives each phase's checkpoint (phase "onestep" or "rollout"), if any.
let trainWithRollouts (model: ISequenceModel) (data: LorenzData) (recipe: RolloutRecipe) (seed: int)
                      (checkpoint: string -> PhaseCheckpoint option) (afterOneStep: unit -> unit) =
    let fit rollout phase =
        let clock = Diagnostics.Stopwatch.StartNew()
        let result = Trainer.Fit(model, data.Train, data.Val, phaseTraining data recipe seed rollout (checkpoint phase), ConsoleProgress())
        printfn "%s (%.1f s)" result.Message clock.Elapsed.TotalSeconds
        result, clock.Elapsed.TotalSeconds
    let oneStep, oneStepSeconds = fit false "onestep"
    afterOneStep ()
    let rollout, rolloutSeconds = fit true "rollout"
    { OneStep = oneStep; Rollout = rollout; OneStepSeconds = oneStepSeconds; RolloutSeconds = rolloutSeconds }

/// Chapter 01's recipe for a CT-RNN, and smaller budgets of it: network (hidden units, τ, readout), epochs and learning rate of
/// one-step training, then of closed-loop rollout training (rollout length K, reached by a curriculum over half those epochs),
/// and batches per epoch (None = all windows).
type CtRnnBudget =
    { Hidden: int
      Tau: float
      Readout: ReadoutTarget
      OneStepEpochs: int
      LearningRate: float
      RolloutEpochs: int
      RolloutSteps: int
      RolloutLearningRate: float
      BatchesPerEpoch: int option }

    /// Seconds of CPU, a toy network for tests (`--quick`); on the quick data set it learns an oscillation, not yet chaos.
    static member Quick =
        { Hidden = 16; Tau = 0.1; Readout = ReadoutTarget.Increment; OneStepEpochs = 8; LearningRate = 3e-3
          RolloutEpochs = 4; RolloutSteps = 10; RolloutLearningRate = 1e-3; BatchesPerEpoch = Some 30 }

    /// Chapter 01's default run (a few minutes on one thread).
    static member Default =
        { CtRnnBudget.Quick with Hidden = 64; OneStepEpochs = 25; RolloutEpochs = 15; RolloutSteps = 15; BatchesPerEpoch = Some 100 }

    /// Chapter 01's full-quality run (`--full`): all windows, longer rollouts at a gentler rate; five seeds of 16 + 12 epochs each,
    /// two fifths of the 40 + 30 epochs that one network trained before, so that the five seeds cost about what that one network did
    /// (it reached a median VPT of 5.3) and the full tutorial stays within its hour.
    static member Full =
        { CtRnnBudget.Default with OneStepEpochs = 16; BatchesPerEpoch = None; RolloutEpochs = 12; RolloutSteps = 30; RolloutLearningRate = 3e-4 }

    /// The training part of the budget, with the curriculum over half the rollout epochs.
    member b.Recipe: RolloutRecipe =
        { OneStepEpochs = b.OneStepEpochs; RolloutEpochs = b.RolloutEpochs; RolloutSteps = b.RolloutSteps; CurriculumEpochs = max 1 (b.RolloutEpochs / 2)
          LearningRate = b.LearningRate; RolloutLearningRate = b.RolloutLearningRate; BatchesPerEpoch = b.BatchesPerEpoch }

/// Root-mean-square change of a series (time × dim) from one sample to the next: the scale of the increment readout.
let rmsIncrement (series: float[,]) =
    let steps, dim = Array2D.length1 series - 1, Array2D.length2 series
    if steps < 1 then invalidArg (nameof series) "the series needs at least two samples to have an increment"
    sqrt (Seq.average (seq { for i in 1 .. steps do for j in 0 .. dim - 1 -> (series.[i, j] - series.[i - 1, j]) ** 2.0 }))

/// The network of a budget for the data, with a solver: its size, τ and readout, the increment readout scaled by the training data's RMS increment.
let ctRnnOptions (data: LorenzData) (budget: CtRnnBudget) (solver: NeuroDyn.Solvers.OdeMethod) (adjoint: bool) =
    CtRnnOptions(Hidden = budget.Hidden, Tau = budget.Tau, Readout = budget.Readout, IncrementScale = rmsIncrement data.Train, Solver = solver, Adjoint = adjoint)
