/// A CT-RNN saved as safetensors loads in PyTorch (Debian's python3-torch, installed by ./build.sh) through interop/ctrnn_pytorch.py
/// (ModelArtifact) and predicts what the core predicts; its metadata rebuilds the options.
module NeuroDyn.Tests.InteropTests

open System
open System.IO
open Expecto
open TorchSharp
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Solvers
open NeuroDyn.Torch
open NeuroDyn.Training

[<Tests>]
let tests =
    testList "interop" [
        test "the options survive the model file's metadata; a missing entry is named" {
            let options = CtRnnOptions(Hidden = 12, Tau = 0.2, SampleInterval = 0.1, Solver = OdeMethod.Midpoint, StepsPerSample = 3, Readout = ReadoutTarget.Increment, IncrementScale = 0.0712345678901234)
            Expect.equal (CtRnnMetadata.FromMetadata(options.ToMetadata())) options "round trip, doubles to the last bit"
            let partial = options.ToMetadata() |> Seq.filter (fun kv -> kv.Key <> "tau") |> Seq.map (fun kv -> kv.Key, kv.Value) |> readOnlyDict
            Throws.withMessage<ArgumentException> [ "'tau'" ] (fun () -> CtRnnMetadata.FromMetadata partial |> ignore)
        }

        test "PyTorch loads the safetensors file and predicts the same next states" {
            TorchRuntime.Initialize() |> ignore
            let folder = Run.tempFolder "interop"
            try
                let options = CtRnnOptions(Hidden = 12, Tau = 0.2, SampleInterval = 0.1, Solver = OdeMethod.Rk4, StepsPerSample = 2, Readout = ReadoutTarget.Increment, IncrementScale = 0.07)
                let model = new CtRnn(options, 3L)
                let modelPath = Path.Combine(folder, "ctrnn.safetensors")
                NeuroDyn.Artifacts.ModelArtifact.Save(model, modelPath)
                let rng = Random(4)
                let batch, length = 5, 9
                let values = Array.init (batch * length * 3) (fun _ -> 2.0 * rng.NextDouble() - 1.0)
                File.WriteAllBytes(Path.Combine(folder, "windows.npy"), NpyArray([| batch; length; 3 |], NpyType.Float64, values).ToNpy())
                let result = Run.program Run.python [ Path.Combine(Run.root, "interop", "ctrnn_pytorch.py"); modelPath; "windows.npy"; "predictions.npy" ] folder (TimeSpan.FromMinutes 2.0)
                if result.ExitCode <> 0 then failtestf "python3 with torch failed (is python3-torch installed? ./build.sh installs it):\n%s" result.Output
                let fromPyTorch = NpyArray.FromNpy(File.ReadAllBytes(Path.Combine(folder, "predictions.npy"))).AsMatrix()
                use windows = torch.tensor(values, dtype = torch.float64).reshape(int64 batch, int64 length, 3L)
                use _ = torch.no_grad()
                use ours = model.PredictNext windows
                // the same float64 arithmetic in another library (another summation order in the matrix products): rounding, ~1e-15
                for i in 0 .. batch - 1 do
                    for j in 0 .. 2 do
                        Expect.floatClose { absolute = 1e-12; relative = 0.0 } fromPyTorch.[i, j] (ours.[int64 i, int64 j].ToDouble()) $"window {i}, component {j}"
            finally
                Directory.Delete(folder, true)
        }
    ]
