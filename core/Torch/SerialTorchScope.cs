using System.Runtime.InteropServices;

namespace NeuroDyn.Torch;

/// <summary>While alive, libtorch operations issued from the current thread run on that thread alone; disposing restores the
/// thread's previous OpenMP and MKL thread counts.</summary>
/// <remarks>Used by <see cref="BatchChunks"/>, which already gives each core a block of the batch: without it every block's small
/// operations opened an OpenMP team of their own, and the futex wake-ups of those teams cost more than the operations (at hidden
/// 64 with two torch threads: 99 Adam steps/s with the teams against 466 without). Both counts are per-thread settings (the OpenMP
/// nthreads ICV and MKL's local thread count), so the caller's process-wide torch.set_num_threads stays as it was. Where the
/// libraries do not export the two setters this scope does nothing.</remarks>
internal sealed unsafe class SerialTorchScope : IDisposable
{
    static readonly delegate* unmanaged<int, void> OmpSetNumThreads;
    static readonly delegate* unmanaged<int> OmpGetMaxThreads;
    static readonly delegate* unmanaged<int, int> MklSetNumThreadsLocal;
    static readonly bool Available;

    readonly int ompThreads, mklThreads;

    static SerialTorchScope()
    {
        // libtorch_cpu links libgomp and MKL; a lookup through its handle searches its dependencies too
        if (!OperatingSystem.IsLinux() || TorchRuntime.Initialize() is not { } folder
            || !NativeLibrary.TryLoad(Path.Combine(folder, "libtorch_cpu.so"), out var torchCpu)) return;
        if (NativeLibrary.TryGetExport(torchCpu, "omp_set_num_threads", out var set)
            && NativeLibrary.TryGetExport(torchCpu, "omp_get_max_threads", out var get)
            && NativeLibrary.TryGetExport(torchCpu, "MKL_Set_Num_Threads_Local", out var mkl))
        {
            OmpSetNumThreads = (delegate* unmanaged<int, void>)set;
            OmpGetMaxThreads = (delegate* unmanaged<int>)get;
            MklSetNumThreadsLocal = (delegate* unmanaged<int, int>)mkl;
            Available = true;
        }
    }

    SerialTorchScope()
    {
        if (!Available) return;
        ompThreads = OmpGetMaxThreads();
        OmpSetNumThreads(1);
        mklThreads = MklSetNumThreadsLocal(1);   // returns the previous local count (0 = follow the global one)
    }

    /// <summary>Makes the current thread's libtorch operations serial until the result is disposed.</summary>
    internal static SerialTorchScope Enter() => new();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!Available) return;
        OmpSetNumThreads(ompThreads);
        MklSetNumThreadsLocal(mklThreads);
    }
}
