module NeuroDyn.Tests.AdamTests

open Expecto
open TorchSharp
open TorchSharp.Modules
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Training
open NeuroDyn.Tests.TestFixtures

let private f64 = torch.ScalarType.Float64

/// Step k's batch: windows [16, 5, 3] and next states [16, 3] from a generator seeded with k.
let private batch (k: int) =
    use generator = new torch.Generator(uint64 k)
    torch.randn([| 16L; 5L; 3L |], dtype = f64, generator = generator), torch.randn([| 16L; 3L |], dtype = f64, generator = generator)

/// A learning rate that changes at every step (a cosine between 5e-2 and 1e-3, as the schedules change it per epoch).
let private learningRate (k: int) = 1e-3 + 0.049 * (1.0 + cos (float k)) / 2.0

/// 25 steps of one-step MSE training of a small CT-RNN (seed 4) with the given zero-grad and step (taking step k).
let private train (zeroGrad: unit -> unit) (step: int -> unit) (model: CtRnn) =
    for k in 1 .. 25 do
        use scope = torch.NewDisposeScope()
        let windows, targets = batch k
        zeroGrad ()
        torch.nn.functional.mse_loss(model.PredictNext(windows), targets).backward()
        step k

let private momentBits (states: (int64 * torch.Tensor * torch.Tensor) list) =
    states |> List.map (fun (step, m, v) -> step, bits (values m), bits (values v))

[<Tests>]
let tests =
    testList "adam optimizer" [
        for weightDecay in [ 0.0; 0.01 ] ->
            test $"25 steps with a changing learning rate and weight decay {weightDecay} give torch.optim.Adam's weights and moments bit for bit" {
                TorchRuntime.Initialize() |> ignore
                let options = CtRnnOptions(Hidden = 6)
                let reference = new CtRnn(options, 4L)
                let initial = weights reference
                let torchAdam = torch.optim.Adam(reference.parameters(), 0.05, 0.9, 0.999, 1e-8, weightDecay)
                reference |> train torchAdam.zero_grad (fun k ->
                    for group in torchAdam.ParamGroups do group.LearningRate <- learningRate k
                    torchAdam.step() |> ignore)
                let ours = new CtRnn(options, 4L)
                use adam = new AdamOptimizer(ours.parameters(), 0.9, 0.999, 1e-8, weightDecay)
                ours |> train adam.ZeroGrad (fun k -> adam.Step(learningRate k))
                // the same update in the same order of floating-point operations: any reordering would change low bits somewhere in 25 steps
                expectSameBits (weights ours) (weights reference) "weights after 25 steps"
                Expect.notEqual (weights ours |> List.map (snd >> bits)) (initial |> List.map (snd >> bits)) "the steps moved the weights"
                let torchStates =
                    torchAdam.state_dict().State |> Seq.map (fun s -> let s = s :?> Adam.State in s.step, s.exp_avg, s.exp_avg_sq) |> Seq.toList
                let ourStates = adam.States |> Seq.map (fun s -> s.Step, s.ExpAvg, s.ExpAvgSq) |> Seq.toList
                Expect.equal (momentBits ourStates) (momentBits torchStates) "step counts and moments m, v (what checkpoints store)"
            }
        yield test "a parameter without a gradient is left alone and its step count stays 0" {
            TorchRuntime.Initialize() |> ignore
            let model = new CtRnn(CtRnnOptions(Hidden = 4), 2L)
            use adam = new AdamOptimizer(model.parameters())
            let before = weights model
            adam.Step(0.1)
            expectSameBits (weights model) before "no gradients yet: weights unchanged"
            Expect.allEqual (adam.States |> Seq.map _.Step) 0L "no step counted"
        }
        yield test "a learning rate that is negative or not finite is refused, naming it" {
            TorchRuntime.Initialize() |> ignore
            use adam = new AdamOptimizer((new CtRnn(CtRnnOptions(Hidden = 4), 2L)).parameters())
            for bad in [ -1e-3; nan; infinity ] do
                Throws.withMessage<System.ArgumentOutOfRangeException> [ "learning rate"; "learningRate" ] (fun () -> adam.Step(bad))
        }
    ]
