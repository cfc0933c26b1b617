/// The experiment contract's measuring side: Evaluate.Run against the separate Evaluate functions, the report's JSON round trip
/// and its refusals, and the percentile and column statistics against numpy.
module NeuroDyn.Tests.EvaluationTests

open System
open System.IO
open System.Globalization
open System.Text.Json.Nodes
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Tests.TestFixtures
open NeuroDyn.Analysis
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Models.Spiking
open NeuroDyn.Training

/// A short z-scored Lorenz data set (20 time units: 1400 / 300 / 300 rows).
let private lorenz = lazy ((LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0))).Data)

/// A CT-RNN trained for a few batches, so that its forecasts cross the threshold at different steps.
let private ctRnn =
    lazy (
        let data = lorenz.Force()
        let model = new CtRnn(CtRnnOptions(Hidden = 16, Tau = 0.1, Readout = ReadoutTarget.Increment, IncrementScale = 0.07), 2L)
        Trainer.Fit(model, data.Train, data.Val, TrainingOptions(Epochs = 2, MaxBatchesPerEpoch = 10, Threads = 1)) |> ignore
        model)

let private run = ModelRun("test model", "quick", 2L, 1.5)

/// Numbers printed by numpy, one per line.
let private numpyNumbers (code: string) =
    (Run.numpy code).Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map (fun s -> Double.Parse(s.Trim(), CultureInfo.InvariantCulture))

let private exactly = { absolute = 0.0; relative = 0.0 }

