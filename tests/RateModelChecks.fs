/// Reference computations shared by the tests of the rate networks (CT-RNN, E/I network).
module NeuroDyn.Tests.RateModelChecks

open System
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Solvers
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

/// Deterministic windows [batch, length, 3] of order one, like z-scored Lorenz data.
let windows batch length =
    scale 1.5 (torch.sin(scale 0.37 (arange (float (batch * length * 3)) torch.ScalarType.Float64)).reshape(int64 batch, int64 length, 3L))

/// Largest absolute difference between two tensors.
let maxDiff (a: Tensor) (b: Tensor) = (a - b).abs().max().item<double>()

/// The gradients of a loss with respect to every parameter of a module (cloned, the module's gradients reset first).
let gradientsOf (model: torch.nn.Module) (loss: Tensor) =
    model.zero_grad()
    loss.backward()
    [ for p in model.parameters() -> p.grad.clone() ]

/// A smooth target for windows [B, L, 3]: cos of the sum over the window, [B, 3].
let target (w: Tensor) = torch.cos(w.sum(1))

/// Prediction by TorchOde.Odeint over each sample interval in turn (zero-order hold), independent of a model's fused recurrence:
/// starting from zero, each window sample k drives the field `heldField x_k` for one interval, then `readout` maps the state.
let predictWithOdeint (heldField: Tensor -> Func<Tensor, Tensor, Tensor>) (solver: OdeMethod) (sampleInterval: float)
                      (stepsPerSample: int) (hidden: int) (readout: Tensor -> Tensor) (w: Tensor) =
    let options = TorchOdeOptions(Method = solver, Step = Nullable(sampleInterval / float stepsPerSample))
    let mutable h = torch.zeros([| w.shape[0]; int64 hidden |], dtype = torch.ScalarType.Float64)
    for k in 0L .. w.shape[1] - 1L do
        h <- TorchOde.Odeint(heldField (w.select(1, k)), h, [| 0.0; sampleInterval |], options).[1]
    readout h

/// Prediction by TorchOde.OdeintAdjoint over each sample interval in turn, the independent counterpart of the fused adjoint: starting
/// from zero, sample k drives `field weight z_k` (z = `drive` [B, L, n]), with the weight and z_k as the adjoint's parameters.
let predictWithOdeintAdjoint (field: Tensor -> Tensor -> Func<Tensor, Tensor, Tensor>) (weight: Tensor) (drive: Tensor) (solver: OdeMethod)
                             (sampleInterval: float) (stepsPerSample: int) (readout: Tensor -> Tensor) =
    let options = TorchOdeOptions(Method = solver, Step = Nullable(sampleInterval / float stepsPerSample))
    let mutable h = torch.zeros([| drive.shape[0]; drive.shape[2] |], dtype = torch.ScalarType.Float64)
    for k in 0L .. drive.shape[1] - 1L do
        let z = drive.select(1, k)
        h <- TorchOde.OdeintAdjoint(field weight z, h, [| 0.0; sampleInterval |], [| weight; z |], options).[1]
    readout h

/// Expects a model's closed-loop rollout of `steps` from windows `w` to equal its one-step predictions on ever longer windows that
/// end with the earlier predictions — which holds because each prediction restarts from a zero hidden state (to 1e-13, rounding only).
let expectRolloutMatchesOneStep (model: NeuroDyn.Models.ISequenceModel) (w: Tensor) (steps: int) =
    use _ = torch.no_grad()
    let rollout = model.Rollout(w, steps)
    let mutable extended = w
    for s in 0L .. int64 steps - 1L do
        let manual = model.PredictNext(extended)
        Expecto.Expect.isLessThan (maxDiff (rollout.select(1, s)) manual) 1e-13 $"rollout step {s}"
        extended <- torch.cat([| extended; manual.unsqueeze(1) |], 1L)
