using System.Diagnostics;
using System.Text.Json;
using NeuroDyn.Bench;
using NeuroDyn.IO;

// Every benchmark of the project; `./build.sh bench` runs all, `./build.sh bench NAME` one.
IBenchmark[] all =
[
    new SolversBenchmark(),
    new LyapunovBenchmark(),
    new BrunelBenchmark(),
    new CtRnnBenchmark(),
    new AdjointMemoryBenchmark(),
    new OrbitDiagramBenchmark(),
    new ShootingBenchmark(),
    new EvaluationBlocksBenchmark(),
];

var outDir = Path.Combine(Environment.GetEnvironmentVariable("NEURODYN_OUT") ?? "out", "bench");
Directory.CreateDirectory(outDir);

// `compare BEFORE AFTER`: medians of two builds' repeated runs side by side (./build.sh bench-compare makes the runs)
if (args is ["compare", var beforeRuns, var afterRuns])
{
    ComparisonReport comparison;
    try { comparison = BenchmarkComparison.Compare(beforeRuns, afterRuns); }
    catch (Exception e) when (e is DirectoryNotFoundException or InvalidDataException)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
    Console.WriteLine($"medians over {comparison.BeforeRunCount} runs before and {comparison.AfterRunCount} after; slowdown > 0 is worse, tolerance {comparison.Tolerance:P0}");
    foreach (var f in comparison.Figures)
        Console.WriteLine($"{(f.WithinTolerance ? "  " : "!!")} {f.Benchmark,-15} {f.Figure,-90} {f.Before,12:G4} -> {f.After,12:G4} ({f.Better} is better) " +
            $"{f.Slowdown,7:+0.0%;-0.0%}  round by round {f.PairedSlowdown,7:+0.0%;-0.0%}  run-to-run spread {f.BeforeSpread,4:0%} / {f.AfterSpread,4:0%}");
    Console.WriteLine(comparison.AllWithinTolerance ? "every figure within tolerance" : "some figures slowed down beyond the tolerance (marked !!)");
    Write("comparison", comparison, echo: false);
    return 0;
}

var wanted = args.Length > 0 ? args[0] : null;
var selected = wanted is null ? all : all.Where(b => b.Name == wanted).ToArray();
if (selected.Length == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{wanted}'; known: {string.Join(", ", all.Select(b => b.Name))}");
    return 2;
}
foreach (var benchmark in selected)
{
    Console.WriteLine($"== {benchmark.Name}");
    var clock = Stopwatch.StartNew();
    Write(benchmark.Name, benchmark.Run());
    Console.WriteLine($"({clock.Elapsed.TotalSeconds:F1} s)");
}
return 0;

// writes the figures atomically to out/bench/NAME.json, printing them as JSON when asked
void Write(string name, object figures, bool echo = true)
{
    var json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    var path = Path.Combine(outDir, name + ".json");
    AtomicFile.WriteAllText(path, json);
    if (echo) Console.WriteLine(json);
    Console.WriteLine($"-> {path}");
}
