using NeuroDyn.Evaluation;
using NeuroDyn.Models.Reservoir;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>One swept option: its snake_case name in the model's options record and the values it takes, as text (e.g. "hidden", ["16", "32"]).</summary>
/// <param name="Option">The option's key as <see cref="Artifacts.OptionsMetadata"/> writes it (hidden, tau, sample_interval, readout …).</param>
/// <param name="Values">Its values, each as the model file stores it (numbers in the invariant culture, enums by name, true/false).</param>
public sealed record SweepAxis(string Option, IReadOnlyList<string> Values);

/// <summary>A sweep: one run for every combination of the grid's values and every seed, each trained by the same recipe on the same data
/// and measured by the same protocol. <see cref="Sweep.Prepare"/> checks it and writes its folder.</summary>
/// <remarks>The kind decides how a run trains (<see cref="SweepModelKind.Method"/>): the torch kinds by <see cref="Phases"/>, in order on the
/// same model, each with <see cref="Trainer.Fit"/>; the spiking reservoir ("reservoir") by <see cref="ReservoirForecaster.Train"/> with
/// <see cref="Reservoir"/> (ridge regression, no phases). The run's seed is the model's initialisation seed (the reservoir's wiring) and the
/// trainer's batch-order seed in every phase (the reservoir's input-noise seed), as the chapters train a model from one seed.</remarks>
public sealed record SweepDefinition
{
    /// <summary>The kind of model (<see cref="SweepModelKinds"/>: "ctrnn", "ei_rate", "gru", "surrogate_lif", "reservoir"; default "ctrnn").</summary>
    public string Model { get; init; } = "ctrnn";

    /// <summary>The model's name written into each report's <see cref="ModelRun.Name"/> (e.g. "CT-RNN"); null = the kind's name.</summary>
    public string? Name { get; init; }

    /// <summary>The mode written into each report's <see cref="ModelRun.Mode"/> (e.g. a chapter's "default", "full" or "quick"; default "sweep").</summary>
    public string Mode { get; init; } = "sweep";

    /// <summary>The swept options, the first varying slowest; at least one, each with at least one value.</summary>
    public IReadOnlyList<SweepAxis> Grid { get; init; } = [];

    /// <summary>Options set the same in every run (key → value as text); the others keep the options record's defaults.</summary>
    public IReadOnlyDictionary<string, string> Fixed { get; init; } = new Dictionary<string, string>();

    /// <summary>Seeds of the runs (initialisation and batch order); every grid point is run once per seed (default [0]).</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [0];

    /// <summary>The training recipe of a torch kind: phases trained in order on the same model, with distinct file-safe names; each phase's seed,
    /// checkpoint, resume, stop and thread settings are the sweep's to set, so they stay at their defaults. Empty for the reservoir.</summary>
    public IReadOnlyList<TrainingPhase> Phases { get; init; } = [];

    /// <summary>The reservoir's training settings (kind "reservoir" only, where they are required); its NoiseSeed is the sweep's to set (the run's seed), so it stays 0.</summary>
    public ReservoirTrainingOptions? Reservoir { get; init; }

    /// <summary>How each trained model is measured (<see cref="ForecastProtocol.Default"/>, or <see cref="ForecastProtocol.Quick"/> on quick data).</summary>
    public ForecastProtocol Protocol { get; init; } = ForecastProtocol.Default;

    /// <summary>The Lorenz data set (.npz, <see cref="Data.LorenzData"/>) every run trains on and is measured on.</summary>
    public string DataPath { get; init; } = "";

    /// <summary>Torch threads of each run (default 1). Part of the sweep because a run's numbers are bit-reproducible for a fixed thread count.</summary>
    public int ThreadsPerRun { get; init; } = 1;
}
