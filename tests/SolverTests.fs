module NeuroDyn.Tests.SolverTests

open System
open Expecto
open NeuroDyn.Systems
open NeuroDyn.Solvers

/// Kepler's two-body problem q'' = −q/|q|³ (GM = 1) as a first-order system (x, y, vx, vy): nonlinear, so every order
/// condition of a method shows up, and with a known solution.
type Kepler() =
    interface IVectorField with
        member _.Dimension = 4
        member _.Evaluate(s, d) =
            let r2 = s.[0] * s.[0] + s.[1] * s.[1]
            let r3 = r2 * sqrt r2
            d.[0] <- s.[2]
            d.[1] <- s.[3]
            d.[2] <- -s.[0] / r3
            d.[3] <- -s.[1] / r3
        member _.Jacobian(_, _) = raise (NotSupportedException "not needed by explicit solvers")

/// Orbit of eccentricity e and semi-major axis 1 started at periapsis; the exact state at time t comes from Kepler's
/// equation E − e·sin E = t (mean motion 1), solved by Newton's method to machine precision.
let eccentricity = 0.5
let keplerStart = [| 1.0 - eccentricity; 0.0; 0.0; sqrt ((1.0 + eccentricity) / (1.0 - eccentricity)) |]
let keplerExact (t: float) =
    let e = eccentricity
    let mutable E = t
    for _ in 1..50 do E <- E - (E - e * sin E - t) / (1.0 - e * cos E)
    let d = 1.0 - e * cos E
    let w = sqrt (1.0 - e * e)
    [| cos E - e; w * sin E; -sin E / d; w * cos E / d |]

/// dx/dt = x², x(0) = 1: x(t) = 1/(1 − t) blows up at t = 1.
type Square() =
    interface IVectorField with
        member _.Dimension = 1
        member _.Evaluate(s, d) = d.[0] <- s.[0] * s.[0]
        member _.Jacobian(s, j) = j.[0] <- 2.0 * s.[0]

let kepler = Kepler()

/// Largest component error of row k of a solution against the exact Kepler orbit.
let errorAt (sol: OdeSolution) k =
    let exact = keplerExact sol.Times.[k]
    Array.init 4 (fun i -> abs (sol.States.[k, i] - exact.[i])) |> Array.max

/// Least-squares slope of log(error) against log(step).
let slope (steps: float list) (errors: float list) =
    let xs, ys = List.map log steps, List.map log errors
    let mx, my = List.average xs, List.average ys
    List.sum (List.map2 (fun x y -> (x - mx) * (y - my)) xs ys) / List.sum (List.map (fun x -> (x - mx) ** 2.0) xs)

/// Options for a fixed step: Step for the fixed-step methods; for the adaptive ones FirstStep = MaxStep = h with
/// tolerances so loose that every step is accepted, which pins their step to h through the public API.
let fixedStep meth h (times: float[]) =
    match meth with
    | OdeMethod.Euler | OdeMethod.Midpoint | OdeMethod.Rk4 -> OdeOptions(Method = meth, Step = Nullable h, TEval = times)
    | _ -> OdeOptions(Method = meth, Rtol = 1e3, Atol = 1e3, FirstStep = Nullable h, MaxStep = h, TEval = times)

/// Expects an ArgumentException (or subclass) whose message contains the fragment.
let throwsArgument (f: unit -> unit) (fragment: string) = Throws.withMessage<ArgumentException> [ fragment ] f

let lorenz = Lorenz63()
let lorenzTimes = Array.init 1001 (fun i -> float i / 100.0)
/// A step budget far above what these tests need (a few thousand steps), so that a broken error estimator fails fast.
let budget = 1_000_000L
let lorenzRun meth rtol atol =
    Ode.Solve(lorenz, [| 1.0; 1.0; 1.0 |], 0.0, 10.0, OdeOptions(Method = meth, Rtol = rtol, Atol = atol, TEval = lorenzTimes, MaxSteps = budget)).EnsureSuccess()
let maxDifference (a: OdeSolution) (b: OdeSolution) =
    seq { for k in 0 .. a.Times.Length - 1 do for i in 0..2 -> abs (a.States.[k, i] - b.States.[k, i]) } |> Seq.max

