module NeuroDyn.Tests.PeriodicOrbitTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Analysis

let private lorenz = Lorenz63()

/// A linear planar field dx/dt = A·x + b, for small systems with a known lack of a periodic orbit.
let private linear (a: float[]) (b: float[]) =
    { new IVectorField with
        member _.Dimension = 2
        member _.Evaluate(s: ReadOnlySpan<float>, d: Span<float>) =
            d.[0] <- a.[0] * s.[0] + a.[1] * s.[1] + b.[0]
            d.[1] <- a.[2] * s.[0] + a.[3] * s.[1] + b.[1]
        member _.Jacobian(_: ReadOnlySpan<float>, j: Span<float>) = a.CopyTo(j) }

/// Lorenz-63 that returns NaN once z exceeds 30: a model that breaks down in part of its state space.
let private nanAboveZ30 =
    { new IVectorField with
        member _.Dimension = 3
        member _.Evaluate(s: ReadOnlySpan<float>, d: Span<float>) =
            lorenz.Evaluate(s, d)
            if s.[2] > 30.0 then d.Fill Double.NaN
        member _.Jacobian(s: ReadOnlySpan<float>, j: Span<float>) = lorenz.Jacobian(s, j) }

/// Periodic orbits of the Lorenz attractor from the near-returns of one trajectory (default options), found once for all tests.
let private search = lazy (PeriodicOrbits.Find(lorenz, [| 1.0; 1.0; 1.0 |]))

/// The orbit's symbol word: at each downward crossing of z = ρ − 1 = 27 over one period, A if x > 0, else B (the
/// coding Viswanath 2003 uses, up to the choice of the section).
let private word (orbit: PeriodicOrbit) =
    let plane = Hyperplane.Coordinate(3, 2, 27.0, CrossingDirection.Decreasing)
    let c = PoincareSection.Crossings(lorenz, orbit.State, plane, SectionOptions(MaxTime = orbit.Period, MaxEvents = 100))
    String(Array.init c.Count (fun k -> if c.States.[k, 0] > 0.0 then 'A' else 'B'))

/// A word up to where the period starts (rotations) and the symmetry (x, y, z) → (−x, −y, z) (A ↔ B): the least variant.
let private canonical (w: string) =
    let swap = String(w.ToCharArray() |> Array.map (fun c -> if c = 'A' then 'B' else 'A'))
    [ for v in [ w; swap ] do for k in 0 .. v.Length - 1 -> v.Substring k + v.Substring(0, k) ] |> List.min

/// The shortest Lorenz orbits and their periods as published by Viswanath (2003), Table 1.
let private published = [ "AB", 1.558652; "AAB", 2.305907; "AAAB", 3.023584; "AABB", 3.084277 ]

let private orbitWithWord (w: string) =
    search.Force().Orbits |> Seq.tryFind (fun o -> canonical (word o) = canonical w)

