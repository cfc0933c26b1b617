using NeuroDyn.Analysis;
using NeuroDyn.Systems;

namespace NeuroDyn.Bench;

/// <summary>
/// Newton–shooting from near-returns of a Lorenz-63 trajectory to a closing error of 1e-10: for each of the shortest orbits
/// AB, AAB, AAAB, AABB (Viswanath 2003) the Newton steps from its closest near-return and the median time of one shooting.
/// </summary>
public sealed class ShootingBenchmark : IBenchmark
{
    /// <inheritdoc/>
    public string Name => "shooting";

    /// <summary>One orbit: its published and found periods, the seed's distance, Newton steps, final closing error and median time.</summary>
    public sealed record Orbit(string Word, double PublishedPeriod, double Period, double SeedDistance, int NewtonSteps, double ClosingError,
        double Seconds, double CpuSeconds);

    /// <summary>Figures: one entry per orbit, and the time of the whole search (near-returns, shooting every seed, de-duplication).</summary>
    public sealed record Figures(IReadOnlyList<Orbit> Orbits, int Seeds, int DistinctOrbits, double SearchSeconds, double SearchCpuSeconds, int Repeats);

    /// <inheritdoc/>
    public object Run()
    {
        var lorenz = new Lorenz63();
        double[] start = [1, 1, 1];
        var seeds = PeriodicOrbits.NearReturns(lorenz, start);
        (string Word, double Period)[] published = [("AB", 1.558652), ("AAB", 2.305907), ("AAAB", 3.023584), ("AABB", 3.084277)];
        const int repeats = 5;
        var figures = new List<Orbit>();
        foreach (var (word, period) in published)
        {
            // the closest near-return whose shooting lands on this orbit
            var hit = seeds.Select(s => (Seed: s, Orbit: PeriodicOrbits.Shoot(lorenz, s.State, s.Period)))
                .FirstOrDefault(p => p.Orbit.Converged && Math.Abs(p.Orbit.Period - period) <= 1e-5 * period);
            if (hit.Orbit is null)
            {
                Console.WriteLine($"{word}: no near-return led to it");
                continue;
            }
            var (seconds, cpu, _) = Timing.Measure(repeats, () => PeriodicOrbits.Shoot(lorenz, hit.Seed.State, hit.Seed.Period));
            Console.WriteLine($"{word}: T = {hit.Orbit.Period:F9} from a near-return at distance {hit.Seed.Distance:G3} in {hit.Orbit.Iterations} Newton steps " +
                $"to {hit.Orbit.ClosingError:G2}, {seconds * 1e3:F1} ms wall, {cpu * 1e3:F1} ms CPU (medians of {repeats})");
            figures.Add(new Orbit(word, period, hit.Orbit.Period, hit.Seed.Distance, hit.Orbit.Iterations, hit.Orbit.ClosingError, seconds, cpu));
        }
        PeriodicOrbitSearch? search = null;
        var (searchSeconds, searchCpu, _) = Timing.Measure(3, () => search = PeriodicOrbits.Find(lorenz, start));
        Console.WriteLine($"Whole search: {search!.Seeds.Count} seeds, {search.Orbits.Count} distinct orbits in {searchSeconds:F2} s wall, {searchCpu:F2} s CPU (medians of 3)");
        return new Figures(figures, search.Seeds.Count, search.Orbits.Count, searchSeconds, searchCpu, 3);
    }
}
