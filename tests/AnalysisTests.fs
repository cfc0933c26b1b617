module NeuroDyn.Tests.AnalysisTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Analysis

/// A vector field from closures, for small test systems with known answers.
let private field (n: int) (f: float[] -> float[]) (jacobian: float[] -> float[]) =
    { new IVectorField with
        member _.Dimension = n
        member _.Evaluate(state: ReadOnlySpan<float>, derivative: Span<float>) = (f (state.ToArray())).CopyTo(derivative)
        member _.Jacobian(state: ReadOnlySpan<float>, jacobian': Span<float>) = (jacobian (state.ToArray())).CopyTo(jacobian') }

let private lorenz = Lorenz63()

/// The same field seen only through IVectorField, so that analyses must form its dense Jacobian (no IJacobianProduct).
let private denseOnly (f: IVectorField) =
    { new IVectorField with
        member _.Dimension = f.Dimension
        member _.Evaluate(state: ReadOnlySpan<float>, derivative: Span<float>) = f.Evaluate(state, derivative)
        member _.Jacobian(state: ReadOnlySpan<float>, jacobian: Span<float>) = f.Jacobian(state, jacobian) }

/// One Lorenz-63 spectrum shared by the spectrum, sum and Kaplan–Yorke tests: T = 2000 after a transient of 100.
let private lorenzSpectrum =
    lazy (LyapunovSpectrum.Compute(lorenz, [| 1.0; 1.0; 1.0 |], LyapunovOptions(Steps = 200_000, TransientSteps = 10_000, Dt = 0.01)))

/// 20 000 samples (200 time units) of the Lorenz attractor from two initial states, and Rössler for contrast.
let private lorenzA = lazy (Trajectories.SampleRk4(lorenz, [| 1.0; 1.0; 1.0 |], 0.01, 20_000, transientSteps = 2_000))
let private lorenzB = lazy (Trajectories.SampleRk4(lorenz, [| -3.0; 2.0; 20.0 |], 0.01, 20_000, transientSteps = 2_000))

/// Rössler samples mapped coordinate-wise to the mean and standard deviation of the Lorenz data, so that only the shape differs.
let private rosslerLikeLorenz =
    lazy (
        let rossler = Trajectories.SampleRk4(Rossler(), [| 1.0; 1.0; 1.0 |], 0.01, 20_000, transientSteps = 2_000)
        let target = lorenzA.Force()
        let moments (m: float[,]) d =
            let column = Array.init (Array2D.length1 m) (fun i -> m.[i, d])
            let mean = Array.average column
            mean, sqrt (Array.averageBy (fun v -> (v - mean) ** 2.0) column)
        let source, goal = Array.init 3 (moments rossler), Array.init 3 (moments target)
        Array2D.init 20_000 3 (fun i d ->
            let (ms, ss), (mt, st) = source.[d], goal.[d]
            (rossler.[i, d] - ms) / ss * st + mt))

let private roots (a: float) (b: float) (c: float) =
    // λ³ + aλ² + bλ + c = 0 with one real root r (found by bisection) and the quadratic λ² + (a + r)λ + (b + r(a + r)) for the pair
    let p l = ((l + a) * l + b) * l + c
    let mutable lo, hi = -100.0, 0.0
    for _ in 1..200 do
        let mid = 0.5 * (lo + hi)
        if p lo * p mid <= 0.0 then hi <- mid else lo <- mid
    let r = 0.5 * (lo + hi)
    let b1, c1 = a + r, b + r * (a + r)
    r, Numerics.Complex(-b1 / 2.0, sqrt (4.0 * c1 - b1 * b1) / 2.0)

