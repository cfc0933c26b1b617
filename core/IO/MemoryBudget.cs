using System.Globalization;

namespace NeuroDyn.IO;

/// <summary>
/// Refuses a request whose arrays or tensors would not fit in memory before anything is allocated, naming the option that asked.
/// </summary>
/// <remarks>
/// The memory available is MemAvailable of /proc/meminfo, the kernel's estimate of what it can hand out now without swapping,
/// capped by <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (the physical memory or the container's limit). MemAvailable is
/// used rather than the GC figure alone because that figure is the total, not what is free, and tensors live outside the GC heap:
/// libtorch allocates them natively, and with overcommit an allocation far beyond the free memory succeeds and the process dies
/// later (a segmentation fault or the OOM killer) instead of failing with a message. Without /proc/meminfo only the GC figure is used.
/// </remarks>
public static class MemoryBudget
{
    /// <summary>Bytes that can be allocated now: min(MemAvailable, GC's TotalAvailableMemoryBytes).</summary>
    public static long AvailableBytes()
    {
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return MemAvailable() is long available ? Math.Min(available, total) : total;
    }

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> naming <paramref name="option"/> unless <paramref name="bytes"/> (an estimate,
    /// a double so that products of large sizes do not overflow) fit in <see cref="AvailableBytes"/>; <paramref name="what"/> names what
    /// would need them (the subject of "need about … bytes") and <paramref name="advice"/> what to change.
    /// </summary>
    public static void Ensure(double bytes, string option, string what, string advice)
    {
        long available = AvailableBytes();
        if (bytes <= available) return;
        throw new ArgumentOutOfRangeException(option,
            $"{option}: {what} need about {Describe(bytes)}, but only {Describe(available)} of memory are available now. {advice}");
    }

    /// <summary>A byte count as "80.0 GB (8.000E+010 bytes)".</summary>
    static string Describe(double bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:#,0.0} GB ({bytes:E3} bytes)");

    /// <summary>MemAvailable of /proc/meminfo in bytes, or null where there is no such line.</summary>
    static long? MemAvailable()
    {
        const string file = "/proc/meminfo";
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 && fields[2] == "kB" && long.TryParse(fields[1], CultureInfo.InvariantCulture, out long kibibytes)
                ? kibibytes * 1024 : null;
        }
        return null;
    }
}
