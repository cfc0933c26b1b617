using System.Runtime.InteropServices;

namespace NeuroDyn.Torch;

/// <summary>Asks glibc's allocator to keep freed memory in the process instead of handing it back to the kernel after every tensor.</summary>
/// <remarks>libtorch allocates each CPU tensor with malloc and frees it when the tensor dies. By default glibc serves blocks above a
/// sliding threshold by mmap and unmaps them on free, and trims the heap's free top; a training step that allocates its buffers
/// afresh then touches every page of them anew, and on a virtual machine each page fault costs microseconds: at hidden 256 with RK4
/// more time went to page faults than to the matrix products. With blocks up to 32 MiB (glibc's largest allowed threshold) served
/// from the heap and up to 512 MiB of free heap kept, the next step reuses pages already mapped (measured: 5.0 → 13.3 Adam steps/s).
/// The cost is that the process's resident memory stays near its peak. Elsewhere than glibc on Linux this does nothing.</remarks>
internal static partial class FreedMemoryRetention
{
    const int TrimThreshold = -1, MmapThreshold = -3;
    const int LargestHeapBlock = 32 << 20, KeptFreeTop = 512 << 20;

    /// <summary>Sets glibc's mmap and trim thresholds for this process; false where there is no glibc mallopt.</summary>
    internal static bool Apply()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return MallOpt(MmapThreshold, LargestHeapBlock) == 1 && MallOpt(TrimThreshold, KeptFreeTop) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);
}
