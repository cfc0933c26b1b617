/// The GRU baseline (GruNetwork): shapes and bad input, its update against the GRU equations written out by hand, gradients
/// against central differences, its model file, a short training on the quick data set and reproducibility from the seed.
module NeuroDyn.Tests.GruTests

open System
open System.IO
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Data
open NeuroDyn.Training
open NeuroDyn.Evaluation
open NeuroDyn.Artifacts
open NeuroDyn.Tests.ExplicitScalars

type private Tensor = torch.Tensor

let private f64 = torch.ScalarType.Float64

/// Row-major float64 copy of a tensor.
let private values (t: Tensor) = t.detach().contiguous().data<float>().ToArray()

/// Seeded windows [batch, length, dim] of N(0, 1) entries.
let private windows (batch: int) (length: int) (dim: int) (seed: int) =
    use generator = new torch.Generator(uint64 seed)
    torch.randn([| int64 batch; int64 length; int64 dim |], dtype = f64, generator = generator)

/// One GRU update written out in plain doubles with PyTorch's gate order (r, z, n) in the rows of W_ih [3n, D], W_hh [3n, n], b_ih, b_hh:
/// r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz), n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 − z) n + z h.
let private gruUpdate (model: GruNetwork) (h: float[]) (x: float[]) =
    let n, d = model.Options.Hidden, model.Options.InputSize
    let wih, whh, bih, bhh = values model.InputWeight, values model.RecurrentWeight, values model.InputBias, values model.RecurrentBias
    let input row = bih.[row] + Seq.sum (seq { for j in 0 .. d - 1 -> wih.[row * d + j] * x.[j] })
    let hidden row = bhh.[row] + Seq.sum (seq { for j in 0 .. n - 1 -> whh.[row * n + j] * h.[j] })
    let sigmoid v = 1.0 / (1.0 + exp -v)
    Array.init n (fun i ->
        let r = sigmoid (input i + hidden i)
        let z = sigmoid (input (n + i) + hidden (n + i))
        let candidate = tanh (input (2 * n + i) + r * hidden (2 * n + i))
        (1.0 - z) * candidate + z * h.[i])

/// The quick data set of the tutorial (20 time units of z-scored Lorenz-63).
let private quickData = lazy ((LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0))).Data)

/// A short one-step training run on the quick data: 3 epochs of 8 batches, windows of 20, one thread.
let private shortTraining (seed: int) =
    TrainingOptions(Epochs = 3, BatchSize = 32, SeqLength = 20, LearningRate = 1e-2, Seed = seed, MaxBatchesPerEpoch = Nullable 8, Threads = Nullable 1)

/// Every parameter of a module by name, as doubles.
let private weights (model: GruNetwork) = [ for KeyValue(name, t) in model.state_dict() -> name, values t ]

