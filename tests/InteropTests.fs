/// Every trained model is portable: the CT-RNN and the E/I network saved as safetensors load in PyTorch (Debian's python3-torch, installed
/// by ./build.sh) through interop/ctrnn_pytorch.py and interop/ei_rate_pytorch.py (ModelArtifact) and predict what the core predicts; the
/// spiking reservoir's readout, applied in numpy by interop/reservoir_readout_numpy.py to the traces its LIF network produced
/// (ReservoirTraceFile), predicts what the core predicts.
module NeuroDyn.Tests.InteropTests

open System
open System.IO
open Expecto
open TorchSharp
open NeuroDyn.Artifacts
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Models.Spiking
open NeuroDyn.Solvers
open NeuroDyn.Torch
open NeuroDyn.Training

/// Runs an interop script in a folder with Debian's python3; the outcome (a failure to start python is the test's failure).
let private script (name: string) (arguments: string list) (folder: string) =
    Run.program Run.python (Path.Combine(Run.root, "interop", name) :: arguments) folder (TimeSpan.FromMinutes 2.0)

/// Saves a torch model, runs the interop script on random windows [5, 9, 3] and checks its predictions against the core's to 1e-12:
/// the same float64 arithmetic in another library (another summation order in the matrix products) differs by rounding, ~1e-15.
let private expectSamePredictions (scriptName: string) (model: ISequenceModel) =
    TorchRuntime.Initialize() |> ignore
    let folder = Run.tempFolder "interop"
    try
        let modelPath = Path.Combine(folder, "model.safetensors")
        ModelArtifact.Save(model, modelPath)
        let rng = Random(4)
        let batch, length = 5, 9
        let values = Array.init (batch * length * 3) (fun _ -> 2.0 * rng.NextDouble() - 1.0)
        File.WriteAllBytes(Path.Combine(folder, "windows.npy"), NpyArray([| batch; length; 3 |], NpyType.Float64, values).ToNpy())
        let result = script scriptName [ modelPath; "windows.npy"; "predictions.npy" ] folder
        if result.ExitCode <> 0 then failtestf "python3 with torch failed (is python3-torch installed? ./build.sh installs it):\n%s" result.Output
        let fromPyTorch = NpyArray.FromNpy(File.ReadAllBytes(Path.Combine(folder, "predictions.npy"))).AsMatrix()
        use windows = torch.tensor(values, dtype = torch.float64).reshape(int64 batch, int64 length, 3L)
        use _ = torch.no_grad()
        use ours = model.PredictNext windows
        for i in 0 .. batch - 1 do
            for j in 0 .. 2 do
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } fromPyTorch.[i, j] (ours.[int64 i, int64 j].item<float>()) $"window {i}, component {j}"
    finally
        Directory.Delete(folder, true)

/// A short z-scored Lorenz data set (20 time units).
let private lorenz = lazy ((LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0))).Data)

