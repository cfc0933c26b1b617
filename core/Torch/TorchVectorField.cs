using NeuroDyn.Systems;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>Any tensor map f: R^n → R^n (float64, state shape [n]) as an <see cref="IVectorField"/>, its Jacobian ∂f_i/∂x_j by autograd, row by row.</summary>
/// <remarks>Allocates tensors on every call: meant for checking analytic fields and for small systems, not for inner loops.</remarks>
/// <param name="dimension">State dimension n.</param>
/// <param name="field">The map x ↦ f(x) on float64 tensors of shape [n].</param>
/// <param name="device">Device the state tensors are created on (default CPU).</param>
public sealed class TorchVectorField(int dimension, Func<Tensor, Tensor> field, Device? device = null) : IVectorField
{
    readonly Device place = device ?? torch.CPU;

    /// <inheritdoc/>
    public int Dimension { get; } = dimension > 0 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be >= 1.");

    /// <inheritdoc/>
    public void Evaluate(ReadOnlySpan<double> state, Span<double> derivative)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        CopyOut(Apply(ToTensor(state)), derivative);
    }

    /// <inheritdoc/>
    public void Jacobian(ReadOnlySpan<double> state, Span<double> jacobian)
    {
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var x = ToTensor(state).requires_grad_(true);
        var y = Apply(x);
        int n = Dimension;
        for (int i = 0; i < n; i++)
        {
            var row = y.requires_grad ? torch.autograd.grad([y[i]], [x], retain_graph: i < n - 1, allow_unused: true)[0] : null;
            if (row is null || row.IsInvalid) jacobian.Slice(i * n, n).Clear();
            else CopyOut(row, jacobian.Slice(i * n, n));
        }
    }

    Tensor ToTensor(ReadOnlySpan<double> state)
    {
        if (state.Length != Dimension)
            throw new ArgumentException($"state has {state.Length} entries but the field has dimension {Dimension}.", nameof(state));
        return torch.tensor(state.ToArray(), dtype: ScalarType.Float64, device: place);
    }

    Tensor Apply(Tensor x)
    {
        var y = field(x);
        if (y.numel() != Dimension)
            throw new InvalidOperationException($"the field returned {y.numel()} entries for a state of dimension {Dimension}; it must map [n] to [n].");
        return y.reshape(Dimension);
    }

    static void CopyOut(Tensor values, Span<double> target) =>
        values.detach().to(ScalarType.Float64, torch.CPU).contiguous().data<double>().CopyTo(target);
}
