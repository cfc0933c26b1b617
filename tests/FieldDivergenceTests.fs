/// The divergence ∇·f by central differences, against divergences known in closed form.
module NeuroDyn.Tests.FieldDivergenceTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Analysis

/// f = (sin x + y², y³/3 + xz, e^{−z} cos x): every component depends on the others, and ∇·f = cos x + y² − e^{−z} cos x varies.
let private curved =
    { new IVectorField with
        member _.Dimension = 3
        member _.Evaluate(s, d) =
            d.[0] <- sin s.[0] + s.[1] * s.[1]
            d.[1] <- s.[1] ** 3.0 / 3.0 + s.[0] * s.[2]
            d.[2] <- exp (-s.[2]) * cos s.[0]
        member _.Jacobian(s, j) =
            j.[0] <- cos s.[0]; j.[1] <- 2.0 * s.[1]; j.[2] <- 0.0
            j.[3] <- s.[2]; j.[4] <- s.[1] * s.[1]; j.[5] <- s.[0]
            j.[6] <- -exp (-s.[2]) * sin s.[0]; j.[7] <- 0.0; j.[8] <- -exp (-s.[2]) * cos s.[0] }

[<Tests>]
let tests =
    testList "field divergence" [
        test "∇·f of Lorenz-63 is −(σ + 1 + β) at every state, within 1e-6" {
            // Lorenz's f is at most quadratic, and each fᵢ is linear in xᵢ: central differences have no truncation error, only
            // rounding, ≈ ε·|fᵢ|/hᵢ with hᵢ = ε^{1/3}·max(1, |xᵢ|) — below 1e-8 on the attractor and at the far states below.
            for sigma, rho, beta in [ 10.0, 28.0, 8.0 / 3.0; 16.0, 45.92, 4.0 ] do
                let lorenz = Lorenz63(sigma, rho, beta)
                let analytic = -(sigma + 1.0 + beta)
                let orbit = Trajectories.SampleRk4(lorenz, [| 1.0; 1.0; 1.0 |], 0.01, 2_000, transientSteps = 1_000)
                let along = FieldDivergence.Along(lorenz, orbit)
                Expect.equal along.Length 2_000 "one value per state"
                for value in along do Expect.floatClose { absolute = 1e-6; relative = 0.0 } value analytic $"∇·f on the attractor (σ {sigma}, β {beta})"
                for far in [ [| 0.0; 0.0; 0.0 |]; [| 1e3; -1e3; 500.0 |]; [| -3e-7; 2e-9; 1e4 |] ] do
                    Expect.floatClose { absolute = 1e-6; relative = 0.0 } (FieldDivergence.At(lorenz, far)) analytic $"∇·f at {far}"
        }

        test "∇·f of a non-polynomial field follows its closed form within 1e-7" {
            // truncation error hᵢ²/6·|∂³fᵢ/∂xᵢ³| ≤ (6e-6·3)²/6·2 ≈ 1e-10 for |xᵢ| ≤ 3, rounding ε·|f|/h ≈ 1e-10: 1e-7 leaves room
            let random = Random 5
            let states = Array2D.init 200 3 (fun _ _ -> 6.0 * random.NextDouble() - 3.0)
            let along = FieldDivergence.Along(curved, states)
            for row in 0 .. 199 do
                let x, y, z = states.[row, 0], states.[row, 1], states.[row, 2]
                let exact = cos x + y * y - exp (-z) * cos x
                Expect.floatClose { absolute = 1e-7; relative = 0.0 } along.[row] exact $"∇·f at row {row}"
                Expect.equal (FieldDivergence.At(curved, [| x; y; z |])) along.[row] "one state or a trajectory give the same value"
        }

        test "states of the wrong shape or with NaN are refused, naming what is wrong" {
            let lorenz = Lorenz63()
            Throws.withMessage<ArgumentException> [ "states has 2 columns"; "dimension 3" ] (fun () -> FieldDivergence.Along(lorenz, Array2D.zeroCreate 4 2) |> ignore)
            let withNan = Array2D.create 3 3 1.0
            withNan.[1, 2] <- nan
            Throws.withMessage<ArgumentException> [ "states[1, 2] is NaN" ] (fun () -> FieldDivergence.Along(lorenz, withNan) |> ignore)
            Throws.withMessage<ArgumentException> [ "state has 2 entries" ] (fun () -> FieldDivergence.At(lorenz, [| 1.0; 2.0 |]) |> ignore)
        }
    ]