[<Tests>]
let tests =
    testSequenced <| testList "gru" [
        test "shapes of predictions and rollouts; the parameter count 3n(D + n) + 6n + nD + D, as the options compute it" {
            TorchRuntime.Initialize() |> ignore
            let model = new GruNetwork(GruOptions(Hidden = 7), 1L)
            Expect.equal (model.PredictNext(windows 4 9 3 1).shape) [| 4L; 3L |] "one-step predictions [B, D]"
            Expect.equal (model.Rollout(windows 4 9 3 1, 5).shape) [| 4L; 5L; 3L |] "rollouts [B, steps, D]"
            Expect.equal (model.WarmUp(windows 4 9 3 1).Hidden.shape) [| 4L; 7L |] "the state after a window [B, n]"
            for hidden, input in [ 1, 1; 7, 3; 36, 3; 20, 5 ] do
                let options = GruOptions(Hidden = hidden, InputSize = input, OutputSize = input)
                let expected = 3 * hidden * (input + hidden) + 6 * hidden + input * hidden + input
                Expect.equal (int options.ParameterCount) expected $"options' count for n = {hidden}, D = {input}"
                Expect.equal ((new GruNetwork(options, 1L)).ParameterCount) expected $"the network's count for n = {hidden}, D = {input}"
        }

        test "bad input: window shape and type, NaN, non-positive sizes, readout settings, closed loop with D_out ≠ D: clear errors" {
            TorchRuntime.Initialize() |> ignore
            let model = new GruNetwork(GruOptions(Hidden = 5), 1L)
            Throws.withMessage<ArgumentException> [ "[batch, length, 3]"; "[2, 4, 2]" ] (fun () -> model.PredictNext(windows 2 4 2 1) |> ignore)
            Throws.withMessage<ArgumentException> [ "[batch, length, 3]"; "[4, 3]" ] (fun () -> model.PredictNext(torch.zeros(4L, 3L, dtype = f64)) |> ignore)
            Throws.withMessage<ArgumentException> [ "[batch, length, 3]"; "[2, 0, 3]" ] (fun () -> model.PredictNext(torch.zeros(2L, 0L, 3L, dtype = f64)) |> ignore)
            Throws.withMessage<ArgumentException> [ "Float32"; "Float64"; ".to(" ] (fun () -> model.PredictNext(windows 2 4 3 1 |> fun w -> w.to_type(torch.float32)) |> ignore)
            let poisoned = windows 2 4 3 1
            poisoned.[1L, 2L, 0L] <- torch.tensor(Double.NaN)
            Throws.withMessage<ArgumentException> [ "NaN or infinite" ] (fun () -> model.Rollout(poisoned, 3) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "steps must be >= 1" ] (fun () -> model.Rollout(windows 2 4 3 1, 0) |> ignore)
            for options, fragments in
                [ GruOptions(Hidden = 0), [ "Hidden"; ">= 1" ]
                  GruOptions(Hidden = -3), [ "Hidden"; ">= 1" ]
                  GruOptions(InputSize = 0), [ "InputSize"; ">= 1" ]
                  GruOptions(OutputSize = -1), [ "OutputSize"; ">= 1" ]
                  GruOptions(Readout = ReadoutTarget.Increment, IncrementScale = 0.0), [ "IncrementScale"; "> 0" ]
                  GruOptions(Readout = ReadoutTarget.Increment, IncrementScale = Double.NaN), [ "IncrementScale"; "finite" ]
                  GruOptions(Readout = enum<ReadoutTarget> 7), [ "readout target"; "State or Increment" ]
                  GruOptions(Readout = ReadoutTarget.Increment, OutputSize = 2), [ "OutputSize (2)"; "InputSize (3)" ] ] do
                Throws.withMessage<ArgumentException> fragments (fun () -> new GruNetwork(options, 1L) |> ignore)
            Throws.withMessage<ArgumentException> [ "Int32"; "floating-point" ] (fun () -> new GruNetwork(GruOptions(), 1L, dtype = torch.int32) |> ignore)
            let narrow = new GruNetwork(GruOptions(Hidden = 4, OutputSize = 2), 1L)
            Expect.equal (narrow.PredictNext(windows 2 4 3 1).shape) [| 2L; 2L |] "one-step predictions of two outputs"
            Throws.withMessage<InvalidOperationException> [ "OutputSize = 2"; "InputSize = 3" ] (fun () -> narrow.Rollout(windows 2 4 3 1, 2) |> ignore)
        }

        test "one update (Step) and a whole window (WarmUp) equal the GRU equations written out in doubles, gate order r, z, n, to 1e-12" {
            TorchRuntime.Initialize() |> ignore
            // Float64 sums of a few dozen O(1) products and libm's σ/tanh differ from the hand-written ones by ~1e-15; a wrong gate order
            // or a swapped z/(1 − z) changes h' by O(0.1), so 1e-12 separates the two by many orders of magnitude.
            let model = new GruNetwork(GruOptions(Hidden = 6), 3L)
            let tolerance = { absolute = 1e-12; relative = 1e-12 }
            let h = windows 1 2 6 5 |> fun t -> t.reshape(2L, 6L)
            let x = windows 1 2 3 6 |> fun t -> t.reshape(2L, 3L)
            let stepped = values (model.Step(GruState(h), x).Hidden)
            for b in 0 .. 1 do
                let expected = gruUpdate model (values h.[int64 b]) (values x.[int64 b])
                for i in 0 .. 5 do Expect.floatClose tolerance stepped.[b * 6 + i] expected.[i] $"Step: sample {b}, unit {i}"
            let window = windows 2 8 3 7
            let warmed = values (model.WarmUp(window).Hidden)
            for b in 0 .. 1 do
                let mutable hand = Array.zeroCreate 6
                for k in 0 .. 7 do hand <- gruUpdate model hand (values window.[int64 b, int64 k])
                for i in 0 .. 5 do Expect.floatClose tolerance warmed.[b * 6 + i] hand.[i] $"WarmUp: window {b}, unit {i}"
            // the prediction reads that state out: W_out h + b_out, plus x_last with the increment readout
            let increment = new GruNetwork(GruOptions(Hidden = 6, Readout = ReadoutTarget.Increment, IncrementScale = 0.3), 3L)
            let latest = window.select(1, -1L)
            let readout = torch.nn.functional.linear(model.WarmUp(window).Hidden, model.OutputWeight, model.OutputBias)
            Array.iter2 (fun a b -> Expect.floatClose tolerance a b "increment readout: x_last + s (W_out h + b_out)") (values (increment.PredictNext window)) (values (plus latest (scale 0.3 readout)))
            Expect.sequenceEqual (values (model.PredictNext window)) (values readout) "state readout: W_out h + b_out"
        }

        test "gradients of a closed-loop loss equal central finite differences in float64 (relative error ≤ 1e-6)" {
            TorchRuntime.Initialize() |> ignore
            let model = new GruNetwork(GruOptions(Hidden = 4, Readout = ReadoutTarget.Increment, IncrementScale = 0.5), 9L)
            let window = windows 2 5 3 11
            let loss () = (squared (model.Rollout(window, 3))).sum()
            model.zero_grad()
            loss().backward()
            let eps = 1e-6
            let mutable checkedEntries = 0
            for KeyValue(name, p) in model.state_dict() do
                let gradient = values (model.named_parameters() |> Seq.find (fun struct (n, _) -> n = name) |> fun struct (_, q) -> q.grad)
                let flat = p.view(-1L)
                for i in 0 .. int (flat.numel()) - 1 do
                    let at (delta: float) =
                        use _ = torch.no_grad()
                        let original = flat.[int64 i].item<float>()
                        flat.[int64 i] <- torch.tensor(original + delta, dtype = f64)
                        let value = loss().item<float>()
                        flat.[int64 i] <- torch.tensor(original, dtype = f64)
                        value
                    // central difference: truncation ~eps² |f'''| ≈ 1e-12, rounding ~1e-16 |f| / eps ≈ 1e-10 for a loss of order 1
                    let fd = (at eps - at -eps) / (2.0 * eps)
                    Expect.floatClose { absolute = 1e-8; relative = 1e-6 } gradient.[i] fd $"d loss / d {name}[{i}]"
                    checkedEntries <- checkedEntries + 1
            Expect.equal checkedEntries model.ParameterCount "every parameter entry was checked"
        }

        test "saved and loaded: one file, every option in its metadata, strict reading, bit-identical predictions" {
            TorchRuntime.Initialize() |> ignore
            let model = new GruNetwork(GruOptions(Hidden = 9, Readout = ReadoutTarget.Increment, IncrementScale = 0.07), 4L)
            let dir = Run.tempFolder "gru-artifact"
            try
                let path = Path.Combine(dir, "gru.safetensors")
                ModelArtifact.Save(model, path)
                Expect.sequenceEqual (Directory.GetFiles dir |> Array.map Path.GetFileName) [| "gru.safetensors" |] "one file"
                let loaded = ModelArtifact.Load<GruNetwork> path
                Expect.equal loaded.Options model.Options "the options survive"
                let window = windows 3 50 3 2
                let bits (t: Tensor) = values t |> Array.map BitConverter.DoubleToInt64Bits
                Expect.sequenceEqual (bits (loaded.Rollout(window, 40))) (bits (model.Rollout(window, 40))) "closed-loop predictions bit for bit"
                use content = SafeTensors.Read path
                Expect.equal content.Metadata.["kind"] "GruNetwork" "kind"
                for key, value in [ "hidden", "9"; "input_size", "3"; "output_size", "3"; "readout", "Increment"; "increment_scale", "0.07" ] do
                    Expect.equal content.Metadata.[key] value $"metadata '{key}'"
                Expect.equal (set content.Tensors.Keys) (set [ "gru.weight_ih_l0"; "gru.weight_hh_l0"; "gru.bias_ih_l0"; "gru.bias_hh_l0"; "w_out"; "b_out" ]) "tensor names"
                let tensors = [ for KeyValue(k, t) in content.Tensors -> Collections.Generic.KeyValuePair(k, t.clone()) ]
                let metadata = Collections.Generic.Dictionary(content.Metadata)
                metadata.Remove "increment_scale" |> ignore
                SafeTensors.Write(path, tensors, metadata)
                Throws.withMessage<InvalidDataException> [ path; "'increment_scale'" ] (fun () -> ModelArtifact.Load path |> ignore)
                metadata.["increment_scale"] <- "0.07"
                metadata.["tau"] <- "1"
                SafeTensors.Write(path, tensors, metadata)
                Throws.withMessage<InvalidDataException> [ path; "'tau'"; "unknown" ] (fun () -> ModelArtifact.Load path |> ignore)
                metadata.Remove "tau" |> ignore
                metadata.["hidden"] <- "0"
                SafeTensors.Write(path, tensors, metadata)
                Throws.withMessage<InvalidDataException> [ path; "Hidden" ] (fun () -> ModelArtifact.Load path |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "GruNetwork"; "CtRnn" ] (fun () ->
                    ModelArtifact.Save(model, path)
                    ModelArtifact.Load<CtRnn> path |> ignore)
            finally
                Directory.Delete(dir, true)
        }

        test "a short training on the quick data set lowers the validation loss; the same seed gives the same weights bit for bit" {
            TorchRuntime.Initialize() |> ignore
            let data = quickData.Force()
            let train seed =
                // the state readout starts far from the data (one-step MSE of order 1), so that learning shows plainly
                let model = new GruNetwork(GruOptions(Hidden = 8), int64 seed)
                let before = Evaluate.OneStepMse(model, data.Val, 20)
                let result = Trainer.Fit(model, data.Train, data.Val, shortTraining seed)
                model, before, result
            let model, before, result = train 5
            Expect.isLessThan result.BestValidationLoss (0.5 * before) "three short epochs at least halve the untrained one-step MSE"
            Expect.floatClose Accuracy.veryHigh (Evaluate.OneStepMse(model, data.Val, 20)) result.BestValidationLoss "the model holds the best epoch's weights"
            let again, _, _ = train 5
            Expect.equal (weights again |> List.map (snd >> Array.map BitConverter.DoubleToInt64Bits)) (weights model |> List.map (snd >> Array.map BitConverter.DoubleToInt64Bits)) "same seed, same weights"
            let other, _, _ = train 6
            Expect.notEqual (weights other |> List.map snd) (weights model |> List.map snd) "another seed, other weights"
            let first, second = new GruNetwork(GruOptions(Hidden = 8), 5L), new GruNetwork(GruOptions(Hidden = 8), 5L)
            Expect.equal (weights first) (weights second) "the same seed draws the same initial weights"
        }
    ]
