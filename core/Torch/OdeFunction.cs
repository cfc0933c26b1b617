using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>A right-hand side f(t, y) over tensors, with t passed as a scalar tensor of the state's dtype and device.</summary>
internal sealed class OdeFunction(Func<Tensor, Tensor, Tensor> f, ScalarType dtype, Device device)
{
    /// <summary>Number of evaluations so far.</summary>
    internal int Evaluations { get; private set; }

    /// <summary>f(t, y).</summary>
    internal Tensor Evaluate(double t, Tensor y)
    {
        Evaluations++;
        using var time = torch.tensor(t, dtype: dtype, device: device);
        return f(time, y);
    }
}
