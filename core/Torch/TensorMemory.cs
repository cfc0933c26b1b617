using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>The memory of a contiguous CPU tensor as a span, for element-wise loops that would otherwise cost one libtorch call each.</summary>
/// <remarks>The pointer comes from the TorchSharp bridge's own THSTensor_data (the tensor's data_ptr, storage offset included).
/// A span is valid while its tensor lives and is not resized; the caller guarantees that the tensor is contiguous, on the CPU,
/// and of element type T.</remarks>
internal static unsafe class TensorMemory
{
    static readonly delegate* unmanaged<IntPtr, IntPtr> DataPointer =
        (delegate* unmanaged<IntPtr, IntPtr>)NativeLibrary.GetExport(NativeLibrary.Load("LibTorchSharp", typeof(torch).Assembly, null), "THSTensor_data");

    /// <summary>The first <paramref name="length"/> elements of <paramref name="tensor"/>'s memory.</summary>
    internal static Span<T> Of<T>(Tensor tensor, int length) where T : unmanaged => new((void*)DataPointer(tensor.Handle), length);
}
