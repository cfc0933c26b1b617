/// Properties that must hold for any input of their kind, checked by FsCheck on generated cases with a pinned replay seed,
/// so every run draws the same cases and a failure reproduces exactly.
module NeuroDyn.Tests.PropertyTests

open System
open System.IO
open Expecto
open FsCheck.FSharp
open TorchSharp
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Solvers
open NeuroDyn.Systems
open NeuroDyn.Torch

/// 100 cases per property, drawn from a fixed seed.
let private config = { FsCheckConfig.defaultConfig with maxTest = 100; replay = Some (0x5EEDUL, 0x9E3779B97F4A7C15UL, None) }

/// A generated double in [lo, hi] on a grid of 10⁻⁶ of the range.
let private between (lo: float) (hi: float) = Gen.choose (0, 1_000_000) |> Gen.map (fun k -> lo + (hi - lo) * float k / 1e6)

// ---- Dale's law -------------------------------------------------------------------------------------------------------

/// An E/I network's size, excitatory fraction, seed, and arbitrary real magnitudes A [n, n] (any sign, zero included).
let private eiCases =
    gen {
        let! hidden = Gen.choose (4, 12)
        let! fraction = Gen.elements [ 0.5; 0.75; 0.8 ]
        let! seed = Gen.choose (0, Int32.MaxValue)
        let! magnitudes = Gen.arrayOfLength (hidden * hidden) (Gen.frequency [ 1, Gen.constant 0.0; 9, between -3.0 3.0 ])
        return hidden, fraction, int64 seed, magnitudes
    } |> Arb.fromGen

/// Entries of the effective W breaking Dale's law, read from its values: an E column < 0 or an I column > 0.
let private daleBreaches (model: EiRateNetwork) =
    let w = model.RecurrentWeight.detach().contiguous().data<double>().ToArray()
    let n = model.Options.Hidden
    w |> Array.indexed |> Array.filter (fun (k, v) -> let j = k % n in (j < model.ExcitatoryCount && v < 0.0) || (j >= model.ExcitatoryCount && v > 0.0))

let private daleProperty =
    Prop.forAll eiCases (fun (hidden, fraction, seed, magnitudes) ->
        TorchRuntime.Initialize() |> ignore
        use scope = torch.NewDisposeScope()
        use model = new EiRateNetwork(EiRateNetworkOptions(Hidden = hidden, ExcitatoryFraction = fraction), seed)
        let initialBreaches = daleBreaches model
        // any trained magnitudes at all: the sign comes from the column, not from A
        using (torch.no_grad ()) (fun _ -> model.RecurrentMagnitude.copy_(torch.tensor(magnitudes, dtype = torch.ScalarType.Float64).reshape(int64 hidden, int64 hidden)) |> ignore)
        let breaches = daleBreaches model
        (initialBreaches.Length = 0 && breaches.Length = 0 && model.DaleViolations() = 0)
        |> Prop.label $"n = {hidden}, n_E = {model.ExcitatoryCount}, seed {seed}: breaches at initialisation {initialBreaches.Length}, with the given A {breaches.Length} (first {Array.tryHead breaches})")

// ---- npz round trip ---------------------------------------------------------------------------------------------------

/// Values representable in the element type: any double (NaN, ±∞, −0 included), doubles rounded to float, integers in range.
let private valuesOf (dtype: NpyType) count =
    let anyDouble = ArbMap.defaults |> ArbMap.generate<float>
    match dtype with
    | NpyType.Float64 -> Gen.arrayOfLength count anyDouble
    | NpyType.Float32 -> Gen.arrayOfLength count (anyDouble |> Gen.map (fun v -> float (float32 v)))
    | NpyType.Int32 -> Gen.arrayOfLength count (ArbMap.defaults |> ArbMap.generate<int> |> Gen.map float)
    // values are held as doubles: the int64 extremes a double holds exactly are −2⁶³ and 2⁶³ − 1024
    | NpyType.Int64 -> Gen.arrayOfLength count (Gen.elements [ 0L; -1L; 1L <<< 53; -(1L <<< 53) - 2L; Int64.MaxValue - 1023L; Int64.MinValue; 123456789012L ] |> Gen.map float)
    | other -> failwith $"no generator for {other}"

