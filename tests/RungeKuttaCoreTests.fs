module NeuroDyn.Tests.RungeKuttaCoreTests

open System
open Expecto
open TorchSharp
open NeuroDyn.Systems
open NeuroDyn.Solvers
open NeuroDyn.Analysis
open NeuroDyn.Torch
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

/// Exact equality of doubles, bit for bit, with both values in the message.
let private expectSameBits (actual: float) (expected: float) what =
    if BitConverter.DoubleToInt64Bits actual <> BitConverter.DoubleToInt64Bits expected then
        failtestf "%s: %s, expected %s bit for bit" what (actual.ToString "R") (expected.ToString "R")

/// A decision's factor against a value computed independently (Python, 0.9·err^(−1/(q+1)) in double precision): 1e-15 relative.
let private expectDecision (decision: StepDecision) accepted (factor: float) what =
    Expect.equal decision.Accepted accepted $"{what}: accepted"
    Expect.floatClose { absolute = 0.0; relative = 1e-15 } decision.Factor factor $"{what}: factor"

/// Van der Pol with μ = 5 on tensors, written as Systems.VanDerPol writes it: [y, μ(1 − x²)y − x].
let private vanDerPolTensor (evaluationTimes: ResizeArray<float>) =
    Func<Tensor, Tensor, Tensor>(fun t s ->
        evaluationTimes.Add(t.item<float>())
        let x, y = s[0], s[1]
        torch.stack([| y; scale 5.0 (shift 1.0 ((x * x).neg())) * y - x |]))

/// The tensor Dopri5 solver's tries, recovered from the times at which it evaluated f: f(t₀), the initial step's probe, then six
/// stages per try at t + cᵢh (c = 1/5, 3/10, 4/5, 8/9, 1, 1; the first stage is the previous try's last, first same as last).
/// Returns each try's end t + h and whether it was accepted (the next try starts at its end, not at its start).
let private tensorTries (times: float[]) =
    Expect.equal ((times.Length - 2) % 6) 0 "f evaluated twice to start, then six times per try"
    let tries =
        [| for g in 0 .. (times.Length - 2) / 6 - 1 ->
            let first, fifth = times[2 + 6 * g], times[2 + 6 * g + 4]   // t + h/5 and t + h
            let h = (fifth - first) / 0.8
            fifth - h, fifth |]
    tries
    |> Array.mapi (fun i (start, finish) ->
        let accepted =
            i = tries.Length - 1
            || (let nextStart = fst tries[i + 1] in abs (nextStart - finish) < abs (nextStart - start))
        finish, accepted)

/// Classical RK4 written out from its formula for comparison: k₁ = f(y), k₂ = f(y + (h/2)k₁), k₃ = f(y + (h/2)k₂), k₄ = f(y + h k₃),
/// y₊ = y + (h/6)(k₁ + (2(k₂ + k₃) + k₄)), component by component.
let private referenceRk4 (field: IVectorField) (y: float[]) h =
    let f (x: float[]) =
        let d = Array.zeroCreate x.Length
        field.Evaluate(ReadOnlySpan x, Span d)
        d
    let k1 = f y
    let k2 = f (Array.init y.Length (fun i -> y[i] + (0.5 * h) * k1[i]))
    let k3 = f (Array.init y.Length (fun i -> y[i] + (0.5 * h) * k2[i]))
    let k4 = f (Array.init y.Length (fun i -> y[i] + h * k3[i]))
    Array.init y.Length (fun i -> y[i] + (h / 6.0) * (k1[i] + (2.0 * (k2[i] + k3[i]) + k4[i])))

