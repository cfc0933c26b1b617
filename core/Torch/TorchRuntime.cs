using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace NeuroDyn.Torch;

/// <summary>Loads TorchSharp's native libraries from the packaged libtorch, by absolute path, before first use, and has freed tensor
/// memory kept in the process (<see cref="FreedMemoryRetention"/>).</summary>
/// <remarks>
/// Two things go wrong on a plain Debian 12 machine and are handled here, idempotently:
/// (1) TorchSharp's loader first tries the bare name "torch_cpu", which may find an unrelated system libtorch;
/// loading the packaged libraries by absolute path first avoids that.
/// (2) libLibTorchSharp.so 0.107 requires GLIBCXX_3.4.32 for one symbol it never calls; where the system
/// libstdc++ lacks that version, a private copy with the requirement marked weak is written (atomically) to
/// a cache folder and loaded instead. The package cache itself is never modified.
/// </remarks>
public static class TorchRuntime
{
    const string LibTorchVersion = "2.10.0";
    const string RuntimeId = "linux-x64";
    const string MissingStdCxxVersion = "GLIBCXX_3.4.32";
    static readonly object Gate = new();
    static string? loadedFrom;

    /// <summary>Folder of the native libtorch libraries in use, once <see cref="Initialize"/> has run.</summary>
    public static string? NativeFolder => loadedFrom;

    /// <summary>Loads the native libraries (once per process) and returns the folder they came from.</summary>
    public static string Initialize()
    {
        lock (Gate)
        {
            if (loadedFrom is not null) return loadedFrom;
            if (!OperatingSystem.IsLinux())
            {
                loadedFrom = "(platform default)";
                return loadedFrom;
            }
            FreedMemoryRetention.Apply();
            var torchSharpAssembly = typeof(TorchSharp.torch).Assembly;
            var libtorchFolder = FindFolder("libtorch_cpu.so", LibTorchFolders())
                ?? throw new DllNotFoundException(
                    $"libtorch {LibTorchVersion} native libraries not found (looked in {string.Join(", ", LibTorchFolders())}). " +
                    "Run ./build.sh once (it restores the packages), or add the libtorch-cpu-linux-x64 package to your project.");
            var bridgeFolder = FindFolder("libLibTorchSharp.so", BridgeFolders(torchSharpAssembly))
                ?? throw new DllNotFoundException("libLibTorchSharp.so not found next to the TorchSharp package; restore the TorchSharp package.");

            foreach (var name in new[] { "libgomp-98b21ff3.so.1", "libc10.so", "libtorch_cpu.so", "libtorch.so" })
            {
                var path = Path.Combine(libtorchFolder, name);
                if (File.Exists(path)) NativeLibrary.Load(path);
            }
            var torchCpu = NativeLibrary.Load(Path.Combine(libtorchFolder, "libtorch_cpu.so"));
            var bridge = NativeLibrary.Load(UsableBridge(Path.Combine(bridgeFolder, "libLibTorchSharp.so")));
            NativeLibrary.SetDllImportResolver(torchSharpAssembly, (name, _, _) => name switch
            {
                "LibTorchSharp" or "libLibTorchSharp" or "libLibTorchSharp.so" => bridge,
                "torch_cpu" or "libtorch_cpu" or "libtorch_cpu.so" => torchCpu,
                _ => IntPtr.Zero,
            });
            loadedFrom = libtorchFolder;
            return loadedFrom;
        }
    }

    /// <summary>True when the system's libstdc++ provides the given symbol version (e.g. GLIBCXX_3.4.32).</summary>
    public static bool SystemStdCxxProvides(string version)
    {
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib" })
        {
            var path = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(path)) return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
        }
        return false;
    }

    /// <summary>The bridge library to load: the packaged one, or a weak-versioned private copy where libstdc++ is too old.</summary>
    static string UsableBridge(string packaged)
    {
        if (SystemStdCxxProvides(MissingStdCxxVersion)) return packaged;
        var image = File.ReadAllBytes(packaged);
        var needs = ElfVersionNeed.Read(image).FirstOrDefault(r => r.Version == MissingStdCxxVersion);
        if (needs is null || needs.Weak) return packaged;
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version;
        var folder = Path.Combine(CacheRoot(), "native", $"torchsharp-{version}");
        var patched = Path.Combine(folder, "libLibTorchSharp.so");
        if (File.Exists(patched) && new FileInfo(patched).Length == image.Length) return patched;
        Directory.CreateDirectory(folder);
        var temporary = patched + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, ElfVersionNeed.MakeWeak(image, MissingStdCxxVersion));
        File.Move(temporary, patched, overwrite: true);
        return patched;
    }

    static string CacheRoot() =>
        Environment.GetEnvironmentVariable("NEURODYN_CACHE") is { Length: > 0 } explicitRoot ? explicitRoot
        : Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? Path.Combine(xdg, "neurodyn")
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "neurodyn");

    static string? FindFolder(string file, IEnumerable<string> candidates) =>
        candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, file)));

    static string NuGetRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } root ? root
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    static IEnumerable<string> LibTorchFolders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeId, "native");
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(NuGetRoot(), "libtorch-cpu-linux-x64", LibTorchVersion, "runtimes", RuntimeId, "native");
    }

    static IEnumerable<string> BridgeFolders(Assembly torchSharp)
    {
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeId, "native");
        yield return AppContext.BaseDirectory;
        var version = torchSharp.GetName().Version!;
        yield return Path.Combine(NuGetRoot(), "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", RuntimeId, "native");
    }
}
