module NeuroDyn.Tests.TorchRuntimeTests

open Expecto
open TorchSharp
open NeuroDyn.Torch

[<Tests>]
let tests =
    testList "torch runtime" [
        test "tensors and autograd work: d/dx sum(x^3) = 3x^2" {
            TorchRuntime.Initialize() |> ignore
            let x = torch.tensor([| 1.0; -2.0; 0.5 |], requires_grad = true)
            let y = (x * x * x).sum()
            y.backward()
            let g = x.grad.data<float>().ToArray()
            // exact in double precision: 3, 12, 0.75 are representable and the graph has two multiplies
            Expect.sequenceEqual g [| 3.0; 12.0; 0.75 |] "gradient of x^3"
        }
    ]