/// Arrays of rank 0–3 (sides 0–4, so empty arrays too) of every element type, under distinct keys.
let private npzCases =
    let array =
        gen {
            let! rank = Gen.choose (0, 3)
            let! shape = Gen.arrayOfLength rank (Gen.choose (0, 4))
            let! dtype = Gen.elements [ NpyType.Float64; NpyType.Float32; NpyType.Int64; NpyType.Int32 ]
            let! values = valuesOf dtype (Array.fold (*) 1 shape)
            return NpyArray(shape, dtype, values)
        }
    Gen.choose (1, 4) |> Gen.bind (fun count -> Gen.arrayOfLength count array) |> Gen.map (Array.mapi (fun i a -> $"array_{i}", a)) |> Arb.fromGen

/// Bit-for-bit equality of two arrays' shapes, types and values (so −0 ≠ +0 and NaN payloads count).
let private sameBits (a: NpyArray) (b: NpyArray) =
    a.Shape = b.Shape && a.Type = b.Type && Array.map BitConverter.DoubleToInt64Bits a.Values = Array.map BitConverter.DoubleToInt64Bits b.Values

let private npzProperty =
    Prop.forAll npzCases (fun arrays ->
        let folder = Run.tempFolder "npz-property"
        try
            let path = Path.Combine(folder, "arrays.npz")
            Npz.Write(path, readOnlyDict arrays)
            let back = Npz.Read path
            let mismatched = arrays |> Array.filter (fun (key, a) -> not (back.ContainsKey key && sameBits a back[key]))
            let differing = String.Join(" ", Array.map fst mismatched)
            (back.Count = arrays.Length && mismatched.Length = 0)
            |> Prop.label $"{arrays.Length} arrays written, {back.Count} read; differing: {differing}"
        finally Directory.Delete(folder, true))

// ---- solvers on random linear systems dx/dt = A x ----------------------------------------------------------------------

/// dx/dt = A x with its exact Jacobian A.
type private Linear(a: float[,]) =
    interface IVectorField with
        member _.Dimension = Array2D.length1 a
        member _.Evaluate(x, dx) =
            for i in 0 .. Array2D.length1 a - 1 do
                let mutable sum = 0.0
                for j in 0 .. x.Length - 1 do sum <- sum + a[i, j] * x[j]
                dx[i] <- sum
        member _.Jacobian(_, jac) = for i in 0 .. Array2D.length1 a - 1 do for j in 0 .. Array2D.length2 a - 1 do jac[i * Array2D.length2 a + j] <- a[i, j]

/// A = B − 2I with B's entries in [−½, ½]/√n, so ‖B‖₂ ≤ ‖B‖_F ≤ √n/2 ≤ 1 (n ≤ 4): every singular value of A lies in [1, 3],
/// the leading error term (∝ A^(p+1) e^(TA) x₀) cannot vanish, and h‖A‖ ≤ 3h stays small; x₀ has entries in [−1, 1], not all tiny.
let private linearCases =
    gen {
        let! n = Gen.choose (1, 4)
        let! b = Gen.arrayOfLength (n * n) (between (-0.5 / sqrt (float n)) (0.5 / sqrt (float n)))
        let! x0 = Gen.arrayOfLength n (between -1.0 1.0) |> Gen.filter (fun x -> Array.exists (fun v -> abs v > 0.1) x)
        return Array2D.init n n (fun i j -> b[i * n + j] - (if i = j then 2.0 else 0.0)), x0
    } |> Arb.fromGen

let private norm (v: float[]) = sqrt (Array.sumBy (fun x -> x * x) v)

/// e^(T A) x₀ by scaling and squaring: the Taylor series of e^(TA/2⁶) to 25 terms (remainder < 1e-40), squared six times.
let private exactFlow (a: float[,]) (t: float) (x0: float[]) =
    let n = x0.Length
    let m = Array2D.map (fun v -> v * t / 64.0) a
    let mul (p: float[,]) (q: float[,]) = Array2D.init n n (fun i j -> Seq.sum (seq { for k in 0 .. n - 1 -> p[i, k] * q[k, j] }))
    let mutable term = Array2D.init n n (fun i j -> if i = j then 1.0 else 0.0)
    let mutable sum = Array2D.copy term
    for k in 1 .. 25 do
        term <- Array2D.map (fun v -> v / float k) (mul term m)
        sum <- Array2D.init n n (fun i j -> sum[i, j] + term[i, j])
    for _ in 1 .. 6 do sum <- mul sum sum
    Array.init n (fun i -> Seq.sum (seq { for j in 0 .. n - 1 -> sum[i, j] * x0[j] }))