[<Tests>]
let tests =
    testList "PeriodicOrbits" [
        testCase "Lorenz: AB, AAB, AAAB, AABB found with Viswanath's periods (relative error ≤ 1e-6, the rounding of the published 7 digits)" <| fun () ->
            for w, period in published do
                match orbitWithWord w with
                | None -> failtestf "no orbit with the word %s among the periods %A" w (search.Force().Orbits |> Seq.map (fun o -> o.Period) |> List.ofSeq)
                | Some orbit ->
                    Expect.isTrue orbit.Converged orbit.Message
                    let relative = abs (orbit.Period - period) / period
                    Expect.isLessThanOrEqual relative 1e-6 $"{w}: period {orbit.Period:R} against the published {period}"

        testCase "Lorenz orbits close to 1e-8 under an independent DOP853 integration at rtol 1e-13" <| fun () ->
            for w, _ in published do
                let orbit = (orbitWithWord w).Value
                let check = Ode.Solve(lorenz, orbit.State, 0.0, orbit.Period, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-13, Atol = 1e-13, TEval = [| orbit.Period |]))
                let closing = Array.init 3 (fun i -> abs (check.States.[0, i] - orbit.State.[i])) |> Array.max
                Expect.isLessThanOrEqual closing 1e-8 $"{w}: |φ_T(x) − x| under the independent integration"
                Expect.isLessThanOrEqual orbit.Iterations 20 $"{w}: Newton steps from its near-return"

        testCase "Floquet multipliers: one is 1; for AB their product is exp(−(σ + 1 + β)T) (Liouville) and one is unstable" <| fun () ->
            for w, _ in published do
                let orbit = (orbitWithWord w).Value
                let trivial = orbit.FloquetMultipliers |> Array.map (fun m -> (m - Numerics.Complex.One).Magnitude) |> Array.min
                // M is accurate to about the integration tolerance times its norm (≤ 20), so the trivial multiplier to 1e-8
                Expect.isLessThanOrEqual trivial 1e-8 $"{w}: the multiplier along the flow"
                Expect.equal orbit.UnstableMultipliers 1 $"{w}: one unstable direction (a saddle orbit of a 3-D flow)"
            // det M = Π μ = exp(∫ tr J dt) = exp(−(σ + 1 + β)T) ≈ 5.6e-10 for AB; for the longer orbits the smallest multiplier
            // (< 1e-13) is below the rounding of M's entries, so only AB can check it, to 1e-4 (entries accurate to ~1e-13)
            let ab = (orbitWithWord "AB").Value
            let det = ab.FloquetMultipliers |> Array.fold (fun p m -> p * m) Numerics.Complex.One
            let liouville = exp (lorenz.Divergence * ab.Period)
            Expect.isLessThanOrEqual (abs (det.Real / liouville - 1.0)) 1e-4 $"det M = {det.Real:G6}, Liouville {liouville:G6}"

        testCase "the orthogonality phase condition finds the same AB orbit" <| fun () ->
            let ab = (orbitWithWord "AB").Value
            let nudged = ab.State |> Array.map (fun v -> v + 1e-3)
            let orbit = PeriodicOrbits.Shoot(lorenz, nudged, ab.Period * 1.001, ShootingOptions(Phase = PhaseCondition.Orthogonality))
            Expect.isTrue orbit.Converged orbit.Message
            Expect.isLessThanOrEqual (abs (orbit.Period - ab.Period)) 1e-9 "the same period"

        testCase "near-returns are seeds: distances below the threshold, periods inside the window, distinct orbits once" <| fun () ->
            let s = search.Force()
            Expect.isNonEmpty s.Seeds "near-returns of a 200-time-unit trajectory"
            for seed in s.Seeds do
                Expect.isTrue (seed.Period >= 0.5 && seed.Period <= 4.0) $"period {seed.Period} in [MinPeriod, MaxPeriod]"
            let periods = s.Orbits |> Seq.map (fun o -> o.Period) |> Array.ofSeq
            Expect.equal periods (Array.sort periods) "shortest first"
            for o in s.Orbits do Expect.isLessThanOrEqual o.ClosingError 1e-10 "each kept orbit converged to the tolerance"

        testCase "a field that returns NaN: Converged = false with the reason" <| fun () ->
            let ab = (orbitWithWord "AB").Value
            let orbit = PeriodicOrbits.Shoot(nanAboveZ30, ab.State, ab.Period)
            Expect.isFalse orbit.Converged "NaN along the orbit"
            Expect.stringContains orbit.Message "non-finite" orbit.Message
            Expect.isEmpty orbit.FloquetMultipliers "no multipliers without an orbit"

        testCase "a Newton iteration that diverges: Converged = false with the reason, in bounded time" <| fun () ->
            // an unstable focus (e^t growth, rotation period 2π): the only invariant point is the origin, which the Poincaré
            // phase condition through (1, 0) excludes, so Newton cannot converge
            let focus = linear [| 1.0; -1.0; 1.0; 1.0 |] [| 0.0; 0.0 |]
            let orbit = PeriodicOrbits.Shoot(focus, [| 1.0; 0.0 |], 6.0)
            Expect.isFalse orbit.Converged "no periodic orbit"
            Expect.isTrue (orbit.Message.Contains "diverged" || orbit.Message.Contains "Not converged" || orbit.Message.Contains "singular") orbit.Message
            // a constant drift: φ_T(x) = x + (T, 0) never closes and the Newton matrix is singular
            let drift = linear [| 0.0; 0.0; 0.0; 0.0 |] [| 1.0; 0.0 |]
            let stuck = PeriodicOrbits.Shoot(drift, [| 0.0; 0.0 |], 1.0)
            Expect.isFalse stuck.Converged "no periodic orbit"
            Expect.stringContains stuck.Message "singular" stuck.Message

        testCase "an equilibrium seed and bad arguments are refused, naming the argument" <| fun () ->
            let atRest = PeriodicOrbits.Shoot(lorenz, [| 0.0; 0.0; 0.0 |], 1.0)
            Expect.isFalse atRest.Converged "the origin is an equilibrium"
            Expect.stringContains atRest.Message "equilibrium" atRest.Message
            Throws.withMessage<ArgumentOutOfRangeException> [ "seedPeriod" ] (fun () -> PeriodicOrbits.Shoot(lorenz, [| 1.0; 1.0; 1.0 |], -1.0) |> ignore)
            Throws.withMessage<ArgumentException> [ "seedState" ] (fun () -> PeriodicOrbits.Shoot(lorenz, [| 1.0; 1.0 |], 1.0) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "MaxPeriod" ] (fun () ->
                PeriodicOrbits.NearReturns(lorenz, [| 1.0; 1.0; 1.0 |], NearReturnOptions(MinPeriod = 2.0, MaxPeriod = 1.0)) |> ignore)
            Throws.withMessage<InvalidOperationException> [ "non-finite value" ] (fun () -> PeriodicOrbits.NearReturns(nanAboveZ30, [| 1.0; 1.0; 1.0 |]) |> ignore)
            let broken = linear [| Double.NaN; 0.0; 0.0; 0.0 |] [| 1.0; 0.0 |]
            let nanSeed = PeriodicOrbits.Shoot(broken, [| 1.0; 0.0 |], 1.0)
            Expect.isFalse nanSeed.Converged "NaN at the seed"
            Expect.stringContains nanSeed.Message "not finite" nanSeed.Message
    ]