[<Tests>]
let tests =
    testSequenced <| testList "evaluation" [
        test "Evaluate.Run on a CT-RNN gives what the separate Evaluate functions give" {
            let data, model = lorenz.Force(), ctRnn.Force()
            let p = ForecastProtocol.Quick
            let report = Evaluate.Run(model, data, p, run)
            // the same arithmetic along another path of the code: equal to the last bit
            Expect.floatClose exactly report.OneStepMse (Evaluate.OneStepMse(model, data.Test, p.WarmUp)) "one-step MSE"
            let vpt = Evaluate.ValidPredictionTime(model, data.Test, p.WarmUp, p.Starts, p.Horizon, data.Dt, p.LyapunovExponent, p.Threshold, p.StartSeed)
            Expect.floatClose exactly report.Vpt.Median vpt.Median "median VPT"
            Expect.floatClose exactly report.Vpt.P10 vpt.P10 "p10"
            Expect.floatClose exactly report.Vpt.P90 vpt.P90 "p90"
            Expect.equal report.Vpt.PerStart vpt.PerStart "per-start VPTs"
            Expect.equal report.Vpt.Starts vpt.Starts "the protocol's starts"
            Expect.equal report.Vpt.N 20 "20 starts"
            Expect.isGreaterThan (Array.max vpt.PerStart) (Array.min vpt.PerStart) "the starts differ, so the percentiles are informative"
            let freeRun = Evaluate.FreeRun(model, Series.Rows(data.Test, 0, p.WarmUp), p.FreeRunSteps)
            Expect.equal report.FreeRun freeRun "the free run"
            Expect.floatClose exactly report.DStsp (AttractorAgreement.StateSpaceDivergence(data.Test, freeRun)) "D_stsp over the whole test split"
            Expect.floatClose exactly report.DH (AttractorAgreement.PowerSpectrumDistance(data.Test, Series.Rows(freeRun, 0, 300))) "D_H over the 300 common rows"
            // the error curve's median at each step is the median over starts of the curves ValidPredictionTime returns
            for k in [ 0; 57; p.Horizon - 1 ] do
                let column = vpt.ErrorCurves |> Array.map (fun c -> c.[k])
                Expect.floatClose exactly report.Vpt.ErrorMedian.[k] (Evaluate.Percentile(column, 0.5)) $"median error at step {k}"
                Expect.isLessThanOrEqual report.Vpt.ErrorP10.[k] report.Vpt.ErrorMedian.[k] "p10 ≤ median"
                Expect.isLessThanOrEqual report.Vpt.ErrorMedian.[k] report.Vpt.ErrorP90.[k] "median ≤ p90"
            Expect.equal (report.Kind, report.Name, report.Mode, report.Seed, report.ParameterCount) ("CtRnn", "test model", "quick", 2L, model.ParameterCount) "who was measured"
        }

        test "Evaluate.Run on the spiking reservoir: its forecasts, measured by the same VPT" {
            let data = lorenz.Force()
            let options =
                SpikingReservoirOptions(
                    Network = BrunelParameters(ExcitatoryCount = 200, InhibitoryCount = 50, Epsilon = 0.2, J = 0.5, G = 5.0, Eta = 0.0),
                    BiasMean = 30.0, BiasSpread = 6.0, InputScale = 12.0, TraceTimeConstant = 10.0, SampleDuration = 1.0)
            let forecaster = ReservoirForecaster.Train(options, 3L, Series.Rows(data.Train, 0, 500), data.Val, ReservoirTrainingOptions(Washout = 100)).Forecaster
            let p = ForecastProtocol(Starts = 20, Horizon = 60, FreeRunSteps = 600)
            let report = Evaluate.Run(forecaster, data, p, run)
            let starts = Evaluate.ForecastStarts(300, p.WarmUp, p.Horizon, p.Starts, p.StartSeed)
            let vpt = Evaluate.ValidPredictionTime(data.Test, p.WarmUp, starts, forecaster.Forecasts(data.Test, starts, p.WarmUp, p.Horizon, 1), data.Dt)
            Expect.equal report.Vpt.PerStart vpt.PerStart "per-start VPTs, one thread or many"
            Expect.floatClose exactly report.OneStepMse (forecaster.PredictOneStep(data.Test, p.WarmUp).Mse) "one-step MSE after a washout of the warm-up length"
            Expect.equal report.FreeRun (forecaster.Forecast(Series.Rows(data.Test, 0, p.WarmUp), 600)) "free run"
            Expect.equal report.Kind "SpikingReservoir" "kind"
            Expect.equal report.ParameterCount (forecaster.Readout.Weights.Length + 3) "trained parameters: the readout"
        }

        test "a report survives its JSON file; numpy reads the free run; other versions, corrupt files and changed free runs are refused" {
            let data, model = lorenz.Force(), ctRnn.Force()
            let report = Evaluate.Run(model, data, ForecastProtocol.Quick, run)
            let dir = Run.tempFolder "report"
            try
                let path = Path.Combine(dir, "ctrnn.json")
                let written = ForecastReportFile.Write(report, path)
                let read = ForecastReportFile.Read path
                Expect.equal read.FreeRun report.FreeRun "free run, bit for bit"
                Expect.equal read.Protocol report.Protocol "protocol"
                let bits (values: float list) = values |> List.map BitConverter.DoubleToInt64Bits
                Expect.equal (bits [ read.OneStepMse; read.DStsp; read.DH; read.LargestLyapunov ]) (bits [ report.OneStepMse; report.DStsp; report.DH; report.LargestLyapunov ])
                    "measures to the last bit (NaN, with its note, included)"
                Expect.equal read.Vpt.PerStart report.Vpt.PerStart "per-start VPTs"
                Expect.equal read.Vpt.ErrorMedian report.Vpt.ErrorMedian "median error curve"
                Expect.equal read.Timings report.Timings "timings"
                Expect.equal read.Notes report.Notes "notes"
                Expect.equal read.FreeRunFile "ctrnn.free_run.npy" "the free run lies beside the report"
                Expect.equal (read.SchemaVersion, read.Name, read.Kind, read.Mode, read.Seed, read.TrainingSeconds, read.ParameterCount, read.FreeRunSha256)
                    (written.SchemaVersion, written.Name, written.Kind, written.Mode, written.Seed, written.TrainingSeconds, written.ParameterCount, written.FreeRunSha256) "who, how, and the free run's checksum"
                let npy = Path.Combine(dir, read.FreeRunFile)
                let shape = Run.numpy $"import numpy as np; a = np.load('{npy}'); print(a.shape, a.dtype, repr(float(a[17, 2])))"
                let value = report.FreeRun.[17, 2].ToString("R", CultureInfo.InvariantCulture)
                Expect.stringContains shape $"(1000, 3) float64 {value}" "numpy reads the free run"

                let edit (change: JsonObject -> unit) =
                    let json = JsonNode.Parse(File.ReadAllText path).AsObject()
                    change json
                    File.WriteAllText(path, json.ToJsonString())
                edit (fun j -> j.["schema_version"] <- JsonValue.Create 2)
                Throws.withMessage<InvalidDataException> [ path; "schema version 2"; "version 1" ] (fun () -> ForecastReportFile.Read path |> ignore)
                ForecastReportFile.Write(report, path) |> ignore
                edit (fun j -> j.["d_stsp_new"] <- JsonValue.Create 1.0)
                Throws.withMessage<InvalidDataException> [ path; "d_stsp_new" ] (fun () -> ForecastReportFile.Read path |> ignore)
                ForecastReportFile.Write(report, path) |> ignore
                edit (fun j -> j.Remove "one_step_mse" |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "one_step_mse" ] (fun () -> ForecastReportFile.Read path |> ignore)
                File.WriteAllText(path, "{ \"schema_version\": 1, \"name\": ")
                Throws.withMessage<InvalidDataException> [ path; "not a valid forecast report" ] (fun () -> ForecastReportFile.Read path |> ignore)
                ForecastReportFile.Write(report, path) |> ignore
                let bytes = File.ReadAllBytes npy
                bytes.[bytes.Length - 5] <- bytes.[bytes.Length - 5] ^^^ 1uy
                File.WriteAllBytes(npy, bytes)
                Throws.withMessage<InvalidDataException> [ npy; path; "free_run_sha256" ] (fun () -> ForecastReportFile.Read path |> ignore)
            finally
                Directory.Delete(dir, true)
        }

        test "a report missing a key inside its protocol is refused, naming the file and the key; every protocol setting is read back" {
            let dir = Run.tempFolder "report-protocol"
            try
                let path = Path.Combine(dir, "model.json")
                // no setting at its default, so a value that silently came from the defaults would show
                let protocol =
                    ForecastProtocol(WarmUp = 7, Starts = 21, StartSeed = 3, Horizon = 9, Threshold = 0.3, LyapunovExponent = 0.5,
                                     FreeRunSteps = 4, FreeRunStart = 2, StateSpaceBins = 11, SpectrumSmoothing = 1.5)
                let vpt = VptSummary(1.0, 0.5, 1.5, 21, 0, Array.create 21 1.0, Array.init 21 id, [| 0.1 |], [| 0.2 |], [| 0.1 |], [| 0.3 |])
                let report =
                    ForecastReport(0, "model", "CtRnn", "quick", 1L, 2.0, 10, protocol, 0.01, vpt, 0.5, 0.2, 0.9, "", "",
                                   EvaluationTimings(1.0, 2.0, 3.0, 4.0), [||], FreeRun = Array2D.init 4 3 (fun i j -> float (i + j)))
                ForecastReportFile.Write(report, path) |> ignore
                Expect.equal (ForecastReportFile.Read path).Protocol protocol "every protocol setting as written"
                let keys = [ for entry in JsonNode.Parse(File.ReadAllText path).["protocol"].AsObject() -> entry.Key ]
                Expect.equal keys.Length (typeof<ForecastProtocol>.GetProperties() |> Array.filter (fun p -> p.CanWrite) |> Array.length) "the file holds every setting"
                for key in keys do
                    ForecastReportFile.Write(report, path) |> ignore
                    let json = JsonNode.Parse(File.ReadAllText path).AsObject()
                    json.["protocol"].AsObject().Remove key |> ignore
                    File.WriteAllText(path, json.ToJsonString())
                    Throws.withMessage<InvalidDataException> [ path; $"'{key}'"; "Path: $.protocol."; "run the chapter" ] (fun () -> ForecastReportFile.Read path |> ignore)
            finally
                Directory.Delete(dir, true)
        }

        test "an analysis report survives its JSON file beside the forecast report; other versions, unknown keys and non-finite exponents are refused" {
            let dir = Run.tempFolder "analysis-report"
            try
                let path = AnalysisReportFile.PathBeside(Path.Combine(dir, "ctrnn.json"))
                Expect.equal path (Path.Combine(dir, "ctrnn.analysis.json")) "ID.json → ID.analysis.json"
                let analysis exponents rosenstein (periods: float[]) =
                    AnalysisReport(0, "CT-RNN", "quick", "closed-loop field", exponents, 2.0627, rosenstein, 2.05,
                        [| AnalysisFixedPoint([| 0.1; -0.2; 0.3 |], "SaddleFocus", 2, 0.094) |], periods, (if periods.Length > 0 then "field (Δ → 0)" else ""),
                        [| 0.5; 1.25; 0.75 |], 1.5, [| "Rosenstein's exponent: the free run settled." |])
                let report = analysis [| 0.91; 0.0; -14.5 |] nan [| 2.305907; 1.558652 |]
                let written = AnalysisReportFile.Write(report, path)
                Expect.equal written.SchemaVersion AnalysisReportFile.SchemaVersion "written with this schema version"
                let read = AnalysisReportFile.Read path
                Expect.equal (read.Name, read.Mode, read.Dynamics, read.LyapunovExponents, read.PeriodicOrbitPeriods, read.PeriodicOrbitSource, read.FreeRunMaxima, read.Notes)
                    (report.Name, report.Mode, report.Dynamics, report.LyapunovExponents, report.PeriodicOrbitPeriods, "field (Δ → 0)", report.FreeRunMaxima, report.Notes) "fields"
                Expect.equal (BitConverter.DoubleToInt64Bits read.RosensteinExponent) (BitConverter.DoubleToInt64Bits nan) "NaN survives"
                Expect.equal read.FixedPoints.[0].Output [| 0.1; -0.2; 0.3 |] "fixed point output"
                Expect.equal (read.FixedPoints.[0].Kind, read.FixedPoints.[0].UnstableDirections, read.FixedPoints.[0].LeadingRate) ("SaddleFocus", 2, 0.094) "fixed point stability"
                Expect.equal (read.LargestExponent, read.ShortestPeriod) (0.91, 1.558652) "the largest exponent is the spectrum's, the shortest period the least"
                AnalysisReportFile.Write(analysis [||] 0.8 [||], path) |> ignore
                Expect.equal (AnalysisReportFile.Read path).LargestExponent 0.8
                    "without a spectrum the largest exponent is Rosenstein's"
                Expect.isTrue (Double.IsNaN (AnalysisReportFile.Read path).ShortestPeriod) "no orbit: no shortest period"
                let edit (change: JsonObject -> unit) =
                    AnalysisReportFile.Write(report, path) |> ignore
                    let json = JsonNode.Parse(File.ReadAllText path).AsObject()
                    change json
                    File.WriteAllText(path, json.ToJsonString())
                edit (fun j -> j.["schema_version"] <- JsonValue.Create 7)
                Throws.withMessage<InvalidDataException> [ path; "analysis report of schema version 7"; "chapter 04" ] (fun () -> AnalysisReportFile.Read path |> ignore)
                // a report of the first layout (before 'periodic_orbit_source'): refused with the advice to analyse again
                edit (fun j -> j.["schema_version"] <- JsonValue.Create 1; j.Remove "periodic_orbit_source" |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "schema version 1"; "reads version 2"; "chapter 04" ] (fun () -> AnalysisReportFile.Read path |> ignore)
                edit (fun j -> j.["lyapunov_exponent"] <- JsonValue.Create 1.0)
                Throws.withMessage<InvalidDataException> [ path; "lyapunov_exponent" ] (fun () -> AnalysisReportFile.Read path |> ignore)
                edit (fun j -> j.Remove "kaplan_yorke" |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "kaplan_yorke" ] (fun () -> AnalysisReportFile.Read path |> ignore)
                edit (fun j -> j.["lyapunov_exponents"] <- JsonNode.Parse "[0.9, \"NaN\"]")
                Throws.withMessage<InvalidDataException> [ path; "lyapunov_exponents"; "non-finite" ] (fun () -> AnalysisReportFile.Read path |> ignore)
                Throws.withMessage<InvalidDataException> [ "periodic_orbit_periods" ] (fun () -> AnalysisReportFile.Write(analysis [| 0.9 |] nan [| -1.0 |], path) |> ignore)
                Throws.withMessage<InvalidDataException> [ "periodic_orbit_source"; "found in" ] (fun () ->
                    AnalysisReportFile.Write(AnalysisReport(0, "CT-RNN", "quick", "closed-loop field", [| 0.9 |], 2.0, nan, 2.0, [||], [| 1.5 |], "", [||], 1.0, [||]), path) |> ignore)
                Throws.withMessage<FileNotFoundException> [ "missing.analysis.json"; "chapter 04" ] (fun () -> AnalysisReportFile.Read(Path.Combine(dir, "missing.analysis.json")) |> ignore)
            finally
                Directory.Delete(dir, true)
        }

        test "percentiles follow numpy's linear rule and column std numpy's population std" {
            let random = Random 11
            let values = Array.init 37 (fun _ -> Math.Round(random.NextDouble() * 10.0, 6))
            let listed = String.Join(", ", values |> Array.map (fun v -> v.ToString("R", CultureInfo.InvariantCulture)))
            let qs = [| 0.0; 0.1; 0.25; 0.5; 0.9; 0.975; 1.0 |]
            let fractions = String.Join(", ", qs |> Array.map (fun q -> q.ToString("R", CultureInfo.InvariantCulture)))
            let expected = numpyNumbers $"""import numpy as np; v = np.array([{listed}]); print("\n".join(repr(float(np.percentile(v, q * 100))) for q in [{fractions}]))"""
            // the same interpolation, written in another order: equal to a few units in the last place
            for q, e in Array.zip qs expected do
                Expect.floatClose { absolute = 0.0; relative = 1e-15 } (Evaluate.Percentile(values, q)) e $"percentile {q}"
            let series = Array2D.init 37 3 (fun i j -> values.[(i * (j + 2)) % 37] * float (j + 1) - 4.0)
            let rows = String.Join(", ", [ for i in 0 .. 36 -> "[" + String.Join(", ", [ for j in 0 .. 2 -> series.[i, j].ToString("R", CultureInfo.InvariantCulture) ]) + "]" ])
            let std = numpyNumbers $"""import numpy as np; s = np.array([{rows}]); print("\n".join(repr(float(x)) for x in s.std(axis=0)))"""
            let ours = Evaluate.ComponentStd series
            for j in 0 .. 2 do Expect.floatClose { absolute = 0.0; relative = 1e-14 } ours.[j] std.[j] $"population std of column {j}"
            Throws.withMessage<ArgumentOutOfRangeException> [ "fraction" ] (fun () -> Evaluate.Percentile(values, 1.5) |> ignore)
        }

        test "evaluation in blocks gives the one-block numbers to rounding: forecasts and one-step MSE, CT-RNN and E/I network, float64 and float32" {
            let test = lorenz.Force().Test
            let starts = Evaluate.ForecastStarts(test.GetLength 0, 20, 30, 40, 3)
            let windows = test.GetLength 0 - 20
            let models : (string * ISequenceModel * float) list =
                [ "trained CT-RNN", upcast ctRnn.Force(), Math.Pow(2.0, -52.0)
                  "E/I network", upcast new EiRateNetwork(EiRateNetworkOptions(Hidden = 12, Readout = ReadoutTarget.Increment, IncrementScale = 0.07), 5L), Math.Pow(2.0, -52.0)
                  "float32 CT-RNN", upcast new CtRnn(CtRnnOptions(Hidden = 10), 6L, dtype = torch.ScalarType.Float32), Math.Pow(2.0, -23.0) ]
            let values (forecasts: float[,][]) = forecasts |> Array.collect (Seq.cast<float> >> Array.ofSeq)
            let bits (forecasts: float[,][]) = values forecasts |> Array.map BitConverter.DoubleToInt64Bits
            for name, model, eps in models do
                let whole = values (Evaluate.Forecasts(model, test, starts, 20, 30, blockRows = starts.Length))
                let wholeMse = Evaluate.OneStepMse(model, test, 20, windows)
                // libtorch picks its matrix-product kernel by the number of rows and the fused recurrence splits a block between the
                // cores, so a row's sums in h Wᵀ run in another order in another block size: rounding (eps per step, grown over the
                // 20 warm-up and 30 forecast steps), not bit for bit. 10⁴ eps bounds it with room; a wrong row or step is O(1).
                for block in [ 1; 7; Evaluate.DefaultBlockRows ] do
                    let blocked = values (Evaluate.Forecasts(model, test, starts, 20, 30, blockRows = block))
                    Expect.equal blocked.Length whole.Length $"{name}: every forecast in blocks of {block}"
                    let largest = Array.map2 (fun a b -> abs (a - b)) blocked whole |> Array.max
                    Expect.isLessThanOrEqual largest (1e4 * eps) $"{name}: forecasts in blocks of {block} equal the one-block ones to rounding"
                    let mse = Evaluate.OneStepMse(model, test, 20, block)
                    Expect.floatClose { absolute = 0.0; relative = 1e4 * eps } mse wholeMse $"{name}: one-step MSE in blocks of {block}"
                let forecaster = SequenceModelForecaster(model)
                Expect.equal forecaster.BlockRows Evaluate.DefaultBlockRows "the forecaster evaluates in blocks of the default size"
                let byDefault = Array.ofSeq (forecaster.Forecasts(test, starts, 20, 30))
                Expect.equal (bits byDefault) (bits (Evaluate.Forecasts(model, test, starts, 20, 30, blockRows = Evaluate.DefaultBlockRows))) $"{name}: the forecaster's blocks, bit for bit"
            Throws.withMessage<ArgumentOutOfRangeException> [ "blockRows" ] (fun () -> Evaluate.Forecasts(ctRnn.Force(), test, starts, 20, 30, blockRows = 0) |> ignore)
        }

        test "a protocol that cannot be used is refused, naming the setting" {
            Throws.withMessage<ArgumentOutOfRangeException> [ "ForecastProtocol.Starts"; "20" ] (fun () -> ForecastProtocol(Starts = 5).Validate() |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "ForecastProtocol.Threshold" ] (fun () -> ForecastProtocol(Threshold = 0.0).Validate() |> ignore)
            Expect.equal (ForecastProtocol.Default.Starts, ForecastProtocol.Default.Horizon, ForecastProtocol.Default.WarmUp, ForecastProtocol.Default.FreeRunSteps) (100, 1000, 50, 5000) "chapter 01's protocol"
        }
    ]