[<Tests>]
let tests =
    testList "analysis" [
        testList "trajectories" [
            test "RK4 sampling of the harmonic oscillator is fourth-order accurate" {
                let oscillator = field 2 (fun s -> [| s.[1]; -s.[0] |]) (fun _ -> [| 0.0; 1.0; -1.0; 0.0 |])
                let errorAt dt =
                    let samples = int (round (10.0 / dt)) + 1
                    let path = Trajectories.SampleRk4(oscillator, [| 1.0; 0.0 |], dt, samples)
                    abs (path.[samples - 1, 0] - cos 10.0)
                let coarse, fine = errorAt 0.02, errorAt 0.01
                // global error ∝ dt⁴: halving dt divides it by 16; 14–18 allows the next-order term
                Expect.isLessThan fine 1e-8 "error at t = 10 with dt = 0.01"
                Expect.floatClose { absolute = 2.0; relative = 0.0 } (coarse / fine) 16.0 "error ratio when halving dt"
            }
            test "a blowing-up system gets an error, not NaN rows" {
                let blowUp = field 1 (fun s -> [| s.[0] * s.[0] |]) (fun s -> [| 2.0 * s.[0] |])   // x(t) = 1/(1 − t)
                Expect.throwsT<InvalidOperationException> (fun () -> Trajectories.SampleRk4(blowUp, [| 1.0 |], 0.01, 300) |> ignore) "finite-time blow-up at t = 1"
            }
        ]

        testList "Lyapunov spectrum" [
            test "Lorenz-63 spectrum matches the published (0.9056, 0, −14.5723)" {
                let l = lorenzSpectrum.Force().Exponents
                // Sprott 2003 and Viswanath 1998 (λ1 = 0.905630). A finite average over T = 2000 fluctuates by a few 1e-3
                // (measured λ1 = 0.9024); 0.01 is three such fluctuations.
                Expect.floatClose { absolute = 0.01; relative = 0.0 } l.[0] 0.9056 "λ1"
                Expect.floatClose { absolute = 0.005; relative = 0.0 } l.[1] 0.0 "λ2 (flow direction)"
                Expect.floatClose { absolute = 0.01; relative = 0.0 } l.[2] -14.5723 "λ3"
            }
            test "Lorenz-63 exponents sum to the divergence −(σ + 1 + β) with fourth-order RK4 error" {
                let sumAt dt = LyapunovSpectrum.Compute(lorenz, [| 1.0; 1.0; 1.0 |], LyapunovOptions(Steps = int (200.0 / dt), TransientSteps = 1000, Dt = dt)).Sum
                let s1 = lorenzSpectrum.Force().Sum
                let coarse, fine = sumAt 0.01 - lorenz.Divergence, sumAt 0.005 - lorenz.Divergence
                // tr J is constant, so Σλ = −13.6667 exactly for the flow; what is left is the RK4 error of the tangent
                // map's determinant (measured 1.0e-4 at dt 0.01), shrinking 16-fold when dt halves
                Expect.floatClose { absolute = 2e-4; relative = 0.0 } s1 -13.666666666666666 "Σλ at dt = 0.01"
                Expect.isLessThan (abs fine) 2e-5 "Σλ error at dt = 0.005"
                Expect.floatClose { absolute = 3.0; relative = 0.0 } (coarse / fine) 16.0 "error ratio when halving dt"
            }
            test "Kaplan–Yorke dimension of Lorenz-63 is 2.062" {
                let d = Dimensions.KaplanYorke(lorenzSpectrum.Force().Exponents)
                // 2 + (λ1 + λ2)/|λ3| = 2 + 0.9056/14.5723; the 0.01 spectrum tolerance moves it by < 0.002
                Expect.floatClose { absolute = 0.003; relative = 0.0 } d 2.0621 "D_KY"
            }
            test "Kaplan–Yorke on hand-made spectra" {
                // exact arithmetic: j + partial sum / |next exponent|
                Expect.floatClose Accuracy.veryHigh (Dimensions.KaplanYorke [| 1.0; 0.0; -2.0 |]) 2.5 "(1, 0, −2)"
                Expect.floatClose Accuracy.veryHigh (Dimensions.KaplanYorke [| -2.0; 0.5; -1.0 |]) 1.5 "(0.5, −1, −2) unsorted"
                Expect.equal (Dimensions.KaplanYorke [| -1.0; -2.0 |]) 0.0 "stable point"
                Expect.equal (Dimensions.KaplanYorke [| 1.0; 0.5 |]) 2.0 "all partial sums positive"
            }
            test "Rössler (0.2, 0.2, 5.7) largest exponent is 0.0714" {
                let r = LyapunovSpectrum.Compute(Rossler(), [| 1.0; 1.0; 1.0 |], LyapunovOptions(Steps = 2_000_000, TransientSteps = 10_000, Count = Nullable 1))
                // Sprott 2003: 0.0714. Rössler converges slowly: averages over T = 10 000 and 20 000 from several initial
                // states and roundings fell in 0.0699–0.0723, so 0.003
                Expect.floatClose { absolute = 0.003; relative = 0.0 } r.Exponents.[0] 0.0714 "λ1"
                Expect.equal r.Exponents.Length 1 "only the requested exponent"
            }
            test "Van der Pol limit cycle has largest exponent 0" {
                let r = LyapunovSpectrum.Compute(VanDerPol(1.0), [| 1.0; 0.0 |], LyapunovOptions(Steps = 100_000))
                // the phase direction neither grows nor shrinks; over T = 1000 the estimate is off by O(1/T) (measured 3e-4)
                Expect.floatClose { absolute = 0.005; relative = 0.0 } r.Exponents.[0] 0.0 "λ1"
                Expect.isLessThan r.Exponents.[1] -0.5 "λ2: the cycle attracts"
            }
            test "Lorenz-63 Jacobian product equals the Jacobian times the vectors" {
                let random = Random 7
                let state = Array.init 3 (fun _ -> 20.0 * random.NextDouble() - 10.0)
                let vectors = Array.init 12 (fun _ -> 2.0 * random.NextDouble() - 1.0)   // four vectors, one after another
                let products = Array.zeroCreate 12
                lorenz.ApplyJacobian(ReadOnlySpan state, ReadOnlySpan vectors, Span products)
                let j = lorenz.Jacobian state
                for v in 0..3 do
                    for r in 0..2 do
                        let expected = Seq.sum (seq { for c in 0..2 -> j.[r, c] * vectors.[3 * v + c] })
                        // the same few products summed in another order: a few ulp of entries of size ≤ 40
                        Expect.floatClose { absolute = 1e-13; relative = 0.0 } products.[3 * v + r] expected $"vector {v}, row {r}"
            }
            test "the Jacobian-product path and the dense-Jacobian path give the same spectrum to rounding" {
                let options = LyapunovOptions(Steps = 20_000, TransientSteps = 1000)
                let viaProduct = LyapunovSpectrum.Compute(lorenz, [| 1.0; 1.0; 1.0 |], options).Exponents
                let viaDense = LyapunovSpectrum.Compute(denseOnly lorenz, [| 1.0; 1.0; 1.0 |], options).Exponents
                // the orbit is bit-identical (same f, same RK4); only J·q rounds differently, by ~1e-16 per step, and the
                // orthogonalised tangent vectors do not amplify it (measured difference 2e-16). A wrong Jacobian entry moves the
                // exponents by far more than 1e-9.
                for i in 0..2 do
                    Expect.floatClose { absolute = 1e-9; relative = 0.0 } viaProduct.[i] viaDense.[i] $"λ{i + 1}"
            }
            test "a six-dimensional linear field has the real parts of its eigenvalues as exponents" {
                // dx/dt = A x with A upper triangular: eigenvalues on the diagonal; the couplings make Gram–Schmidt work.
                // Six dimensions exercise the SIMD kernels (four lanes) and their scalar tails.
                let diagonal = [| 0.3; 0.1; 0.0; -0.2; -0.5; -1.0 |]
                let a = Array2D.init 6 6 (fun r c -> if r = c then diagonal.[r] elif c > r then 0.5 / float (c - r) else 0.0)
                let linear =
                    field 6 (fun x -> Array.init 6 (fun r -> Seq.sum (seq { for c in 0..5 -> a.[r, c] * x.[c] })))
                            (fun _ -> Array.init 36 (fun i -> a.[i / 6, i % 6]))
                let r = LyapunovSpectrum.Compute(linear, Array.create 6 1.0, LyapunovOptions(Steps = 20_000, TransientSteps = 0))
                // the starting basis e1…e6 spans A's invariant flags, so the QR method is exact for the flow; what is left is
                // RK4's error in each growth factor e^(λ dt), (λ dt)⁵/120 per step, i.e. |λ|⁵ dt⁴/120 ≤ 8.4e-11 in λ (measured 8.4e-11 for λ6 = −1)
                for i in 0..5 do
                    Expect.floatClose { absolute = 1e-9; relative = 0.0 } r.Exponents.[i] diagonal.[i] $"λ{i + 1}"
            }
            test "running estimate ends at the reported exponents and is downsampled" {
                let r = lorenzSpectrum.Force()
                Expect.isLessThanOrEqual r.Times.Length 301 "at most HistoryPoints (+ the final point)"
                Expect.floatClose Accuracy.veryHigh r.Times.[r.Times.Length - 1] 2000.0 "last time = Steps·Dt"
                for j in 0..2 do
                    Expect.floatClose Accuracy.veryHigh r.RunningEstimate.[r.Times.Length - 1, j] r.Exponents.[j] $"last running estimate {j}"
            }
            test "bad options and a diverging orbit are reported" {
                Expect.throwsT<ArgumentOutOfRangeException> (fun () -> LyapunovSpectrum.Compute(lorenz, [| 1.0; 1.0; 1.0 |], LyapunovOptions(Count = Nullable 4)) |> ignore) "k > n"
                Expect.throwsT<ArgumentException> (fun () -> LyapunovSpectrum.Compute(lorenz, [| nan; 1.0; 1.0 |]) |> ignore) "NaN initial state"
                let blowUp = field 1 (fun s -> [| s.[0] * s.[0] |]) (fun s -> [| 2.0 * s.[0] |])
                Expect.throwsT<InvalidOperationException> (fun () -> LyapunovSpectrum.Compute(blowUp, [| 1.0 |], LyapunovOptions(Steps = 300, TransientSteps = 0)) |> ignore) "finite-time blow-up"
            }
        ]

        testList "fixed points" [
            test "Lorenz-63: origin (saddle, index 1) and C± (saddle-foci, index 2) with their known eigenvalues" {
                let result = FixedPoints.Find(lorenz, lorenzA.Force(), FixedPointOptions(StartCount = 128), seed = 1)
                Expect.equal result.FixedPoints.Count 3 "three fixed points"
                Expect.isEmpty result.SlowPoints "no slow points"
                let nearest (x: float[]) = result.FixedPoints |> Seq.minBy (fun p -> Array.map2 (fun a b -> (a - b) ** 2.0) p.Location x |> Array.sum)
                let known = lorenz.FixedPoints()
                // Newton-refined: |f| ~ 1e-13, so locations agree to ~1e-12; 1e-9 leaves room
                for x in known do
                    Expect.equal (nearest x).Location.Length 3 "dimension"
                    Array.iter2 (fun a b -> Expect.floatClose { absolute = 1e-9; relative = 0.0 } a b "location") (nearest x).Location x
                let origin = nearest known.[0]
                // origin: −β and (−(σ+1) ± √((σ−1)² + 4σρ))/2 = (−11 ± √1201)/2; LAPACK-style eigenvalues of a 3×3 matrix are accurate to ~1e-14
                let expected = [| (-11.0 + sqrt 1201.0) / 2.0; -8.0 / 3.0; (-11.0 - sqrt 1201.0) / 2.0 |]
                Array.iter2 (fun (l: Numerics.Complex) e -> Expect.floatClose { absolute = 1e-10; relative = 0.0 } l.Real e "origin eigenvalue") origin.Eigenvalues expected
                Expect.equal origin.Kind FixedPointKind.Saddle "origin kind"
                Expect.equal origin.UnstableDirections 1 "origin index"
                // C±: roots of λ³ + (σ+β+1)λ² + β(σ+ρ)λ + 2σβ(ρ−1), one real ≈ −13.8546 and a pair ≈ 0.0940 ± 10.1945i
                let s, r, b = 10.0, 28.0, 8.0 / 3.0
                let real, pair = roots (s + b + 1.0) (b * (s + r)) (2.0 * s * b * (r - 1.0))
                Expect.floatClose { absolute = 1e-4; relative = 0.0 } real -13.8546 "real root (published value)"
                for c in [ known.[1]; known.[2] ] do
                    let p = nearest c
                    Expect.equal p.Kind FixedPointKind.SaddleFocus "C± kind"
                    Expect.equal p.UnstableDirections 2 "C± index"
                    Expect.floatClose { absolute = 1e-10; relative = 0.0 } p.Eigenvalues.[0].Real pair.Real "Re of the pair"
                    Expect.floatClose { absolute = 1e-10; relative = 0.0 } (abs p.Eigenvalues.[0].Imaginary) pair.Imaginary "Im of the pair"
                    Expect.floatClose { absolute = 1e-10; relative = 0.0 } p.Eigenvalues.[2].Real real "real eigenvalue"
                Expect.equal (result.FixedPoints |> Seq.sumBy (fun p -> p.Hits)) (result.Starts - result.Discarded) "every kept start is counted once"
            }
            test "Van der Pol origin: unstable focus for μ = 1, unstable node for μ = 3" {
                let start = Array2D.init 20 2 (fun i j -> if j = 0 then 0.1 * float i - 1.0 else 0.5)
                for mu, kind in [ 1.0, FixedPointKind.UnstableFocus; 3.0, FixedPointKind.UnstableNode ] do
                    let result = FixedPoints.Find(VanDerPol(mu), start, FixedPointOptions(StartCount = 16))
                    Expect.equal result.FixedPoints.Count 1 "the origin only"
                    let p = result.FixedPoints.[0]
                    Expect.isLessThan (abs p.Location.[0] + abs p.Location.[1]) 1e-12 "at the origin"
                    Expect.equal p.Kind kind $"kind for μ = {mu}"
                    Expect.equal p.UnstableDirections 2 "both directions unstable"
                    // eigenvalues (μ ± √(μ² − 4))/2 of J = [[0, 1], [−1, μ]]
                    let disc = Numerics.Complex.Sqrt(Numerics.Complex(mu * mu - 4.0, 0.0))
                    let expected = [| (Numerics.Complex(mu, 0.0) + disc) / 2.0; (Numerics.Complex(mu, 0.0) - disc) / 2.0 |]
                    let sort (z: Numerics.Complex[]) = z |> Array.sortBy (fun c -> -c.Real, -c.Imaginary)
                    Array.iter2 (fun (a: Numerics.Complex) (e: Numerics.Complex) ->
                        Expect.isLessThan (Numerics.Complex.Abs(a - e)) 1e-12 "eigenvalue") (sort p.Eigenvalues) (sort expected)
            }
            test "a saddle-node ghost is a slow point, not a fixed point" {
                // f = (x² + ε, −y) has no zero; q = ½((x² + ε)² + y²) has its minimum ε²/2 = 5e-7 at the origin
                let eps = 1e-3
                let ghost = field 2 (fun s -> [| s.[0] * s.[0] + eps; -s.[1] |]) (fun s -> [| 2.0 * s.[0]; 0.0; 0.0; -1.0 |])
                let start = Array2D.init 10 2 (fun i _ -> 0.2 * float i - 1.0)
                let result = FixedPoints.Find(ghost, start, FixedPointOptions(StartCount = 16, NoiseScale = 0.0))
                Expect.isEmpty result.FixedPoints "no fixed points"
                Expect.equal result.SlowPoints.Count 1 "one slow point"
                let p = result.SlowPoints.[0]
                // LM converges only linearly onto a non-zero minimum; 1e-5 in location moves q by ~1e-13
                Expect.floatClose { absolute = 1e-12; relative = 1e-6 } p.Q (eps * eps / 2.0) "q at the slow point"
                Expect.isLessThan (abs p.Location.[0] + abs p.Location.[1]) 1e-5 "at the origin"
            }
            test "a singular Jacobian is reported and the point called non-hyperbolic" {
                // f = (x³, −y): the origin is a fixed point with J = diag(0, −1)
                let cubic = field 2 (fun s -> [| s.[0] ** 3.0; -s.[1] |]) (fun s -> [| 3.0 * s.[0] * s.[0]; 0.0; 0.0; -1.0 |])
                let start = Array2D.init 10 2 (fun i _ -> 0.2 * float i - 0.9)
                let result = FixedPoints.Find(cubic, start, FixedPointOptions(StartCount = 8, NoiseScale = 0.0))
                Expect.equal result.FixedPoints.Count 1 "one point"
                let p = result.FixedPoints.[0]
                Expect.equal p.Kind FixedPointKind.NonHyperbolic "kind"
                Expect.isSome (Option.ofObj p.Note) "a note explains the singular Jacobian"
                Expect.stringContains p.Note "singular" "the note names the problem"
            }
            test "eˣ has no fixed point and none is reported; eˣ − 1 has one at 0" {
                // q = ½e²ˣ falls below any tolerance far to the left, but the zero the linearisation predicts stays |f|/|f'| = 1 away
                let start = Array2D.init 50 1 (fun i _ -> float i / 10.0 - 2.5)
                let exponential = field 1 (fun s -> [| exp s.[0] |]) (fun s -> [| exp s.[0] |])
                let none = FixedPoints.Find(exponential, start)
                Expect.isEmpty none.FixedPoints "no fixed points"
                Expect.isEmpty none.SlowPoints "no slow points"
                Expect.equal none.Discarded none.Starts "every start discarded"
                let shifted = field 1 (fun s -> [| exp s.[0] - 1.0 |]) (fun s -> [| exp s.[0] |])
                let one = FixedPoints.Find(shifted, start)
                Expect.equal one.FixedPoints.Count 1 "the zero of eˣ − 1"
                // Newton-refined on a simple zero: |x*| ~ 1e-16
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } one.FixedPoints.[0].Location.[0] 0.0 "at x = 0"
            }
            test "NaN in the start states is refused" {
                let bad = Array2D.init 5 3 (fun i j -> if i = 2 && j = 1 then nan else 1.0)
                Expect.throwsT<ArgumentException> (fun () -> FixedPoints.Find(lorenz, bad) |> ignore) "NaN start"
            }
        ]

        testList "time-series exponent and dimensions" [
            test "Rosenstein on the Lorenz x series gives λ1 ≈ 0.906" {
                let a = lorenzA.Force()
                let x = Array.init 20_000 (fun i -> a.[i, 0])
                let r = LargestLyapunov.Rosenstein(x, embeddingDimension = 5, delay = 10, options = RosensteinOptions(Dt = 0.01))
                // a 200-time-unit scalar series fitted over steps 100–300: three initial states and three embeddings gave
                // 0.87–0.91 (0.81–0.97 from half as much data), so ±0.15
                Expect.floatClose { absolute = 0.15; relative = 0.0 } r.Exponent 0.9056 "λ1 from the time series"
                Expect.equal r.MeanLogDivergence.Length 400 "curve length = MaxSteps"
            }
            test "Grassberger–Procaccia correlation dimension of Lorenz-63 is 2.05" {
                let long = Trajectories.SampleRk4(lorenz, [| 1.0; 1.0; 1.0 |], 0.01, 100_000, transientSteps = 2_000)
                let r = Dimensions.Correlation(long, CorrelationDimensionOptions(MaxPoints = 3000))
                // Grassberger & Procaccia 1983: 2.05 ± 0.01 from large data sets; 3000 points of 1000 time units gave 2.03–2.11
                // across initial states and settings, so ±0.1
                Expect.floatClose { absolute = 0.1; relative = 0.0 } r.Dimension 2.05 "D2"
                Expect.isGreaterThan (r.FitRadiusMax / r.FitRadiusMin) 9.99 "the fit spans a decade of radii"
                Expect.isTrue (Array.pairwise r.CorrelationSum |> Array.forall (fun (a, b) -> a <= b)) "C(r) is non-decreasing"
            }
            test "a given scaling region is used as stated" {
                let a = lorenzA.Force()
                let r = Dimensions.Correlation(a, CorrelationDimensionOptions(MaxPoints = 1000, ScalingRegion = RadiusRange(1.0, 5.0)))
                Expect.isGreaterThanOrEqual r.FitRadiusMin 1.0 "lower end inside the region"
                Expect.isLessThanOrEqual r.FitRadiusMax 5.0 "upper end inside the region"
            }
            test "too few points for a dimension estimate are refused" {
                let few = Array2D.init 20 3 (fun i j -> float (i * 3 + j))
                Expect.throwsT<ArgumentException> (fun () -> Dimensions.Correlation(few) |> ignore) "20 states"
                Expect.throwsT<ArgumentException> (fun () -> LargestLyapunov.Rosenstein(few) |> ignore) "Rosenstein with 20 states"
            }
        ]

        testList "attractor agreement" [
            test "D_stsp: zero for itself, small for the same attractor, large for another" {
                let a, b, other = lorenzA.Force(), lorenzB.Force(), rosslerLikeLorenz.Force()
                // p = q exactly, so every log term is log 1 = 0
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } (AttractorAgreement.StateSpaceDivergence(a, a)) 0.0 "self"
                let same, different = AttractorAgreement.StateSpaceDivergence(a, b), AttractorAgreement.StateSpaceDivergence(a, other)
                // 200 time units fill 27 000 bins unevenly (measured 0.71 for the same attractor, 14.1 for Rössler)
                Expect.isLessThan same 1.5 "same attractor, other initial state"
                Expect.isGreaterThan different 5.0 "Rössler with Lorenz's means and variances"
            }
            test "D_H: zero for itself, small for the same attractor, large for another" {
                let a, b, other = lorenzA.Force(), lorenzB.Force(), rosslerLikeLorenz.Force()
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } (AttractorAgreement.PowerSpectrumDistance(a, a)) 0.0 "self"
                let same, different = AttractorAgreement.PowerSpectrumDistance(a, b), AttractorAgreement.PowerSpectrumDistance(a, other)
                // Hellinger distances lie in [0, 1]; measured 0.09 for the same attractor and 0.58 for Rössler
                Expect.isLessThan same 0.2 "same attractor"
                Expect.isGreaterThan different 0.4 "Rössler"
            }
            test "D_stsp of one-dimensional histograms by hand" {
                // true: 0, 1, 2, 3 → std √(5/3), range [−0.1σ, 3 + 0.1σ] split in 2 bins: counts (2, 2); generated (1, 3)
                let t = array2D [ [ 0.0 ]; [ 1.0 ]; [ 2.0 ]; [ 3.0 ] ]
                let g = array2D [ [ 0.0 ]; [ 2.0 ]; [ 2.5 ]; [ 3.0 ] ]
                let a = AttractorAgreement.LaplaceAlpha
                let p = [| (2.0 + a) / (4.0 + 2.0 * a); (2.0 + a) / (4.0 + 2.0 * a) |]
                let q = [| (1.0 + a) / (4.0 + 2.0 * a); (3.0 + a) / (4.0 + 2.0 * a) |]
                let expected = Array.map2 (fun pi qi -> pi * log (pi / qi)) p q |> Array.sum
                Expect.floatClose Accuracy.veryHigh (AttractorAgreement.StateSpaceDivergence(t, g, bins = 2)) expected "KL by hand"
            }
            test "D_H of sinusoids: 0 for a phase shift, 1 for spectra that do not overlap" {
                let n = 2048
                let wave f phase = Array2D.init n 1 (fun t _ -> cos (2.0 * Math.PI * float (f * t) / float n + phase))
                // bin-centred waves put all power in bin f whatever the phase, so the spectra are equal
                Expect.floatClose { absolute = 1e-9; relative = 0.0 } (AttractorAgreement.PowerSpectrumDistance(wave 40 0.0, wave 40 1.0)) 0.0 "phase shift"
                // bins 40 and 400 smoothed with σ = 20 reach ±80 bins: disjoint supports give (1/√2)·√(1 + 1) = 1
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } (AttractorAgreement.PowerSpectrumDistance(wave 40 0.0, wave 400 0.0)) 1.0 "disjoint"
            }
            test "bad inputs: outside the data range, NaN, constant coordinate, unequal lengths" {
                let a = lorenzA.Force()
                let far = Array2D.init 100 3 (fun _ _ -> 1000.0)
                Expect.throwsT<ArgumentException> (fun () -> AttractorAgreement.StateSpaceDivergence(a, far) |> ignore) "entirely outside"
                let withNan = Array2D.init 100 3 (fun i _ -> if i = 50 then nan else 1.0)
                Expect.throwsT<ArgumentException> (fun () -> AttractorAgreement.StateSpaceDivergence(a, withNan) |> ignore) "NaN"
                let constant = Array2D.init 100 3 (fun i j -> if j = 2 then 5.0 else float i)
                Expect.throwsT<ArgumentException> (fun () -> AttractorAgreement.StateSpaceDivergence(constant, constant) |> ignore) "empty range"
                Expect.throwsT<ArgumentException> (fun () -> AttractorAgreement.PowerSpectrumDistance(a, a.[0..999, *]) |> ignore) "lengths differ"
            }
        ]

        testList "PCA and spectra" [
            test "PCA recovers the axes and variances of an ellipse" {
                // x_k = 3 cos θ_k u + sin θ_k v with u = (0.6, 0.8), v = (−0.8, 0.6): zero mean, uncorrelated, variances 9N/(2(N−1)) and N/(2(N−1))
                let n = 400
                let states = Array2D.init n 2 (fun k j ->
                    let t = 2.0 * Math.PI * float k / float n
                    3.0 * cos t * [| 0.6; 0.8 |].[j] + sin t * [| -0.8; 0.6 |].[j])
                let pca = Pca.Fit(states)
                let scale = float n / (2.0 * float (n - 1))
                // exact in exact arithmetic; the SVD is accurate to ~1e-14 here
                Expect.floatClose Accuracy.high pca.ExplainedVariance.[0] (9.0 * scale) "variance along u"
                Expect.floatClose Accuracy.high pca.ExplainedVariance.[1] scale "variance along v"
                Expect.floatClose Accuracy.high pca.ExplainedVarianceRatio.[0] 0.9 "ratio 9/10"
                Expect.floatClose Accuracy.high pca.Components.[0, 0] 0.6 "first axis x (sign: largest entry positive)"
                Expect.floatClose Accuracy.high pca.Components.[0, 1] 0.8 "first axis y"
                Expect.floatClose Accuracy.high pca.Projection.[0, 0] 3.0 "first state projects to 3 on u"
            }
            test "periodogram of a cosine peaks at its frequency with power dt·A²·N/4" {
                let n, dt, amplitude, k0 = 1000, 0.01, 2.0, 37
                let series = Array.init n (fun t -> amplitude * cos (2.0 * Math.PI * float (k0 * t) / float n))
                let s = PowerSpectrum.Compute(series, dt)
                let peak = Array.IndexOf(s.Power, Array.max s.Power)
                Expect.equal peak k0 "peak bin"
                Expect.floatClose Accuracy.veryHigh s.Frequencies.[k0] (float k0 / (float n * dt)) "peak frequency"
                // a bin-centred cosine puts |X_k0| = A·N/2, so P = (dt/N)(A·N/2)²; the FFT is exact to rounding
                Expect.floatClose Accuracy.high s.Power.[k0] (dt * amplitude * amplitude * float n / 4.0) "peak power"
            }
            test "delay embedding places x_{t+dτ} in column d" {
                let e = DelayEmbedding.Embed([| 0.0 .. 9.0 |], 3, 2)
                Expect.equal (Array2D.length1 e) 6 "10 − (3 − 1)·2 rows"
                Expect.equal e.[4, *] [| 4.0; 6.0; 8.0 |] "row 4"
            }
        ]
    ]