[<Tests>]
let tests =
    testList "interop" [
        test "the options survive the model file's metadata; a missing entry is named" {
            let options = CtRnnOptions(Hidden = 12, Tau = 0.2, SampleInterval = 0.1, Solver = OdeMethod.Midpoint, StepsPerSample = 3, Readout = ReadoutTarget.Increment, IncrementScale = 0.0712345678901234)
            Expect.equal (CtRnnMetadata.FromMetadata(options.ToMetadata())) options "round trip, doubles to the last bit"
            let partial = options.ToMetadata() |> Seq.filter (fun kv -> kv.Key <> "tau") |> Seq.map (fun kv -> kv.Key, kv.Value) |> readOnlyDict
            Throws.withMessage<ArgumentException> [ "'tau'" ] (fun () -> CtRnnMetadata.FromMetadata partial |> ignore)
        }

        test "PyTorch loads the CT-RNN's safetensors file and predicts the same next states" {
            TorchRuntime.Initialize() |> ignore
            let options = CtRnnOptions(Hidden = 12, Tau = 0.2, SampleInterval = 0.1, Solver = OdeMethod.Rk4, StepsPerSample = 2, Readout = ReadoutTarget.Increment, IncrementScale = 0.07)
            expectSamePredictions "ctrnn_pytorch.py" (new CtRnn(options, 3L))
        }

        test "PyTorch loads the E/I network's file and predicts the same next states, for each rate function and readout" {
            TorchRuntime.Initialize() |> ignore
            // 11 units at 0.8 give n_E = round(8.8) = 9; τ_E ≠ τ_I, so a swapped time constant would show
            expectSamePredictions "ei_rate_pytorch.py" (new EiRateNetwork(EiRateNetworkOptions(Hidden = 11, TauE = 0.4, TauI = 0.15, StepsPerSample = 2), 4L))
            expectSamePredictions "ei_rate_pytorch.py"
                (new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, ExcitatoryFraction = 0.7, TauE = 0.3, TauI = 0.2, Activation = RateActivation.Softplus, ReadoutFromExcitatory = false,
                                                        Solver = OdeMethod.Midpoint, Readout = ReadoutTarget.Increment, IncrementScale = 0.05, ExternalDrive = 1.5), 5L))
            // an input that reaches only some units is a W_in with rows of zeros, which the script uses as stored
            let masked = new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, Solver = OdeMethod.Euler), 6L)
            use _ = torch.no_grad()
            masked.InputWeight.narrow(0, 8L, 2L).zero_() |> ignore
            expectSamePredictions "ei_rate_pytorch.py" masked
        }

        test "an option the PyTorch script does not know is refused, naming the key" {
            TorchRuntime.Initialize() |> ignore
            let folder = Run.tempFolder "interop"
            try
                let path = Path.Combine(folder, "ei.safetensors")
                ModelArtifact.Save(new EiRateNetwork(EiRateNetworkOptions(Hidden = 6), 1L), path)
                let edited =
                    use content = SafeTensors.Read path
                    let metadata = content.Metadata |> Seq.filter (fun kv -> kv.Key <> SafeTensors.ChecksumKey) |> Seq.map (fun kv -> kv.Key, kv.Value) |> Map.ofSeq |> Map.add "leak_gain" "2"
                    let other = Path.Combine(folder, "edited.safetensors")
                    SafeTensors.Write(other, content.Tensors, readOnlyDict (Map.toSeq metadata))
                    other
                let result = script "ei_rate_pytorch.py" [ edited; "windows.npy"; "predictions.npy" ] folder
                Expect.notEqual result.ExitCode 0 "an unknown option must stop the script"
                Expect.stringContains result.Output "'leak_gain'" "the message names the key"
                let wrongKind = script "reservoir_readout_numpy.py" [ path; "traces.npz"; "predictions.npy" ] folder
                Expect.notEqual wrongKind.ExitCode 0 "an E/I file is not a reservoir"
                Expect.stringContains wrongKind.Output "holds a EiRateNetwork, not a SpikingReservoir" "the message names both kinds"
            finally
                Directory.Delete(folder, true)
        }

        test "numpy applies the reservoir's readout to the saved traces and predicts the same next states" {
            let data = lorenz.Force()
            let options =
                SpikingReservoirOptions(
                    Network = BrunelParameters(ExcitatoryCount = 200, InhibitoryCount = 50, Epsilon = 0.2, J = 0.5, G = 5.0, Eta = 0.0),
                    BiasMean = 40.0, TraceTimeConstant = 15.0, SampleDuration = 2.0)
            let folder = Run.tempFolder "interop"
            try
                for features in [ ReadoutFeatures.InputTracesAndSquares; ReadoutFeatures.InputAndTraces ] do
                    let forecaster =
                        ReservoirForecaster.Train(options, 7L, Series.Rows(data.Train, 0, 400), data.Val, ReservoirTrainingOptions(Washout = 100, Features = features)).Forecaster
                    let series, washout = Series.Rows(data.Test, 0, 160), 40
                    let oneStep = forecaster.PredictOneStep(series, washout)
                    let modelPath = Path.Combine(folder, "models", "reservoir.safetensors")
                    Directory.CreateDirectory(Path.GetDirectoryName modelPath) |> ignore
                    ModelArtifact.Save(forecaster, modelPath)
                    let tracesPath = ReservoirTraceFile.PathBeside modelPath
                    Expect.equal tracesPath (Path.Combine(folder, "models", "reservoir.traces.npz")) "beside the model file"
                    ReservoirTraceFile.Write(tracesPath, series, washout, oneStep)
                    let result = script "reservoir_readout_numpy.py" [ modelPath; tracesPath; "predictions.npy" ] folder
                    if result.ExitCode <> 0 then failtestf "python3 with numpy failed (is python3-numpy installed? ./build.sh installs it):\n%s" result.Output
                    let fromNumpy = NpyArray.FromNpy(File.ReadAllBytes(Path.Combine(folder, "predictions.npy"))).AsMatrix()
                    Expect.equal (Array2D.length1 fromNumpy) 119 "one prediction per sample after the washout but the last"
                    // the same float64 products summed in another order (BLAS against the core's loop over features): rounding, ~1e-15
                    for r in 0 .. Array2D.length1 fromNumpy - 1 do
                        for k in 0 .. 2 do
                            Expect.floatClose { absolute = 1e-12; relative = 0.0 } fromNumpy.[r, k] oneStep.Predictions.[r, k] $"{features}: row {r}, component {k}"
                Throws.withMessage<ArgumentException> [ "series and washout" ] (fun () ->
                    let forecaster = ModelArtifact.Load<ReservoirForecaster>(Path.Combine(folder, "models", "reservoir.safetensors"))
                    ReservoirTraceFile.Write(Path.Combine(folder, "wrong.npz"), Series.Rows(data.Test, 1, 160), 40, forecaster.PredictOneStep(Series.Rows(data.Test, 0, 160), 40)))
            finally
                Directory.Delete(folder, true)
        }
    ]