[<Tests>]
let forecastMeasureTests =
    TorchRuntime.Initialize() |> ignore
    testList "evaluation" [
        test "one-step MSE of the identity map on the rotation is 2(1 − cos ω dt) per state, i.e. (1 − cos ω dt) per component" {
            let model = LinearAR(2, 0)
            setWeight model (torch.eye(2L, dtype = torch.float64))
            // |R x − x|² = |x|² · 2(1 − cos a) with |x|² = 2 exactly, averaged over 2 components; rounding only (1e-12)
            Expect.floatClose { absolute = 1e-12; relative = 1e-12 } (Evaluate.OneStepMse(model, validation, 5, 64)) (2.0 * (1.0 - cos omegaDt)) "analytic MSE"
        }
        test "VPT of a forecast whose error grows as e0 exp(λt) is the analytic crossing time" {
            let lambda, dt, e0, threshold = 0.9056, 0.01, 2e-4, 0.4
            let series = rotationSeries (omegaDt * dt / 0.1) 4000 0 // ω = 1, dt = 0.01: about 6 periods
            let sigma =
                [| for i in 0 .. 1 ->
                    let column = Array.init 4000 (fun t -> series.[t, i])
                    let mean = Array.average column
                    sqrt (column |> Array.averageBy (fun x -> (x - mean) ** 2.0)) |]
            let scale = sqrt (Array.sumBy (fun s -> s * s) sigma)
            // e0 exp(λ t) / scale = threshold at t* = ln(threshold · scale / e0) / λ; the first grid time past it is (⌊t*/dt⌋ + 1) dt
            let tStar = log (threshold * scale / e0) / lambda
            let fraction = tStar / dt - floor (tStar / dt)
            Expect.isTrue (fraction > 0.05 && fraction < 0.95) "t* is not near a grid point, so rounding cannot move the crossing"
            let expected = (floor (tStar / dt) + 1.0) * dt * lambda
            let model = GrowingErrorOracle(0.01, e0, lambda, dt)
            let result = Evaluate.ValidPredictionTime(model, series, 10, 25, 1500, dt, lambda, threshold, 3)
            Expect.equal result.N 25 "25 starts"
            Expect.equal result.Censored 0 "all cross within 15 time units"
            // the same crossing step for every start; the VPT is that step times dt λ, exact up to one rounding
            for v in [ result.Median; result.P10; result.P90 ] do
                Expect.floatClose { absolute = 1e-12; relative = 1e-12 } v expected "VPT = (⌊t*/dt⌋ + 1) dt λ"
            Expect.equal result.ErrorCurves.[0].Length 1500 "one error per step"
            // the error curve itself is e0 exp(λt)/scale up to rounding of the repeated rotation (1e-9 relative)
            Expect.floatClose { absolute = 0.0; relative = 1e-9 } result.ErrorCurves.[4].[99] (e0 * exp (lambda * 100.0 * dt) / scale) "error at step 100"
        }
        test "VPT percentiles over starts with known crossing times, censoring included (array overload)" {
            let lambda, dt, threshold, horizon = 0.9056, 0.02, 0.4, 400
            let series = rotationSeries (dt) 3000 0
            let sigma = Evaluate.ComponentStd series
            let scale = sqrt (Array.sumBy (fun s -> s * s) sigma)
            let starts = [| for j in 0 .. 20 -> 100 * j + 7 |]
            let e0 j = 0.3 * exp (-0.9 * float j)
            let predicted =
                [| for j in 0 .. 20 ->
                    Array2D.init horizon 2 (fun k i -> series.[starts.[j] + 10 + k, i] + (if i = 0 then e0 j * exp (lambda * float (k + 1) * dt) else 0.0)) |]
            let result = Evaluate.ValidPredictionTime(series, 10, starts, predicted, dt, lambda, threshold)
            let horizonTime = float horizon * dt
            let analytic j =
                let t = log (threshold * scale / e0 j) / lambda
                if t >= horizonTime then horizonTime * lambda else (floor (t / dt) + 1.0) * dt * lambda
            let expected = Array.init 21 analytic
            // each is a whole number of steps times dt λ: exact up to rounding
            for j in 0 .. 20 do Expect.floatClose { absolute = 1e-12; relative = 1e-12 } result.PerStart.[j] expected.[j] $"start {j}"
            let sorted = Array.sort expected
            // with 21 values the 10th, 50th and 90th percentiles fall exactly on order statistics 2, 10 and 18
            Expect.floatClose { absolute = 1e-12; relative = 1e-12 } result.Median sorted.[10] "median"
            Expect.floatClose { absolute = 1e-12; relative = 1e-12 } result.P10 sorted.[2] "p10"
            Expect.floatClose { absolute = 1e-12; relative = 1e-12 } result.P90 sorted.[18] "p90"
            Expect.equal result.Censored (expected |> Array.filter (fun v -> v = horizonTime * lambda) |> Array.length) "censored count"
            Expect.isGreaterThan result.Censored 0 "the test covers censoring"
            Expect.throwsT<ArgumentException> (fun () -> Evaluate.ValidPredictionTime(series, 10, starts.[..9], predicted.[..9], dt) |> ignore) "fewer than 20 starts refused"
        }
        test "a free run of the exact linear map continues the rotation" {
            let model = LinearAR(2, 0)
            setWeight model (torch.tensor(rotation omegaDt, dtype = torch.float64))
            let warmup = Array2D.init 5 2 (fun t i -> validation.[t, i])
            let run = Evaluate.FreeRun(model, warmup, 300)
            let truth = rotationSeries omegaDt 305 630
            // 300 products with an orthogonal matrix: rounding grows about linearly, 1e-12 is ample
            for k in [ 0; 150; 299 ] do
                for i in 0 .. 1 do
                    Expect.floatClose { absolute = 1e-12; relative = 0.0 } run.[k, i] truth.[5 + k, i] $"step {k}, component {i}"
        }
    ]
