module NeuroDyn.Tests.ReservoirTests

open System
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Training
open NeuroDyn.Models.Spiking
open NeuroDyn.Models.Reservoir
open NeuroDyn.Tests.ExplicitScalars

let private f64 = torch.ScalarType.Float64

/// Mean squared difference of two equally shaped matrices.
let private mse (a: float[,]) (b: float[,]) =
    Seq.zip (Seq.cast<float> a) (Seq.cast<float> b) |> Seq.averageBy (fun (x, y) -> (x - y) ** 2.0)

/// A small mean-driven reservoir (N = 250, no Poisson background, drives 30 ± 6 mV, 1 ms per sample) of D inputs on some threads, for fast tests.
let private meanDriven inputSize threads =
    SpikingReservoirOptions(
        Network = BrunelParameters(ExcitatoryCount = 200, InhibitoryCount = 50, Epsilon = 0.2, J = 0.5, G = 5.0, Eta = 0.0),
        InputSize = inputSize, Threads = threads, BiasMean = 30.0, BiasSpread = 6.0, InputScale = 12.0, TraceTimeConstant = 10.0, SampleDuration = 1.0)

/// The small reservoir for the three-dimensional Lorenz state.
let private small = meanDriven 3 1

/// A slow two-dimensional driven signal sampled every 1 ms: a 70 ms oscillation (the Lorenz period at 1 time unit = 100 ms) with a slower modulation.
let private drivenSignal (rows: int) (offset: int) =
    Array2D.init rows 2 (fun t j ->
        let s = float (t + offset)
        let phase = 2.0 * Math.PI * s / 70.0
        (if j = 0 then sin phase else cos phase) * (1.0 + 0.3 * sin (2.0 * Math.PI * s / 430.0)))

/// A short z-scored Lorenz data set (20 time units).
let private lorenz = lazy ((LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0))).Data)

