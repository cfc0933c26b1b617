module NeuroDyn.Tests.PoincareSectionTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Analysis

let private lorenz = Lorenz63()
let private x0 = [| 1.0; 1.0; 1.0 |]

/// Lorenz-63 that returns NaN once z exceeds 30.
let private nanAboveZ30 =
    { new IVectorField with
        member _.Dimension = 3
        member _.Evaluate(s: ReadOnlySpan<float>, d: Span<float>) =
            lorenz.Evaluate(s, d)
            if s.[2] > 30.0 then d.Fill Double.NaN
        member _.Jacobian(s: ReadOnlySpan<float>, j: Span<float>) = lorenz.Jacobian(s, j) }

[<Tests>]
let tests =
    testList "PoincareSection" [
        testCase "crossings of z = 27 lie on the plane to 1e-10 and agree with an independent tight integration at their times" <| fun () ->
            // span 5: the Lyapunov growth e^(0.9·5) ≈ 90 keeps both integrations' global errors near 1e-10
            let plane = Hyperplane.Coordinate(3, 2, 27.0)
            let options = SectionOptions(MaxTime = 5.0, Rtol = 1e-12, Atol = 1e-12)
            let c = PoincareSection.Crossings(lorenz, x0, plane, options, recordedCoordinate = 2)
            Expect.isFalse c.Complete "ends by MaxTime"
            for k in 0 .. c.Count - 1 do
                Expect.isLessThanOrEqual (abs (c.States.[k, 2] - 27.0)) 1e-10 $"crossing {k} on the plane"
                Expect.equal c.Values.[k] c.States.[k, 2] "Values holds the recorded coordinate"
            // the reference: DOP853 at rtol 1e-13 evaluated at the found times by its own dense output; a crossing located only to
            // the step size (~0.01, |ż| ~ 100) would miss the plane by about 1
            let reference = Ode.Solve(lorenz, x0, 0.0, 5.0, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-13, Atol = 1e-13, TEval = c.Times))
            for k in 0 .. c.Count - 1 do
                for i in 0 .. 2 do
                    Expect.isLessThanOrEqual (abs (reference.States.[k, i] - c.States.[k, i])) 1e-7 $"crossing {k}, coordinate {i}"
            // every sign change of z − 27 on a fine reference grid is found once
            let grid = Array.init 5000 (fun k -> 0.001 * float (k + 1))
            let fine = Ode.Solve(lorenz, x0, 0.0, 5.0, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-13, Atol = 1e-13, TEval = grid))
            let changes = Seq.init 4999 (fun k -> sign (fine.States.[k, 2] - 27.0) <> sign (fine.States.[k + 1, 2] - 27.0)) |> Seq.filter id |> Seq.length
            Expect.isGreaterThan c.Count 3 "several crossings in 5 time units"
            Expect.equal c.Count changes "as many crossings as sign changes on a 0.001 grid"

        testCase "directions: increasing and decreasing crossings alternate and together make all crossings" <| fun () ->
            let options = SectionOptions(MaxTime = 20.0)
            let count direction = (PoincareSection.Crossings(lorenz, x0, Hyperplane.Coordinate(3, 2, 27.0, direction), options)).Count
            let up, down, both = count CrossingDirection.Increasing, count CrossingDirection.Decreasing, count CrossingDirection.Both
            Expect.equal (up + down) both "up + down = both"
            Expect.isLessThanOrEqual (abs (up - down)) 1 "they alternate"

        testCase "Lorenz's z-maxima map is a single-valued cusp: rising to a peak near z = 38.5, falling after it" <| fun () ->
            let maxima = PoincareSection.Maxima(lorenz, x0, 2, SectionOptions(Transient = 20.0, MaxEvents = 2000))
            Expect.isTrue maxima.Complete maxima.Message
            let map = maxima.ReturnMap()
            Expect.equal (Array2D.length1 map) 1999 "pairs of consecutive maxima"
            let pairs = Array.init 1999 (fun k -> map.[k, 0], map.[k, 1]) |> Array.sortBy fst
            let peak = pairs |> Array.maxBy snd |> fst
            Expect.isTrue (peak > 37.0 && peak < 40.0) $"the cusp at z_n = {peak} (Lorenz 1963, Fig. 4: about 38.5)"
            // one curve: ordered by z_n, z_(n+1) rises before the peak and falls after it; a violation by more than 0.05 (the
            // attractor's thickness is far below that) would mean two values of z_(n+1) for one z_n
            let violations ascending (points: (float * float)[]) =
                points |> Array.pairwise |> Array.filter (fun ((_, b1), (_, b2)) -> if ascending then b2 < b1 - 0.05 else b2 > b1 + 0.05) |> Array.length
            Expect.equal (violations true (pairs |> Array.filter (fun (a, _) -> a < peak))) 0 "rising branch"
            Expect.equal (violations false (pairs |> Array.filter (fun (a, _) -> a > peak))) 0 "falling branch"
            for k in 0 .. maxima.Count - 1 do
                let d = lorenz.Evaluate(maxima.States.[k, *])
                Expect.isLessThanOrEqual (abs d.[2]) 1e-8 "dz/dt = 0 at a maximum"

        testCase "maxima of a sampled series: a sine's peaks to the parabola's (ωh)⁴ error, Lorenz's z-maxima as the dense-output ones" <| fun () ->
            // sin(ωt + φ) sampled at h = 0.1, ω = 1.3: every peak is 1; the parabola through three samples misses it by O((ωh)⁴)
            // (6.7e-6 at the worst sampling offset, computed by hand), so (ωh)⁴/8 = 3.6e-5 bounds it, while the raw samples miss
            // by up to 1 − cos(ωh/2) = 2.1e-3
            let h, omega, phase = 0.1, 1.3, 0.37
            let sine = Array2D.init 2000 1 (fun i _ -> sin (omega * float i * h + phase))
            let peaks = SampledMaxima.Of(sine, 0)
            Expect.equal peaks.Length 42 "one peak per period: 200 time units hold 41.4 periods of 2π/1.3"
            for p in peaks do Expect.floatClose { absolute = (omega * h) ** 4.0 / 8.0; relative = 0.0 } p 1.0 "a peak of the sine"
            // Lorenz sampled at the data's dt = 0.01 by DOP853 against PoincareSection's events on the same trajectory over 15 time units
            // (the integrations' 1e-11 errors grow by e^(0.9·15) ≈ 7e5 to 1e-5): the parabola's error is of order A·(h/τ)⁴ with
            // z's amplitude A ≈ 40 and its time scale at a maximum τ ≈ 0.1, 4e-3, hence 5e-3
            let grid = Array.init 1501 (fun k -> float k * 0.01)
            let sampled = (Ode.Solve(lorenz, x0, 0.0, 15.0, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-11, Atol = 1e-11, TEval = grid))).States
            let fromSamples = SampledMaxima.Of(sampled, 2)
            let exact = PoincareSection.Maxima(lorenz, x0, 2, SectionOptions(MaxTime = 15.0, MaxEvents = 100))
            let n = min fromSamples.Length exact.Count
            Expect.isGreaterThanOrEqual n 15 "about 20 maxima in 15 time units"
            for k in 0 .. n - 1 do
                Expect.floatClose { absolute = 5e-3; relative = 0.0 } fromSamples.[k] exact.Values.[k] $"maximum {k}"
            Expect.equal (SampledMaxima.ReturnMap [| 1.0; 2.0; 3.0 |]) (array2D [ [ 1.0; 2.0 ]; [ 2.0; 3.0 ] ]) "pairs of successive values"
            Throws.withMessage<ArgumentException> [ "series[3, 0]"; "not finite" ] (fun () -> SampledMaxima.Of(array2D [ [ 0.0 ]; [ 1.0 ]; [ 0.0 ]; [ nan ] ], 0) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "coordinate"; "0..0" ] (fun () -> SampledMaxima.Of(sine, 1) |> ignore)

        testCase "a section never crossed: incomplete, with the reason, after MaxTime" <| fun () ->
            let c = PoincareSection.Crossings(lorenz, x0, Hyperplane.Coordinate(3, 2, 1000.0), SectionOptions(MaxTime = 50.0))
            Expect.isFalse c.Complete "never crossed"
            Expect.equal c.Count 0 "no crossings"
            Expect.stringContains c.Message "never reached the section" c.Message

        testCase "a field that returns NaN: incomplete, naming where" <| fun () ->
            let c = PoincareSection.Maxima(nanAboveZ30, x0, 2, SectionOptions(MaxTime = 50.0))
            Expect.isFalse c.Complete "NaN stops the trajectory"
            Expect.stringContains c.Message "non-finite value" c.Message

        testCase "bad arguments name themselves" <| fun () ->
            Throws.withMessage<ArgumentException> [ "plane"; "all zeros" ] (fun () ->
                PoincareSection.Crossings(lorenz, x0, Hyperplane([| 0.0; 0.0; 0.0 |], 1.0)) |> ignore)
            Throws.withMessage<ArgumentException> [ "plane"; "dimension 3" ] (fun () ->
                PoincareSection.Crossings(lorenz, x0, Hyperplane([| 1.0 |], 1.0)) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "coordinate"; "0..2" ] (fun () -> PoincareSection.Maxima(lorenz, x0, 3) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "MaxTime" ] (fun () ->
                PoincareSection.Maxima(lorenz, x0, 2, SectionOptions(MaxTime = Double.PositiveInfinity)) |> ignore)
    ]
