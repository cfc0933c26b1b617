module NeuroDyn.Tests.BifurcationTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Analysis

let private sigma, beta = 10.0, 8.0 / 3.0
/// The Hopf point of C± (Lorenz 1963; Sparrow 1982): ρ_H = σ(σ + β + 3)/(σ − β − 1) = 470/19 for σ = 10, β = 8/3.
let private rhoHopf = sigma * (sigma + beta + 3.0) / (sigma - beta - 1.0)

/// The origin branch from ρ = 0.5 to 30, its pitchfork, and C₊ and C₋ switched onto from it, computed once.
let private branches =
    lazy (
        let options = ContinuationOptions(ParameterMax = 30.0)
        let system = Lorenz63(rho = 0.5)
        let origin = Continuation.Equilibria(system, "rho", [| 0.0; 0.0; 0.0 |], options)
        let pitchfork = origin.Bifurcations |> Seq.find (fun b -> b.Kind = BifurcationKind.BranchPoint)
        origin, pitchfork, Continuation.SwitchBranch(system, "rho", pitchfork, 1, options), Continuation.SwitchBranch(system, "rho", pitchfork, -1, options))

[<Tests>]
let tests =
    testList "Bifurcations" [
        testCase "Lorenz origin branch: the pitchfork at ρ = 1 within 1e-6, stable before it and a saddle after" <| fun () ->
            let origin, pitchfork, _, _ = branches.Force()
            Expect.stringContains origin.Message "ParameterMax" origin.Message
            Expect.equal (origin.Bifurcations |> Seq.map (fun b -> b.Kind) |> List.ofSeq) [ BifurcationKind.BranchPoint ] "one bifurcation on the origin branch up to ρ = 30"
            Expect.isLessThanOrEqual (abs (pitchfork.Parameter - 1.0)) 1e-6 $"ρ = {pitchfork.Parameter:R}"
            for p in origin.Points do
                Expect.isLessThanOrEqual (p.State |> Array.map abs |> Array.max) 1e-10 "the origin stays the origin"
                if p.Parameter < 0.999 then Expect.isTrue p.Stable $"stable at ρ = {p.Parameter}"
                if p.Parameter > 1.001 then Expect.equal p.UnstableCount 1 $"one unstable direction at ρ = {p.Parameter}"

        testCase "C± from branch switching: the analytic fixed points (±√(β(ρ−1)), ±√(β(ρ−1)), ρ−1) to 1e-9 along the branch" <| fun () ->
            let _, _, plus, minus = branches.Force()
            for branch, sign in [ plus, 1.0; minus, -1.0 ] do
                Expect.isGreaterThan branch.Points.Count 20 "a branch, not a point"
                Expect.isGreaterThan (branch.Points |> Seq.map (fun p -> p.Parameter) |> Seq.max) 29.0 "runs to ρ = 30"
                for p in branch.Points do
                    let c = sign * sqrt (beta * (p.Parameter - 1.0))
                    let expected = [| c; c; p.Parameter - 1.0 |]
                    let error = Array.map2 (fun a b -> abs (a - b)) p.State expected |> Array.max
                    Expect.isLessThanOrEqual error 1e-9 $"C at ρ = {p.Parameter}"

        testCase "C± lose stability at the Hopf point ρ_H = σ(σ + β + 3)/(σ − β − 1) = 24.7368…, found within 1e-6" <| fun () ->
            let _, _, plus, minus = branches.Force()
            for branch in [ plus; minus ] do
                let hopf = branch.Bifurcations |> Seq.filter (fun b -> b.Kind = BifurcationKind.Hopf) |> List.ofSeq
                Expect.equal hopf.Length 1 "one Hopf point on C± below ρ = 30"
                Expect.isLessThanOrEqual (abs (hopf.Head.Parameter - rhoHopf)) 1e-6 $"ρ_H = {hopf.Head.Parameter:R} against {rhoHopf:R}"
                // at C± the characteristic polynomial is λ³ + (σ + β + 1)λ² + β(σ + ρ)λ + 2σβ(ρ − 1); at ρ_H its roots ±iω have ω² = β(σ + ρ_H)
                let omega = sqrt (beta * (sigma + rhoHopf))
                let critical = hopf.Head.Eigenvalues |> Array.maxBy (fun l -> l.Imaginary)
                Expect.isLessThanOrEqual (abs critical.Real) 1e-6 "on the imaginary axis"
                Expect.isLessThanOrEqual (abs (critical.Imaginary - omega)) 1e-6 $"ω = {critical.Imaginary} against {omega}"
                for p in branch.Points do
                    if p.Parameter > 1.001 && p.Parameter < rhoHopf - 1e-3 then Expect.isTrue p.Stable $"C stable at ρ = {p.Parameter}"
                    if p.Parameter > rhoHopf + 1e-3 then Expect.equal p.UnstableCount 2 $"an unstable pair at ρ = {p.Parameter}"

        testCase "a parameter leaving its range ends the branch with the reason; bad parameters are refused, named" <| fun () ->
            // continuing σ downwards must stop where σ ≤ 0 becomes invalid for Lorenz63
            let branch = Continuation.Equilibria(Lorenz63(sigma = 1.0, rho = 0.5), "sigma", [| 0.0; 0.0; 0.0 |], ContinuationOptions(Direction = -1, MaxStep = 0.1))
            Expect.stringContains branch.Message "left its range" branch.Message
            Expect.isTrue (branch.Points |> Seq.forall (fun p -> p.Parameter > 0.0)) "every point has σ > 0"
            Throws.withMessage<ArgumentException> [ "gamma"; "sigma, rho, beta" ] (fun () ->
                Continuation.Equilibria(Lorenz63(), "gamma", [| 0.0; 0.0; 0.0 |]) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "rho = 28"; "ParameterMin" ] (fun () ->
                Continuation.Equilibria(Lorenz63(), "rho", [| 0.0; 0.0; 0.0 |], ContinuationOptions(ParameterMin = 30.0, ParameterMax = 40.0)) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "beta" ] (fun () -> Lorenz63().WithParameter("beta", -1.0) |> ignore)
            let notEquilibrium = Continuation.Equilibria(Lorenz63(), "rho", [| 5.0; -3.0; 100.0 |], ContinuationOptions(MaxNewtonIterations = 2))
            Expect.isEmpty notEquilibrium.Points "no branch from a point far from any equilibrium"
            Expect.stringContains notEquilibrium.Message "not near an equilibrium" notEquilibrium.Message

        testCase "orbit diagram of Lorenz z-maxima over ρ: chaos at 28, periodic windows at 160 and 350, independent of the thread count" <| fun () ->
            let rhos = [| 28.0; 160.0; 350.0; 60.0 |]
            let options (threads: int) = OrbitDiagramOptions(Threads = Nullable threads)
            let one = OrbitDiagram.OfMaxima(Lorenz63(), "rho", rhos, [| 1.0; 1.0; 1.0 |], 2, options 1)
            let two = OrbitDiagram.OfMaxima(Lorenz63(), "rho", rhos, [| 1.0; 1.0; 1.0 |], 2, options 2)
            for a, b in Seq.zip one.Columns two.Columns do
                Expect.equal a.Values b.Values $"ρ = {a.Parameter}: the same numbers on 1 and 2 threads"
                Expect.isTrue a.Complete a.Message
                Expect.equal a.Values.Length 200 "200 maxima per value"
            let distinct (c: OrbitDiagramColumn) = c.Values |> Array.map (fun v -> round (v * 100.0)) |> Array.distinct |> Array.length
            Expect.isGreaterThan (distinct one.Columns.[0]) 100 "chaos at ρ = 28: the maxima fill a band"
            Expect.isLessThanOrEqual (distinct one.Columns.[1]) 4 "the period-doubled window near ρ = 160: a few values"
            Expect.isLessThanOrEqual (distinct one.Columns.[2]) 2 "the symmetric periodic orbit at ρ = 350"
            Throws.withMessage<ArgumentOutOfRangeException> [ "sigma" ] (fun () ->
                OrbitDiagram.OfMaxima(Lorenz63(), "sigma", [| 10.0; -1.0 |], [| 1.0; 1.0; 1.0 |], 2) |> ignore)

        testCase "orbit diagram where the attractor is an equilibrium: incomplete columns that say so, no hang" <| fun () ->
            // for ρ < 1 the origin attracts along real eigenvectors: z soon has no more maxima
            let diagram = OrbitDiagram.OfMaxima(Lorenz63(), "rho", [| 0.5 |], [| 1.0; 1.0; 1.0 |], 2,
                                                OrbitDiagramOptions(Section = SectionOptions(Transient = 10.0, MaxEvents = 10, MaxTime = 100.0)))
            let column = diagram.Columns.[0]
            Expect.isFalse column.Complete "no 10 maxima near a stable node"
            Expect.stringContains column.Message "MaxTime" column.Message
    ]