[<Tests>]
let tests =
    testList "reservoir" [
        test "ridge regression matches the closed form with one feature and an intercept" {
            let x = [| 0.3; -1.2; 2.5; 0.7; -0.4; 1.9 |]
            let y = [| 1.0; -0.5; 3.1; 0.2; 0.4; 2.2 |]
            let lambda = 0.8
            let fit = RidgeRegression.Fit(Array2D.init 6 1 (fun i _ -> x.[i]), Array2D.init 6 1 (fun i _ -> y.[i]), lambda)
            // closed form on centred data: w = Sxy / (Sxx + λ), b = ȳ − w x̄
            let mx, my = Array.average x, Array.average y
            let sxy = Array.map2 (fun a b -> (a - mx) * (b - my)) x y |> Array.sum
            let sxx = x |> Array.sumBy (fun a -> (a - mx) ** 2.0)
            let w = sxy / (sxx + lambda)
            // a 1×1 solve: only rounding of order 1e-16 separates the two
            Expect.floatClose { absolute = 1e-10; relative = 0.0 } fit.Weights.[0, 0] w "slope"
            Expect.floatClose { absolute = 1e-10; relative = 0.0 } fit.Intercept.[0] (my - w * mx) "intercept"
        }

        test "ridge regression matches the 2×2 closed form, and the eigen path agrees with the direct solve" {
            let rows = 9
            let X = Array2D.init rows 2 (fun i j -> sin (float (i * 3 + j * 7) * 0.9) + float j * 0.2)
            let Y = Array2D.init rows 2 (fun i j -> cos (float (i + 2 * j)) + 0.5 * X.[i, 0] - X.[i, 1])
            let lambda = 0.37
            let fit = RidgeRegression.Fit(X, Y, lambda)
            let mean (c: int -> float) = Seq.averageBy c (seq { 0 .. rows - 1 })
            let xm = [| for j in 0 .. 1 -> mean (fun i -> X.[i, j]) |]
            let ym = [| for j in 0 .. 1 -> mean (fun i -> Y.[i, j]) |]
            let s a b = Seq.sumBy (fun i -> (X.[i, a] - xm.[a]) * (X.[i, b] - xm.[b])) (seq { 0 .. rows - 1 })
            let sy a k = Seq.sumBy (fun i -> (X.[i, a] - xm.[a]) * (Y.[i, k] - ym.[k])) (seq { 0 .. rows - 1 })
            // (G + λI)⁻¹ by the adjugate: [[d, −b], [−c, a]] / det
            let a, b, d = s 0 0 + lambda, s 0 1, s 1 1 + lambda
            let det = a * d - b * b
            for k in 0 .. 1 do
                let w0 = (d * sy 0 k - b * sy 1 k) / det
                let w1 = (a * sy 1 k - b * sy 0 k) / det
                // well-conditioned 2×2 system (condition number < 100): agreement to rounding
                Expect.floatClose { absolute = 1e-10; relative = 0.0 } fit.Weights.[0, k] w0 $"w0 of output {k}"
                Expect.floatClose { absolute = 1e-10; relative = 0.0 } fit.Weights.[1, k] w1 $"w1 of output {k}"
                Expect.floatClose { absolute = 1e-10; relative = 0.0 } fit.Intercept.[k] (ym.[k] - w0 * xm.[0] - w1 * xm.[1]) $"intercept {k}"
            let viaEigen = RidgeRegression.FitOnValidation(X, Y, X, Y, [| lambda |]).Readout
            for i in 0 .. 1 do
                for k in 0 .. 1 do
                    Expect.floatClose { absolute = 1e-10; relative = 0.0 } viaEigen.Weights.[i, k] fit.Weights.[i, k] "eigendecomposition path = direct solve"
        }

        test "λ is chosen where the validation error is smallest, and that is an interior λ when training overfits" {
            let rng = Random(5)
            let features, trainRows = 30, 40
            let truth = Array.init features (fun j -> if j < 5 then 1.0 else 0.0)
            let sample rows =
                let X = Array2D.init rows features (fun _ _ -> Gaussian.Next rng)
                let Y = Array2D.init rows 1 (fun i _ -> Seq.sum (seq { for j in 0 .. features - 1 -> X.[i, j] * truth.[j] }) + 0.8 * Gaussian.Next rng)
                X, Y
            let Xt, Yt = sample trainRows
            let Xv, Yv = sample 400
            let grid = RidgeRegression.LogGrid(1e-4, 1e4, 17)
            let selection = RidgeRegression.FitOnValidation(Xt, Yt, Xv, Yv, grid)
            // independent check: refit with the direct solve for every λ and measure the validation MSE
            let direct = grid |> Array.map (fun l -> mse (RidgeRegression.Fit(Xt, Yt, l).Predict Xv) Yv)
            for k in 0 .. grid.Length - 1 do
                Expect.floatClose { absolute = 1e-10; relative = 1e-9 } selection.ValidationMse.[k] direct.[k] $"validation MSE at λ = {grid.[k]}"
            let best = Array.IndexOf(direct, Array.min direct)
            Expect.equal selection.BestIndex best "the chosen λ minimises the validation MSE"
            Expect.equal selection.Readout.Lambda grid.[best] "the readout is fitted with it"
            Expect.isTrue (best > 0 && best < grid.Length - 1) $"30 features on 40 rows overfit at tiny λ and underfit at huge λ (chose λ = {grid.[best]})"
        }

        test "standardised ridge equals the fit on unit-variance features with the weights mapped back" {
            let rng = Random(8)
            let rows = 60
            // columns of very different scales, as traces (≈ 1) and squared traces (≈ 10) are (all above the floor of 1 % of the median σ)
            let scales = [| 0.1; 1.0; 30.0 |]
            let X = Array2D.init rows 3 (fun _ j -> scales.[j] * Gaussian.Next rng)
            let Y = Array2D.init rows 2 (fun i k -> X.[i, 0] * 50.0 - float k * X.[i, 2] / 30.0 + 0.1 * Gaussian.Next rng)
            let lambda = 2.0
            let fit = RidgeRegression.Fit(X, Y, lambda, standardize = true)
            // independent route: scale every column by its (population) standard deviation, plain ridge, divide the weights back
            let sd = [| for j in 0 .. 2 -> let c = [| for i in 0 .. rows - 1 -> X.[i, j] |] in let m = Array.average c in sqrt (c |> Array.averageBy (fun x -> (x - m) ** 2.0)) |]
            let plain = RidgeRegression.Fit(Array2D.mapi (fun _ j x -> x / sd.[j]) X, Y, lambda)
            for j in 0 .. 2 do
                for k in 0 .. 1 do
                    // the same 3×3 solve on the same numbers, in another order: rounding only
                    Expect.floatClose { absolute = 1e-9; relative = 1e-9 } fit.Weights.[j, k] (plain.Weights.[j, k] / sd.[j]) $"weight {j},{k}"
            let viaEigen = RidgeRegression.FitOnValidation(X, Y, X, Y, [| lambda |], standardize = true).Readout
            Expect.floatClose { absolute = 1e-9; relative = 1e-9 } viaEigen.Weights.[2, 1] fit.Weights.[2, 1] "eigen path standardises too"
            // standardised ridge does not care about a feature's units: rescaling a column leaves the predictions unchanged
            let rescaled = RidgeRegression.Fit(Array2D.mapi (fun _ j x -> if j = 0 then 1000.0 * x else x) X, Y, lambda, standardize = true)
            let p1 = fit.Predict X
            let p2 = rescaled.Predict(Array2D.mapi (fun _ j x -> if j = 0 then 1000.0 * x else x) X)
            Expect.isLessThan (mse p1 p2) 1e-20 "same predictions whatever the units of a feature"
        }

        test "readout features are [u, r] or [u, r, r²]" {
            let u = [| 0.5; -2.0 |]
            let r = [| 0.0; 1.5; 3.0 |]
            Expect.equal (ReadoutFeatureMap.Count(ReadoutFeatures.InputAndTraces, 2, 3)) 5 "D + N"
            Expect.equal (ReadoutFeatureMap.Count(ReadoutFeatures.InputTracesAndSquares, 2, 3)) 8 "D + 2N"
            let linear = Array.zeroCreate 5
            ReadoutFeatureMap.Fill(ReadoutFeatures.InputAndTraces, ReadOnlySpan u, ReadOnlySpan r, Span linear)
            Expect.equal linear [| 0.5; -2.0; 0.0; 1.5; 3.0 |] "[u, r]"
            let squared = Array.zeroCreate 8
            ReadoutFeatureMap.Fill(ReadoutFeatures.InputTracesAndSquares, ReadOnlySpan u, ReadOnlySpan r, Span squared)
            Expect.equal squared [| 0.5; -2.0; 0.0; 1.5; 3.0; 0.0; 2.25; 9.0 |] "[u, r, r²]"
            Throws.withMessage<ArgumentException> [ "destination has 5"; "8" ] (fun () ->
                ReadoutFeatureMap.Fill(ReadoutFeatures.InputTracesAndSquares, ReadOnlySpan u, ReadOnlySpan r, Span linear))
        }

        test "a forecaster with squared-trace features: same seed, same forecast; the model file keeps its features" {
            let data = lorenz.Force()
            let options = ReservoirTrainingOptions(Washout = 100, Features = ReadoutFeatures.InputTracesAndSquares)
            let train () = ReservoirForecaster.Train(small, 5L, Series.Rows(data.Train, 0, 600), data.Val, options).Forecaster
            let a, b = train (), train ()
            Expect.equal a.Readout.FeatureCount (3 + 2 * small.NeuronCount) "D + 2N weights"
            let warmup = Series.Rows(data.Test, 0, 100)
            Expect.equal (a.Forecast(warmup, 30)) (b.Forecast(warmup, 30)) "same seed: identical closed loop"
            let path = IO.Path.Combine(IO.Path.GetTempPath(), $"reservoir-{Guid.NewGuid():N}.safetensors")
            try
                NeuroDyn.Artifacts.ModelArtifact.Save(a, path)
                let loaded = NeuroDyn.Artifacts.ModelArtifact.Load<ReservoirForecaster> path
                Expect.equal loaded.Features ReadoutFeatures.InputTracesAndSquares "features survive the file"
                Expect.equal (loaded.Forecast(warmup, 30)) (a.Forecast(warmup, 30)) "reloaded: identical closed loop"
            finally
                IO.File.Delete path
        }

        test "the same seed gives the same reservoir traces, another seed different ones" {
            let input = drivenSignal 150 0 |> Array2D.map id
            let traces (seed: int64) threads =
                use r = new SpikingReservoir(meanDriven 2 threads, seed)
                r.Drive input
            let a = traces 3L 1
            Expect.equal (traces 3L 2) a "same seed (and any thread count): identical traces"
            Expect.notEqual (traces 4L 1) a "another seed: other traces"
            Expect.isGreaterThan (Seq.sum (Seq.cast<float> a)) 0.0 "the neurons fire"
        }

        test "echo-state check: identical initial states give identical traces; a strong drive makes different ones converge" {
            let input = drivenSignal 600 0
            let options drive scale = SpikingReservoirOptions(Network = small.Network, InputSize = 2, BiasMean = drive, BiasSpread = 0.3 * drive, InputScale = scale, TraceTimeConstant = 10.0, SampleDuration = 1.0)
            let weak, strong = options 22.0 2.0, options 80.0 40.0
            Expect.equal (ReservoirConsistency.TraceDifference(weak, 1L, input, 100, 7, 7)) 0.0 "same initial state, same seed, same input: identical traces"
            let dWeak = ReservoirConsistency.TraceDifference(weak, 1L, input, 100, 7, 8)
            let dStrong = ReservoirConsistency.TraceDifference(strong, 1L, input, 100, 7, 8)
            printfn "trace difference from two initial states: weak drive %.3f, strong drive %.3f" dWeak dStrong
            // near threshold and with J = 0.5 mV the network keeps its own variability; a drive of 80 ± 24 mV with input weights of 40 mV
            // dominates the recurrent input and the neurons follow the input (measured 0.67 against 0.18 with this seed)
            Expect.isGreaterThan dWeak 0.1 "a weakly driven network remembers its initial state"
            Expect.isLessThan dStrong (0.5 * dWeak) "a strongly driven one forgets it"
        }

        test "training-input noise is reproducible from its seed and changes the readout; the one-step test stays clean" {
            let data = lorenz.Force()
            let train noise noiseSeed =
                ReservoirForecaster.Train(small, 6L, Series.Rows(data.Train, 0, 500), data.Val,
                    ReservoirTrainingOptions(Washout = 100, InputNoise = noise, NoiseSeed = noiseSeed)).Forecaster
            let clean, noisy, again, other = train 0.0 0, train 0.01 3, train 0.01 3, train 0.01 4
            Expect.equal noisy.Readout.Weights again.Readout.Weights "same noise seed: same readout"
            Expect.notEqual noisy.Readout.Weights other.Readout.Weights "another noise seed: another readout"
            Expect.notEqual noisy.Readout.Weights clean.Readout.Weights "noise changes the readout"
            Expect.equal (train 0.0 9).Readout.Weights clean.Readout.Weights "no noise: the noise seed plays no part"
            let test = noisy.PredictOneStep(Series.Rows(data.Test, 0, 300), 100)
            // the one-step evaluation feeds the true series: its targets are exactly the next rows
            Expect.equal test.Targets (Series.Rows(data.Test, 101, 199)) "clean targets"
            Throws.withMessage<ArgumentOutOfRangeException> [ "InputNoise" ] (fun () ->
                ReservoirForecaster.Train(small, 6L, Series.Rows(data.Train, 0, 500), data.Val, ReservoirTrainingOptions(Washout = 100, InputNoise = -1.0)) |> ignore)
        }

        test "one-step prediction of a driven signal beats persistence" {
            let options = meanDriven 2 1
            let training = ReservoirForecaster.Train(options, 1L, drivenSignal 2000 0, drivenSignal 600 2000, ReservoirTrainingOptions(Washout = 100))
            let test = training.Forecaster.PredictOneStep(drivenSignal 600 2600, 100)
            printfn "driven signal: one-step MSE %.3g, persistence %.3g, λ %g" test.Mse test.PersistenceMse training.Forecaster.Readout.Lambda
            // the readout sees u_t and the traces; a 70 ms oscillation is learnt well beyond persistence
            Expect.isLessThan test.Mse (0.2 * test.PersistenceMse) "at least five times better than x̂_{t+1} = x_t"
        }

        test "the first closed-loop step is the teacher-forced one-step prediction" {
            let data = lorenz.Force()
            let training = ReservoirForecaster.Train(small, 3L, Series.Rows(data.Train, 0, 600), data.Val, ReservoirTrainingOptions(Washout = 100))
            let f = training.Forecaster
            let series = Series.Rows(data.Test, 0, 122) // warm-up of 120 samples, the state to predict and one more
            let teacher = f.PredictOneStep(series, 119) // predicts row 120 from the traces after row 119
            let closed = f.Forecast(Series.Rows(data.Test, 0, 120), 1)
            for k in 0 .. 2 do
                // same reservoir, same inputs, same readout: identical arithmetic up to the order of the readout sum
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } closed.[0, k] teacher.Predictions.[0, k] $"component {k}"
        }

        test "surrogate spike: forward is the Heaviside step, backward the fast-sigmoid derivative" {
            TorchRuntime.Initialize() |> ignore
            let alpha = 10.0
            let values = [| -2.0; -0.3; -1e-3; 0.0; 1e-3; 0.05; 0.7; 3.0 |]
            let x = torch.tensor(values, dtype = f64).requires_grad_(true)
            let s = SurrogateSpike.Apply(x, alpha)
            Expect.sequenceEqual (s.data<float>().ToArray()) (values |> Array.map (fun v -> if v > 0.0 then 1.0 else 0.0)) "H(x)"
            let upstream = torch.tensor([| 0.5; -1.0; 2.0; 1.0; 3.0; -0.7; 1.5; 0.2 |], dtype = f64)
            (s * upstream).sum().backward()
            let grad = x.grad.data<float>().ToArray()
            for i in 0 .. values.Length - 1 do
                let expected = upstream.[int64 i].item<float>() / (alpha * abs values.[i] + 1.0) ** 2.0
                // the backward pass evaluates the same formula: rounding only
                Expect.floatClose { absolute = 1e-14; relative = 1e-14 } grad.[i] expected $"gradient at x = {values.[i]}"
            // the surrogate is the derivative of the fast sigmoid f(x) = x / (1 + α|x|): central differences (h = 1e-6, error O(h²) ≈ 1e-10 away from 0)
            let f v = v / (1.0 + alpha * abs v)
            for v in [ -2.0; -0.3; 0.05; 0.7; 3.0 ] do
                let h = 1e-6
                let numeric = (f (v + h) - f (v - h)) / (2.0 * h)
                let surrogate = SurrogateSpike.Derivative(torch.tensor([| v |], dtype = f64), alpha).item<float>()
                Expect.floatClose { absolute = 1e-8; relative = 0.0 } surrogate numeric $"surrogate derivative at {v}"
        }

        test "the surrogate network's loss falls within a few training epochs, with gradient reaching the input weights" {
            TorchRuntime.Initialize() |> ignore
            let data = lorenz.Force()
            let model = new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 32), 1L)
            let windows = torch.tensor(Series.Rows(data.Train, 0, 20), dtype = f64).unsqueeze(0)
            let loss = (squared (model.PredictNext(windows) - torch.tensor(Series.Row(data.Train, 20), dtype = f64))).sum()
            loss.backward()
            Expect.isGreaterThan (model.InputWeight.grad.abs().sum().item<float>()) 0.0 "the surrogate path carries gradient to W_in"
            model.zero_grad()
            let before = Evaluate.OneStepMse(model, data.Val, 20)
            let options = TrainingOptions(Epochs = 4, BatchSize = 32, SeqLength = 20, LearningRate = 3e-3, MaxBatchesPerEpoch = Nullable 8, Seed = 1)
            let result = Trainer.Fit(model, data.Train, data.Val, options)
            let after = Evaluate.OneStepMse(model, data.Val, 20)
            printfn "surrogate network: validation MSE %.3g -> %.3g; epochs %A" before after (result.History |> Seq.map (fun e -> e.TrainLoss) |> Seq.toList)
            Expect.isLessThan after (0.8 * before) "validation MSE falls by at least 20 % in 4 short epochs"
            use _ = torch.no_grad()
            Expect.sequenceEqual (model.Rollout(windows, 7).shape) [| 1L; 7L; 3L |] "Rollout [B, steps, D]"
        }

        test "the surrogate network's increment readout adds the last input to the state readout; its rollout continues its warm-up" {
            TorchRuntime.Initialize() |> ignore
            use increment = new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 16, StepsPerSample = 4), 5L)
            use state = new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 16, StepsPerSample = 4, Readout = NeuroDyn.Models.ReadoutTarget.State), 5L)
            Expect.equal increment.Options.Readout NeuroDyn.Models.ReadoutTarget.Increment "the increment readout is the default"
            let w = NeuroDyn.Tests.RateModelChecks.windows 2 30
            use _ = torch.no_grad()
            let plain = state.PredictNext(w)
            Expect.isGreaterThan (plain.abs().max().item<float>()) 0.0 "30 samples of 4 steps make the neurons spike"
            // the readout target does not enter the initialisation: the same weights and spikes, then one (commutative) addition
            Expect.equal (NeuroDyn.Tests.RateModelChecks.maxDiff (increment.PredictNext(w)) (plus (w.select(1, -1L)) plain)) 0.0 "x_last + readout"
            NeuroDyn.Tests.RateModelChecks.expectRolloutMatchesOneStep increment w 3
        }

        test "the reservoir's background rates follow Brunel's mean field within 25 % in the asynchronous-irregular states" {
            // 500 neurons, C_E = 200, C_I = 50, J = 0.5 mV (C_E J = 100 mV as in Brunel's network, so the same regimes); the diffusion
            // approximation ignores the finite jump J (5 % of θ − V_r), the delay and the finite recording (1 s of 500 neurons), which
            // together move the rate by up to about 10 % (measured 0.92–1.01 of the theory on 1000 neurons): 25 % is the issue's tolerance
            for g in [ 5.0; 6.0; 7.0; 8.0 ] do
                let options = SpikingReservoirOptions(Network = BrunelParameters(ExcitatoryCount = 400, InhibitoryCount = 100, Epsilon = 0.5, J = 0.5, G = g, Eta = 2.0))
                let state = ReservoirBackgroundState.Measure(options, 11L, 200.0, 1000.0)
                printfn "g = %g: %.1f Hz against the mean field's %.1f Hz, CV %.2f" g state.RateHz state.MeanFieldRateHz state.IsiCv
                Expect.isTrue state.FluctuationDriven $"g = {g}: μ = {state.MeanInput:F1} mV below threshold"
                Expect.floatClose { absolute = 0.0; relative = 0.25 } state.RateHz state.MeanFieldRateHz $"g = {g}: rate against the mean field"
            // excitation-dominated (g = 3): mean-driven, near saturation and clock-like, as in Brunel's synchronous-regular state
            let regular = ReservoirBackgroundState.Measure(SpikingReservoirOptions(Network = BrunelParameters(ExcitatoryCount = 400, InhibitoryCount = 100, Epsilon = 0.5, J = 0.5, G = 3.0, Eta = 2.0)), 11L, 100.0, 300.0)
            Expect.isFalse regular.FluctuationDriven "g = 3 is mean-driven"
            Expect.isLessThan regular.IsiCv 0.2 "g = 3 fires regularly"
        }

        test "the default reservoir is balanced: fluctuation-driven, irregular firing with a CV of the inter-spike intervals near 1" {
            let state = ReservoirBackgroundState.Measure(SpikingReservoirOptions(), 1L, 200.0, 1000.0)
            printfn "default reservoir: %.1f Hz (mean field %.1f Hz), CV %.2f, chi %.2f" state.RateHz state.MeanFieldRateHz state.IsiCv state.Synchrony
            Expect.isTrue state.FluctuationDriven "the mean input stays below threshold"
            // a Poisson process has CV 1; the refractory period lowers it a little, slow rate fluctuations raise it: [0.8, 1.3] is "near 1"
            // and far from the mean-driven reservoir's regular firing (CV below 0.3)
            Expect.isTrue (state.IsiCv >= 0.8 && state.IsiCv <= 1.3) $"CV {state.IsiCv:F2} in [0.8, 1.3]"
            Expect.floatClose { absolute = 0.0; relative = 0.25 } state.RateHz state.MeanFieldRateHz "rate of the mean-field theory"
        }

        test "bad options and inputs are refused with clear errors" {
            Throws.withMessage<ArgumentException> [ "TraceTimeConstant"; "> 0" ] (fun () -> SpikingReservoirOptions(TraceTimeConstant = 0.0).Validate() |> ignore)
            Throws.withMessage<ArgumentException> [ "SampleDuration"; "multiple" ] (fun () -> SpikingReservoirOptions(SampleDuration = 0.15).Validate() |> ignore)
            Throws.withMessage<ArgumentException> [ "InputScale" ] (fun () -> SpikingReservoirOptions(InputScale = nan).Validate() |> ignore)
            Throws.withMessage<ArgumentException> [ "BrunelParameters.TauM" ] (fun () -> SpikingReservoirOptions(Network = BrunelParameters(TauM = -1.0)).Validate() |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "λ"; "> 0" ] (fun () -> RidgeRegression.Fit(Array2D.create 3 1 1.0, Array2D.create 3 1 1.0, 0.0) |> ignore)
            Throws.withMessage<ArgumentException> [ "3 rows"; "4" ] (fun () -> RidgeRegression.Fit(Array2D.create 3 1 1.0, Array2D.create 4 1 1.0, 1.0) |> ignore)
            Throws.withMessage<ArgumentException> [ "NaN" ] (fun () -> RidgeRegression.Fit(Array2D.create 3 1 nan, Array2D.create 3 1 1.0, 1.0) |> ignore)
            Throws.withMessage<ArgumentException> [ "empty" ] (fun () -> RidgeRegression.FitOnValidation(Array2D.create 3 1 1.0, Array2D.create 3 1 1.0, Array2D.create 3 1 1.0, Array2D.create 3 1 1.0, [||]) |> ignore)
            use r = new SpikingReservoir(small, 1L)
            Throws.withMessage<ArgumentException> [ "input[1]"; "finite" ] (fun () -> r.Advance(ReadOnlySpan [| 0.0; nan; 0.0 |]).Length |> ignore)
            Throws.withMessage<ArgumentException> [ "2 entries"; "3" ] (fun () -> r.Advance(ReadOnlySpan [| 0.0; 0.0 |]).Length |> ignore)
            let wrongReadout = RidgeReadout(Array2D.zeroCreate 5 3, [| 0.0; 0.0; 0.0 |], 1.0)
            Throws.withMessage<ArgumentException> [ "another reservoir" ] (fun () -> ReservoirForecaster(small, 1L, wrongReadout) |> ignore)
            Throws.withMessage<ArgumentException> [ "washout" ] (fun () -> ReservoirForecaster.Train(small, 1L, Array2D.zeroCreate 50 3, Array2D.zeroCreate 50 3, ReservoirTrainingOptions(Washout = 60)) |> ignore)
            Throws.withMessage<ArgumentException> [ "Hidden" ] (fun () -> new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 0), 1L) |> ignore)
            Throws.withMessage<ArgumentException> [ "TauMem" ] (fun () -> new SurrogateLifNetwork(SurrogateLifOptions(TauMem = 0.0), 1L) |> ignore)
            use net = new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 4), 1L)
            Throws.withMessage<ArgumentException> [ "NaN" ] (fun () -> net.PredictNext(shift nan (torch.zeros([| 1L; 3L; 3L |], dtype = f64))) |> ignore)
            Throws.withMessage<ArgumentException> [ "[batch, length, 3]" ] (fun () -> net.PredictNext(torch.zeros([| 1L; 3L; 2L |], dtype = f64)) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "steepness" ] (fun () -> SurrogateSpike.Apply(torch.zeros(3), -1.0) |> ignore)
        }
    ]
