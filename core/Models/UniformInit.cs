using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Models;

/// <summary>PyTorch's nn.Linear initialisation, shared by the rate networks and the GRU.</summary>
internal static class UniformInit
{
    /// <summary>U(±1/√fan_in) in float64 from <paramref name="generator"/>: 2b·U(0, 1) − b with b = 1/√fan_in.</summary>
    internal static Tensor Draw(Generator generator, long[] shape, int fanIn)
    {
        double bound = 1.0 / Math.Sqrt(fanIn);
        // explicit Scalars disposed after the calls: an implicitly converted one may be finalized while libtorch still reads it
        using Scalar width = (2 * bound).ToScalar(), offset = bound.ToScalar();
        return torch.rand(shape, dtype: ScalarType.Float64, generator: generator).mul_(width).sub_(offset);
    }
}