let private endState (field: IVectorField) method (x0: float[]) t steps =
    let solution = Ode.Solve(field, x0, 0.0, t, OdeOptions(Method = method, Step = t / float steps)).EnsureSuccess()
    solution.State(solution.Times.Length - 1)

/// Order of convergence: with e(h) = ‖x_h(T) − e^(TA)x₀‖, log₂ e(h)/e(h/2) → p. Here e(h) = C hᵖ (1 + c h + …) with |c| of the order of
/// ‖A‖ ≤ 3, so at h = 1/40 the ratio is 2ᵖ times (1 + ch)/(1 + ch/2) ≈ 1 ± 0.04, log₂ of it ± 0.055: the observed order must lie within
/// 0.1 of p (on these cases it strays by up to a little over 0.03); a method one order lower is off by 1.
let private orderProperty (method: OdeMethod) (order: float) =
    Prop.forAll linearCases (fun (a, x0) ->
        let field = Linear a
        let exact = exactFlow a 1.0 x0
        let error steps = norm (Array.map2 (-) (endState field method x0 1.0 steps) exact)
        let observed = log (error 40 / error 80) / log 2.0
        abs (observed - order) <= 0.1 |> Prop.label $"{method}: observed order {observed:F3}, expected {order} (errors {error 40:E2}, {error 80:E2})")

/// A rotation dx/dt = A x, A = B − Bᵀ skew-symmetric (B's entries in [−1, 1], n = 2…4): e^(tA) is orthogonal, the system reversible.
let private rotationCases =
    gen {
        let! n = Gen.choose (2, 4)
        let! b = Gen.arrayOfLength (n * n) (between -1.0 1.0)
        let! x0 = Gen.arrayOfLength n (between -1.0 1.0) |> Gen.filter (fun x -> Array.exists (fun v -> abs v > 0.1) x)
        return Array2D.init n n (fun i j -> b[i * n + j] - b[j * n + i]), x0
    } |> Arb.fromGen

/// Time reversal: RK4 forward over [0, T] with step h, then over the same span on the reversed field −A x, returns to x₀.
/// On an eigenvector with eigenvalue iω one step forward and one back multiply by R(iy)R(−iy) = |R(iy)|² = 1 − y⁶/72 + y⁸/576
/// (y = ωh, R the degree-4 Taylor polynomial of RK4), and |R(iy)| ≤ 1: so ‖x_back − x₀‖ ≤ N (hρ)⁶/72 ‖x₀‖, ρ ≤ ‖A‖_F,
/// plus rounding (10⁻¹² ‖x₀‖). A method of order 2 or 3 leaves a y⁴ term and breaks this bound.
let private reversalProperty =
    Prop.forAll rotationCases (fun (a, x0) ->
        let t, steps = 2.0, 200
        let h = t / float steps
        let frobenius = sqrt (Seq.sum (Seq.cast<float> a |> Seq.map (fun v -> v * v)))
        let forward = endState (Linear a) OdeMethod.Rk4 x0 t steps
        let back = endState (Linear(Array2D.map (~-) a)) OdeMethod.Rk4 forward t steps
        let error = norm (Array.map2 (-) back x0)
        let bound = (float steps * pown (h * frobenius) 6 / 72.0 + 1e-12) * norm x0
        error <= bound |> Prop.label $"returned to within {error:E2} of x₀, bound {bound:E2}")

[<Tests>]
let tests =
    testList "properties" [
        testPropertyWithConfig config "Dale's law: E columns ≥ 0 and I columns ≤ 0 for any seed and any magnitudes" daleProperty
        testPropertyWithConfig config "npz round trip keeps shape, type and every bit for any arrays" npzProperty
        testPropertyWithConfig config "Euler converges with order 1 on random linear systems" (orderProperty OdeMethod.Euler 1.0)
        testPropertyWithConfig config "midpoint converges with order 2 on random linear systems" (orderProperty OdeMethod.Midpoint 2.0)
        testPropertyWithConfig config "RK4 converges with order 4 on random linear systems" (orderProperty OdeMethod.Rk4 4.0)
        testPropertyWithConfig config "RK4 forward then backward returns to the start within its error bound" reversalProperty
    ]