[<Tests>]
let tests =
    testList "solvers" [
        testList "order of convergence on the Kepler orbit (e = 0.5, t = 2), slope of log error against log step" [
            // Steps are chosen in each method's asymptotic range, above round-off; the fitted slope approaches the order
            // from above (higher-order terms still help at the largest steps), hence the one-sided margin per method.
            for meth, order, steps, margin in
                [ OdeMethod.Euler, 1.0, [ 1.0 / 256.0; 1.0 / 512.0; 1.0 / 1024.0; 1.0 / 2048.0 ], 0.1
                  OdeMethod.Midpoint, 2.0, [ 1.0 / 64.0; 1.0 / 128.0; 1.0 / 256.0; 1.0 / 512.0 ], 0.15
                  OdeMethod.Rk4, 4.0, [ 1.0 / 16.0; 1.0 / 32.0; 1.0 / 64.0; 1.0 / 128.0 ], 0.25
                  OdeMethod.Dopri5, 5.0, [ 1.0 / 32.0; 1.0 / 64.0; 1.0 / 128.0; 1.0 / 256.0 ], 0.4
                  OdeMethod.Dop853, 8.0, [ 1.0 / 4.0; 1.0 / 8.0; 1.0 / 16.0; 1.0 / 32.0 ], 0.4 ] do
                test $"{meth} converges at order {order}" {
                    let errors =
                        steps |> List.map (fun h ->
                            let sol = Ode.Solve(kepler, keplerStart, 0.0, 2.0, fixedStep meth h null).EnsureSuccess()
                            // the step really is h: 2/h steps, none rejected
                            Expect.equal sol.AcceptedSteps (int64 (round (2.0 / h))) "steps taken"
                            Expect.equal sol.RejectedSteps 0L "no rejections at a pinned step"
                            errorAt sol (sol.Times.Length - 1))
                    let p = slope steps errors
                    Expect.isLessThan (abs (p - order)) margin $"fitted order {p:F3} (errors {errors})"
                }
        ]

        test "tableaus: consistency is checked and first-same-as-last recognised" {
            Expect.isTrue ButcherTableau.Dopri5.FirstSameAsLast "Dopri5's seventh stage is f(y₊)"
            Expect.isFalse ButcherTableau.Rk4.FirstSameAsLast "RK4's last stage is not at the new state"
            // a mistyped coefficient: row 1 of A sums to 0.4 while c₁ = 0.5
            let wrong = Throws.capture<InvalidOperationException> (fun () -> ButcherTableau("typo", 2, [| 0.0; 0.5 |], [| [||]; [| 0.4 |] |], [| 0.0; 1.0 |]) |> ignore)
            Expect.stringContains wrong.Message "row 1 of A sums to 0.4" "names the row at fault"
        }

        testList "dense output" [
            // Off-grid times at 0.37 of a coarse grid, so they fall at varied places inside the steps; with the step pinned,
            // the interpolant's local error O(h^(q+1)) adds to the global error O(h^p): a q-th order interpolant shows slope
            // q + 1 (Dopri5: 4 → 5; DOP853: 7 → 8; RK4's cubic Hermite: global 4). A mistyped coefficient drops it to ≤ 2.
            let offGrid = Array.init 16 (fun i -> (float i + 0.37) * 0.125)
            for meth, expected, steps in
                [ OdeMethod.Rk4, 4.0, [ 1.0 / 16.0; 1.0 / 32.0; 1.0 / 64.0; 1.0 / 128.0 ]
                  OdeMethod.Dopri5, 5.0, [ 1.0 / 16.0; 1.0 / 32.0; 1.0 / 64.0; 1.0 / 128.0 ]
                  OdeMethod.Dop853, 8.0, [ 1.0 / 4.0; 1.0 / 8.0; 1.0 / 16.0; 1.0 / 32.0 ] ] do
                test $"{meth} interpolant converges at order {expected} between steps" {
                    let errors =
                        steps |> List.map (fun h ->
                            let sol = Ode.Solve(kepler, keplerStart, 0.0, 2.0, fixedStep meth h offGrid).EnsureSuccess()
                            Expect.sequenceEqual sol.Times offGrid "reported times are the requested ones"
                            Array.init offGrid.Length (errorAt sol) |> Array.max)
                    let p = slope steps errors
                    // measured 4.10, 5.5, 7.7: the fit over four halvings wobbles by a few tenths with where the times fall
                    Expect.isGreaterThan p (expected - 0.6) $"fitted order {p:F3} (errors {errors})"
                }

            for meth, rtol in [ OdeMethod.Dopri5, 1e-8; OdeMethod.Dop853, 1e-8 ] do
                test $"{meth} at rtol %g{rtol}: output times are as accurate as the steps, within 500 rtol over one orbit" {
                    let period = 2.0 * Math.PI
                    let times = Array.init 200 (fun i -> period * float i / 199.0)
                    let options (t: float[]) = OdeOptions(Method = meth, Rtol = rtol, Atol = rtol * 1e-3, TEval = t, MaxSteps = budget)
                    let dense = Ode.Solve(kepler, keplerStart, 0.0, period, options times).EnsureSuccess()
                    let stepped = Ode.Solve(kepler, keplerStart, 0.0, period, options null).EnsureSuccess()
                    let denseError = Array.init times.Length (errorAt dense) |> Array.max
                    let stepError = Array.init stepped.Times.Length (errorAt stepped) |> Array.max
                    // interpolation must not add more than the integration error itself (measured ratio 1.0 and 1.5)
                    Expect.isLessThanOrEqual denseError (2.0 * stepError) $"dense {denseError:G3} vs steps {stepError:G3}"
                    // local errors ≤ rtol·|y| compound over an orbit through periapsis (r = 0.5): measured 125 and 25 rtol
                    Expect.isLessThan denseError (500.0 * rtol) $"dense error {denseError:G3}"
                }

            test "fixed step: requested grid times return the grid states exactly" {
                let every = Ode.Solve(kepler, keplerStart, 0.0, 1.0, OdeOptions(Method = OdeMethod.Rk4, Step = 0.01))
                // i/20 is within rounding of grid point 5i (0.01·5i is not exactly i/20 in binary)
                let times = Array.init 21 (fun i -> float i / 20.0)
                let sampled = Ode.Solve(kepler, keplerStart, 0.0, 1.0, OdeOptions(Method = OdeMethod.Rk4, Step = 0.01, TEval = times))
                for k in 0..20 do
                    for i in 0..3 do
                        Expect.equal sampled.States.[k, i] every.States.[5 * k, i] $"state {i} at t = {times.[k]}"
            }

            test "every step is reported from t0 to t1, starting at the initial state exactly" {
                for meth in [ OdeMethod.Euler; OdeMethod.Rk4; OdeMethod.Dopri5; OdeMethod.Dop853 ] do
                    let options = if meth = OdeMethod.Euler || meth = OdeMethod.Rk4 then OdeOptions(Method = meth, Step = 0.3) else OdeOptions(Method = meth)
                    let sol = Ode.Solve(kepler, keplerStart, 0.0, 1.0, options).EnsureSuccess()
                    Expect.equal sol.Times.Length (int sol.AcceptedSteps + 1) $"{meth}: one row per step plus the start"
                    Expect.equal sol.Times.[0] 0.0 $"{meth}: first time"
                    Expect.equal sol.Times.[sol.Times.Length - 1] 1.0 $"{meth}: last time is t1 exactly (last step shortened)"
                    Expect.sequenceEqual (sol.State 0) keplerStart $"{meth}: first state"
            }

            test "evaluation counts: Dopri5 reuses f(y₊) (6 per try), DOP853 spends 12 per try" {
                let d5 = Ode.Solve(kepler, keplerStart, 0.0, 6.0, OdeOptions(Rtol = 1e-6, MaxSteps = budget))
                // 1 for f(y0), 1 for the initial-step probe
                Expect.equal d5.FunctionEvaluations (2L + 6L * (d5.AcceptedSteps + d5.RejectedSteps)) "Dopri5"
                let d8 = Ode.Solve(kepler, keplerStart, 0.0, 6.0, OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-6, MaxSteps = budget))
                Expect.equal d8.FunctionEvaluations (2L + 12L * (d8.AcceptedSteps + d8.RejectedSteps)) "DOP853"
            }
        ]

        test "Lorenz from (1,1,1) at rtol 1e-10, atol 1e-6 tracks DOP853 at 1e-13 up to t = 10" {
            let reference = lorenzRun OdeMethod.Dop853 1e-13 1e-13
            // the reference against itself at a 3× looser rtol: measured 6e-11, far below the differences tested next
            Expect.isLessThan (maxDifference reference (lorenzRun OdeMethod.Dop853 3e-13 1e-13)) 1e-8 "reference is converged"
            // With |x|, |y|, |z| < 50, atol dominates atol + rtol·|y|, so each step's error is held near 1e-6 absolute
            // (rtol 1e-10 hardly matters); the largest Lyapunov exponent 0.91 amplifies errors by up to e^9 ≈ 8000 over
            // 10 time units, though most local errors are far below atol. Measured max differences over [0, 10]:
            // DOP853 4.2e-5, Dopri5 2.5e-4 (scipy's RK45 algorithm, same settings); bounds at 5× and 4× that.
            let d8 = maxDifference (lorenzRun OdeMethod.Dop853 1e-10 1e-6) reference
            let d5 = maxDifference (lorenzRun OdeMethod.Dopri5 1e-10 1e-6) reference
            Expect.isLessThan d8 2e-4 $"DOP853 max difference {d8:G3}"
            Expect.isLessThan d5 1e-3 $"Dopri5 max difference {d5:G3}"
        }

        testList "failures are reported, not hung" [
            test "blow-up of x' = x² at t = 1: adaptive methods stop with a step-size underflow near t = 1" {
                for meth, rtol in [ OdeMethod.Dopri5, 1e-6; OdeMethod.Dop853, 1e-10 ] do
                    let sol = Ode.Solve(Square(), [| 1.0 |], 0.0, 2.0, OdeOptions(Method = meth, Rtol = rtol, MaxSteps = budget))
                    Expect.isFalse sol.Success $"{meth} fails"
                    Expect.stringContains sol.Message "underflow" $"{meth} message"
                    let last = sol.Times.[sol.Times.Length - 1]
                    // the numerical singularity lies within a few thousandths of the true one at these tolerances
                    Expect.floatClose { absolute = 1e-2; relative = 0.0 } last 1.0 $"{meth} stops near the singularity"
                    Expect.throwsT<InvalidOperationException> (fun () -> sol.EnsureSuccess() |> ignore) "EnsureSuccess throws"
            }
            test "blow-up with a fixed step: the state turns non-finite and the result says where" {
                let sol = Ode.Solve(Square(), [| 1.0 |], 0.0, 2.0, OdeOptions(Method = OdeMethod.Rk4, Step = 0.01))
                Expect.isFalse sol.Success "fails"
                Expect.stringContains sol.Message "non-finite" "message"
                Expect.stringContains sol.Message "smaller Step" "advice"
                Expect.isLessThan sol.Times.[sol.Times.Length - 1] 1.1 "stops at the blow-up"
            }
            test "an exhausted step budget stops with a message" {
                let sol = Ode.Solve(lorenz, [| 1.0; 1.0; 1.0 |], 0.0, 10.0, OdeOptions(Rtol = 1e-8, MaxSteps = 50L))
                Expect.isFalse sol.Success "fails"
                Expect.stringContains sol.Message "MaxSteps = 50" "message"
                Expect.equal (sol.AcceptedSteps + sol.RejectedSteps) 50L "stops at the budget"
            }
        ]

        testList "bad input throws a clear ArgumentException" [
            let y0 = [| 1.0; 1.0; 1.0 |]
            let solve (options: OdeOptions) () = Ode.Solve(lorenz, y0, 0.0, 1.0, options) |> ignore
            test "missing Step for a fixed-step method" { throwsArgument (solve (OdeOptions(Method = OdeMethod.Euler))) "set OdeOptions.Step" }
            test "non-positive Step" { throwsArgument (solve (OdeOptions(Method = OdeMethod.Rk4, Step = Nullable 0.0))) "Step must be a finite number > 0" }
            test "Step given to an adaptive method" { throwsArgument (solve (OdeOptions(Step = Nullable 0.01))) "Dopri5 is adaptive" }
            test "non-positive Rtol" { throwsArgument (solve (OdeOptions(Rtol = 0.0))) "Rtol must be a finite number > 0" }
            test "non-positive Atol" { throwsArgument (solve (OdeOptions(Atol = -1e-6))) "Atol must be a finite number > 0" }
            test "Rtol below 100 eps" { throwsArgument (solve (OdeOptions(Method = OdeMethod.Dop853, Rtol = 1e-15))) "below 100·ε" }
            test "TEval outside the span" { throwsArgument (solve (OdeOptions(TEval = [| 0.5; 1.5 |]))) "TEval[1] = 1.5 lies outside [t0, t1]" }
            test "TEval not increasing" { throwsArgument (solve (OdeOptions(TEval = [| 0.5; 0.2 |]))) "not strictly increasing" }
            test "NaN in the initial state" {
                throwsArgument (fun () -> Ode.Solve(lorenz, [| 1.0; nan; 1.0 |], 0.0, 1.0) |> ignore) "initialState[1] is NaN" }
            test "infinity in the initial state" {
                throwsArgument (fun () -> Ode.Solve(lorenz, [| infinity; 1.0; 1.0 |], 0.0, 1.0) |> ignore) "every entry must be a finite number" }
            test "wrong dimension" {
                throwsArgument (fun () -> Ode.Solve(lorenz, [| 1.0; 1.0 |], 0.0, 1.0) |> ignore) "has 2 entries but the system Lorenz63 has dimension 3" }
            test "t1 not after t0" {
                throwsArgument (fun () -> Ode.Solve(lorenz, y0, 1.0, 1.0) |> ignore) "must be greater than t0" }
            test "fixed step needing more than MaxSteps" {
                throwsArgument (solve (OdeOptions(Method = OdeMethod.Rk4, Step = Nullable 1e-3, MaxSteps = 10L))) "raise MaxSteps or use a larger Step" }
        ]
    ]
