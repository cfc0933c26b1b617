namespace NeuroDyn.Bench;

/// <summary>One speed benchmark: runs in-process after its own warm-up and returns the figures it measured.</summary>
public interface IBenchmark
{
    /// <summary>Short name, used on the command line and as the file name out/bench/NAME.json.</summary>
    string Name { get; }

    /// <summary>Runs the benchmark, printing progress lines, and returns a JSON-serialisable record of its figures.</summary>
    object Run();
}
