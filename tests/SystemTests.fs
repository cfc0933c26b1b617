module NeuroDyn.Tests.SystemTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Data

[<Tests>]
let tests =
    testList "systems" [
        test "Lorenz-63 refuses σ ≤ 0 and β ≤ 0 at once, naming the parameter" {
            for sigma in [ -1.0; 0.0; nan ] do
                Throws.withMessage<ArgumentOutOfRangeException> [ "sigma"; "Prandtl number σ must be a finite number > 0" ] (fun () -> Lorenz63(sigma = sigma) |> ignore)
            for beta in [ -1.0; 0.0; infinity ] do
                Throws.withMessage<ArgumentOutOfRangeException> [ "beta"; "β must be a finite number > 0" ] (fun () -> Lorenz63(beta = beta) |> ignore)
            // the data set builds its system first, so a negative β is refused before any integration
            Throws.withMessage<ArgumentOutOfRangeException> [ "beta = -1" ] (fun () -> LorenzDataset.Generate(LorenzDataOptions(Beta = -1.0)) |> ignore)
            Expect.equal (Lorenz63(rho = -5.0)).Rho -5.0 "ρ may be any finite number"
        }
        test "a step budget exhausted while the state grows a thousandfold is named a blow-up" {
            // dx/dt = x², x(0) = 1: x = 1/(1 − t); 200 steps of Dopri5 at rtol 1e-6 end at x ≈ 4e6, short of the underflow near t = 1
            let square = { new IVectorField with
                             member _.Dimension = 1
                             member _.Evaluate(s, d) = d.[0] <- s.[0] * s.[0]
                             member _.Jacobian(s, j) = j.[0] <- 2.0 * s.[0] }
            let blowUp = Ode.Solve(square, [| 1.0 |], 0.0, 2.0, OdeOptions(Rtol = 1e-6, MaxSteps = 200L))
            Expect.isFalse blowUp.Success "fails"
            Expect.stringContains blowUp.Message "MaxSteps = 200" "names the budget"
            Expect.stringContains blowUp.Message "appears to blow up" "names the blow-up"
            let last = blowUp.States.[blowUp.States.GetLength(0) - 1, 0]
            Expect.isGreaterThan last 1e3 "the state did grow past the threshold"
            // a bounded solution that merely needs more steps gets no such note
            let bounded = Ode.Solve(Lorenz63(), [| 1.0; 1.0; 1.0 |], 0.0, 10.0, OdeOptions(Rtol = 1e-8, MaxSteps = 50L))
            Expect.stringContains bounded.Message "Raise MaxSteps" "budget advice"
            Expect.isFalse (bounded.Message.Contains "blow up") "no blow-up claimed"
        }
    ]
