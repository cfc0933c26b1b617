using static TorchSharp.torch;

namespace NeuroDyn.Torch;

/// <summary>What the adjoint backward pass needs besides tensors: the right-hand side, the output times, the parameters and the options.</summary>
internal sealed record AdjointProblem(Func<Tensor, Tensor, Tensor> F, double[] Times, Tensor[] Parameters, TorchOdeOptions Options);
