using System.Diagnostics;
using System.Text.Json;
using NeuroDyn.Bench;

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

var wanted = args.Length > 0 ? args[0] : null;
var selected = wanted is null ? all : all.Where(b => b.Name == wanted).ToArray();
if (selected.Length == 0)
{
    Console.Error.WriteLine($"unknown benchmark '{wanted}'; known: {string.Join(", ", all.Select(b => b.Name))}");
    return 2;
}
var outDir = Path.Combine(Environment.GetEnvironmentVariable("NEURODYN_OUT") ?? "out", "bench");
Directory.CreateDirectory(outDir);
foreach (var benchmark in selected)
{
    Console.WriteLine($"== {benchmark.Name}");
    var clock = Stopwatch.StartNew();
    var figures = benchmark.Run();
    var json = JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
    var path = Path.Combine(outDir, benchmark.Name + ".json");
    File.WriteAllText(path + ".tmp", json);
    File.Move(path + ".tmp", path, overwrite: true);
    Console.WriteLine(json);
    Console.WriteLine($"-> {path} ({clock.Elapsed.TotalSeconds:F1} s)");
}
return 0;
