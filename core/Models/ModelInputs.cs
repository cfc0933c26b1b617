using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>The input checks every sequence model makes before any work: a floating-point parameter type, and windows of the right shape,
/// type and device with finite entries.</summary>
internal static class ModelInputs
{
    /// <summary>Throws unless <paramref name="dtype"/> is a floating-point type.</summary>
    internal static void CheckFloatingPoint(ScalarType dtype)
    {
        if (!torch.is_floating_point(torch.empty(0, dtype)))
            throw new ArgumentException($"dtype {dtype} is not a floating-point type; use Float64 or Float32.", nameof(dtype));
    }

    /// <summary>Throws unless <paramref name="windows"/> is [batch, length, <paramref name="inputSize"/>] (batch, length ≥ 1) with the dtype and
    /// device of <paramref name="parameter"/> and only finite entries.</summary>
    internal static void CheckWindows(Tensor windows, long inputSize, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (windows.dim() != 3 || windows.shape[2] != inputSize || windows.shape[1] == 0 || windows.shape[0] == 0)
            throw new ArgumentException($"windows must have shape [batch, length, {inputSize}] with batch, length >= 1, but have shape [{string.Join(", ", windows.shape)}].", nameof(windows));
        if (windows.dtype != parameter.dtype || windows.device.type != parameter.device.type)
            throw new ArgumentException($"windows are {windows.dtype} on {windows.device} but the network is {parameter.dtype} on {parameter.device}; convert them with .to(...).", nameof(windows));
        using var noGrad = torch.no_grad();
        if (!torch.isfinite(windows).all().item<bool>())
            throw new ArgumentException("windows contain NaN or infinite entries; clean or re-normalise the data.", nameof(windows));
    }
}