[<Tests>]
let tests =
    testList "runge-kutta core" [
        testList "tableau lookup" [
            test "every OdeMethod has one tableau, the one its solvers use" {
                for meth, name, order in
                    [ OdeMethod.Euler, "euler", 1; OdeMethod.Midpoint, "midpoint", 2; OdeMethod.Rk4, "rk4", 4
                      OdeMethod.Dopri5, "dopri5", 5; OdeMethod.Dop853, "dop853", 8 ] do
                    let tableau = ButcherTableau.For meth
                    Expect.equal tableau.Name name $"{meth}'s tableau"
                    Expect.equal tableau.Order order $"{meth}'s order"
                Expect.isTrue (obj.ReferenceEquals(ButcherTableau.For OdeMethod.Rk4, ButcherTableau.Rk4)) "the shared instance"
                Expect.isNotNull (ButcherTableau.For OdeMethod.Dopri5).BError "Dopri5 carries its error weights"
            }
            test "an unknown method gets a clear error" {
                let error = Throws.capture<ArgumentOutOfRangeException> (fun () -> ButcherTableau.For(enum<OdeMethod> 42) |> ignore)
                Expect.stringContains error.Message "Unknown OdeMethod" "says what is wrong"
            }
        ]

        testList "step-size controller" [
            test "accept/reject and the next step's factor follow 0.9·err^(−1/(q+1)) clamped to [0.2, 10]" {
                let dopri = StepSizeController(4)
                expectDecision (dopri.Decide(0.5, false)) true 1.0338285194973316 "err 0.5"
                expectDecision (dopri.Decide(0.9, false)) true 0.9191661188401217 "err 0.9: an accepted step may shrink the next"
                expectDecision (dopri.Decide(1e-8, false)) true 10.0 "err 1e-8: growth capped at 10 (unclamped 35.8)"
                expectDecision (dopri.Decide(0.0, false)) true 10.0 "err 0"
                expectDecision (dopri.Decide(1.0, false)) false 0.9 "err 1 is rejected"
                expectDecision (dopri.Decide(1.5, false)) false 0.829897120333555 "err 1.5"
                expectDecision (dopri.Decide(100.0, false)) false 0.3582964534981475 "err 100"
                expectDecision (dopri.Decide(1e6, false)) false 0.2 "err 1e6: shrink capped at 0.2 (unclamped 0.057)"
                expectDecision (dopri.Decide(Double.PositiveInfinity, false)) false 0.2 "infinite error"
                expectDecision (dopri.Decide(nan, false)) false 0.2 "NaN error (a non-finite stage)"
                expectDecision (StepSizeController(7).Decide(0.5, false)) true 0.9814569593987319 "DOP853's estimator (q = 7): exponent −1/8"
            }
            test "right after a rejection an accepted step does not grow the next" {
                let dopri = StepSizeController(4)
                expectDecision (dopri.Decide(0.5, true)) true 1.0 "err 0.5 after a rejection: 1.034 capped at 1"
                expectDecision (dopri.Decide(0.9, true)) true 0.9191661188401217 "a factor below 1 is kept"
                expectDecision (dopri.Decide(1.5, true)) false 0.829897120333555 "rejections are unaffected"
            }
            test "initial step: Hairer's probe and the bound from the derivative's change" {
                let dopri = StepSizeController(4)
                Expect.equal (StepSizeController.ProbeStep(1.0, 10.0, 5.0)) 0.001 "h₀ = 0.01·d₀/d₁"
                Expect.equal (StepSizeController.ProbeStep(1e-6, 10.0, 5.0)) 1e-6 "tiny ‖y₀‖: 1e-6"
                Expect.equal (StepSizeController.ProbeStep(1.0, 1e-3, 5.0)) 5.0 "at most the span"
                Expect.equal (StepSizeController.ProbeStep(1.0, nan, 5.0)) 1e-6 "f(y₀) NaN: 1e-6"
                Expect.equal (StepSizeController.ProbeStep(1.0, infinity, 5.0)) 1e-6 "f(y₀) infinite: 1e-6, not 0"
                Expect.equal (dopri.InitialStep(0.001, 10.0, 100.0, 5.0, infinity)) 0.1 "100·h₀ binds ((0.01/100)^(1/5) = 0.158)"
                Expect.floatClose Accuracy.veryHigh (dopri.InitialStep(0.001, 10.0, 1e4, 5.0, infinity)) 0.06309573444801932 "(0.01/1e4)^(1/5) binds"
                Expect.floatClose Accuracy.veryHigh (dopri.InitialStep(0.01, 0.5, 0.1, 5.0, infinity)) 0.45730505192732634 "(0.01/max(d₁, d₂))^(1/5)"
                Expect.equal (dopri.InitialStep(0.001, 10.0, 100.0, 5.0, 0.05)) 0.05 "MaxStep binds"
                Expect.equal (dopri.InitialStep(1e-6, 0.0, 0.0, 5.0, infinity)) 1e-6 "a field at rest: max(1e-6, 1e-3·h₀)"
                Expect.equal (dopri.InitialStep(0.001, nan, nan, 5.0, infinity)) 0.001 "a non-finite probe keeps h₀"
            }
            test "the double and the tensor Dopri5 take the same steps on Van der Pol (μ = 5, float64)" {
                TorchRuntime.Initialize() |> ignore
                let rtol, atol, span = 1e-6, 1e-9, 20.0
                let doubles = Ode.Solve(VanDerPol(5.0), [| 2.0; 0.0 |], 0.0, span, OdeOptions(Rtol = rtol, Atol = atol)).EnsureSuccess()
                Expect.isGreaterThan doubles.RejectedSteps 10L "the problem exercises rejections (and the cap after them)"
                let evaluationTimes = ResizeArray<float>()
                use y0 = torch.tensor([| 2.0; 0.0 |], dtype = torch.ScalarType.Float64)
                TorchOde.Odeint(vanDerPolTensor evaluationTimes, y0, [| 0.0; span |], TorchOdeOptions(Method = OdeMethod.Dopri5, Rtol = rtol, Atol = atol)) |> ignore
                let tries = tensorTries (evaluationTimes.ToArray())
                let acceptedEnds = tries |> Array.filter snd |> Array.map fst
                Expect.equal (int64 acceptedEnds.Length) doubles.AcceptedSteps "accepted steps"
                Expect.equal (int64 (tries.Length - acceptedEnds.Length)) doubles.RejectedSteps "rejected steps"
                // the two differ only in rounding (torch's reductions for the norms, t + h against min(t + h, t1)): 1e-9 of the span
                for i in 0 .. acceptedEnds.Length - 1 do
                    Expect.floatClose { absolute = 1e-9 * span; relative = 0.0 } acceptedEnds[i] doubles.Times[i + 1] $"end of accepted step {i + 1}"
            }
        ]

        testList "generic stepper" [
            test "RK4 through Ode.Solve is fourth order on x'' = −x (exact cos t)" {
                let oscillator = VanDerPol(0.0)   // μ = 0: x' = y, y' = −x
                let errorAt (h: float) =
                    let solution = Ode.Solve(oscillator, [| 1.0; 0.0 |], 0.0, 10.0, OdeOptions(Method = OdeMethod.Rk4, Step = Nullable h)).EnsureSuccess()
                    abs (solution.States[solution.Times.Length - 1, 0] - cos 10.0)
                let coarse, fine = errorAt 0.04, errorAt 0.02
                // global error ∝ h⁴: halving h divides it by 16; ±1.5 allows the next-order term at these steps
                Expect.floatClose { absolute = 1.5; relative = 0.0 } (coarse / fine) 16.0 $"error ratio ({coarse:G3} → {fine:G3})"
                Expect.isLessThan fine 1e-6 "error at t = 10 with h = 0.02"
            }
            test "trajectories on Lorenz equal classical RK4 written out, bit for bit" {
                let lorenz = Lorenz63()
                let samples = Trajectories.SampleRk4(lorenz, [| 1.0; 1.0; 1.0 |], 0.01, 2001)
                let mutable y = [| 1.0; 1.0; 1.0 |]
                for i in 1 .. 2000 do
                    y <- referenceRk4 lorenz y 0.01
                    if i % 500 = 0 then
                        for d in 0 .. 2 do expectSameBits samples[i, d] y[d] $"x_{d} after {i} steps"
            }
            test "Lyapunov spectra are those of the previous analysis stepper, bit for bit (Lorenz: J·v products; Van der Pol: dense Jacobian)" {
                // values printed by the analysis' own RK4 (Analysis/Rk4.cs) before it was replaced by the solvers' stepper
                let lorenz = LyapunovSpectrum.Compute(Lorenz63(), [| 1.0; 1.0; 1.0 |], LyapunovOptions(Dt = 0.01, Steps = 20_000, TransientSteps = 1_000))
                for actual, expected in Array.zip lorenz.Exponents [| 0.9024248585078893; -0.008015897406225774; -14.560973920317515 |] do
                    expectSameBits actual expected "Lorenz exponent"
                for actual, expected in Array.zip lorenz.FinalState [| 9.214763740478192; -0.2594593008677418; 36.767653042653414 |] do
                    expectSameBits actual expected "Lorenz final state"
                let vdp = LyapunovSpectrum.Compute(VanDerPol(), [| 1.0; 0.0 |], LyapunovOptions(Dt = 0.01, Steps = 5_000, TransientSteps = 100))
                for actual, expected in Array.zip vdp.Exponents [| 0.013711690393585014; -1.039621621919896 |] do
                    expectSameBits actual expected "Van der Pol exponent"
            }
            test "the adaptive pairs' arithmetic is unchanged: the data set's solver gives the same bits" {
                // Lorenz from (1, 1, 1) at the data set's tolerances, as computed before the stage arithmetic was shared
                let run meth = Ode.Solve(Lorenz63(), [| 1.0; 1.0; 1.0 |], 0.0, 10.0, OdeOptions(Method = meth, Rtol = 1e-10, Atol = 1e-6, TEval = [| 5.0; 10.0 |])).EnsureSuccess()
                for meth, counts, atTen in
                    [ OdeMethod.Dopri5, (3158L, 518L, 8L), [| -4.9026936954312665; -3.7439604726846523; 24.690740995833643 |]
                      OdeMethod.Dop853, (2345L, 153L, 42L), [| -4.90268981209681; -3.743888790172728; 24.69083968404782 |] ] do
                    let solution = run meth
                    Expect.equal (solution.FunctionEvaluations, solution.AcceptedSteps, solution.RejectedSteps) counts $"{meth}: evaluations, accepted, rejected"
                    for d in 0 .. 2 do expectSameBits solution.States[1, d] atTen[d] $"{meth}: x_{d}(10)"
            }
        ]
    ]
