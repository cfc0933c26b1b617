using NeuroDyn.Evaluation;
using NeuroDyn.Models.Reservoir;
using NeuroDyn.Training;

namespace NeuroDyn.Sweeps;

/// <summary>Everything one run needs, written as run.json in its folder when the sweep is prepared; the run's command line names only the folder.</summary>
/// <param name="Format">"neurodyn-sweep-run".</param>
/// <param name="Version">Layout version of the file.</param>
/// <param name="Sweep">Fingerprint of the sweep that wrote it (<see cref="SweepPlan.Fingerprint"/>).</param>
/// <param name="Id">The run's folder name.</param>
/// <param name="Model">The model kind (<see cref="SweepModelKinds"/>).</param>
/// <param name="Name">The model's name in the report (<see cref="SweepDefinition.Name"/>).</param>
/// <param name="Mode">The mode in the report (<see cref="SweepDefinition.Mode"/>).</param>
/// <param name="Values">Its value of each swept option.</param>
/// <param name="Seed">Its seed (initialisation and batch order).</param>
/// <param name="Options">Every option of its model.</param>
/// <param name="Phases">The training phases of a torch kind (seed, checkpoint and threads set by the run); empty for the reservoir.</param>
/// <param name="Reservoir">The reservoir's training settings (its noise seed set by the run); null for a torch kind.</param>
/// <param name="Protocol">How the trained model is measured.</param>
/// <param name="DataPath">The data set (absolute path).</param>
/// <param name="DataSha256">The data set's SHA-256, checked before training.</param>
/// <param name="Threads">Torch threads of the run.</param>
public sealed record SweepRunSettings(
    string Format, int Version, string Sweep, string Id, string Model, string Name, string Mode, IReadOnlyDictionary<string, string> Values, int Seed,
    IReadOnlyDictionary<string, string> Options, IReadOnlyList<TrainingPhase> Phases, ReservoirTrainingOptions? Reservoir, ForecastProtocol Protocol, string DataPath, string DataSha256, int Threads)
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "neurodyn-sweep-run";
    /// <summary>The layout version written and read.</summary>
    public const int FormatVersion = 2;

    /// <summary>The settings in <paramref name="path"/>; another format or version is an error naming the file.</summary>
    public static SweepRunSettings Read(string path)
    {
        var settings = SweepJson.Read<SweepRunSettings>(path, "sweep run settings file", "Prepare the sweep again (Sweep.Prepare) to write it.");
        if (settings.Format != FormatName || settings.Version != FormatVersion)
            throw new InvalidDataException($"'{path}' is a '{settings.Format}' file of version {settings.Version}, not a {FormatName} file of version {FormatVersion}; prepare the sweep again with this version.");
        return settings;
    }
}
