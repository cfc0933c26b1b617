/// Model files (ModelArtifact): every kind of model reloads with bit-identical predictions; a corrupted or edited file, another
/// format version, and missing or unknown metadata keys are refused with an error naming the file and the key.
module NeuroDyn.Tests.ArtifactTests

open System
open System.IO
open System.Text
open System.Text.Json
open System.Text.Json.Nodes
open Expecto
open TorchSharp
open NeuroDyn.Artifacts
open NeuroDyn.Data
open NeuroDyn.Evaluation
open NeuroDyn.Models
open NeuroDyn.Models.Reservoir
open NeuroDyn.Models.Spiking
open NeuroDyn.Training

/// A short z-scored Lorenz data set (20 time units: 1400 / 300 / 300 rows).
let private lorenz = lazy ((LorenzDataset.Generate(LorenzDataOptions(Duration = 20.0))).Data)

/// A small trained spiking reservoir (250 neurons, squared-trace readout).
let private reservoir =
    lazy (
        let data = lorenz.Force()
        let options =
            SpikingReservoirOptions(
                Network = BrunelParameters(ExcitatoryCount = 200, InhibitoryCount = 50, Epsilon = 0.2, J = 0.5, G = 5.0, Eta = 0.0),
                BiasMean = 40.0, TraceTimeConstant = 15.0, SampleDuration = 2.0)
        ReservoirForecaster.Train(options, 7L, Series.Rows(data.Train, 0, 600), data.Val,
            ReservoirTrainingOptions(Washout = 100, Features = ReadoutFeatures.InputTracesAndSquares)).Forecaster)

/// Every kind of model, small, with non-default options (so a default could not pass for a stored value).
let private models () : (string * obj) list =
    [ "CT-RNN", box (new CtRnn(CtRnnOptions(Hidden = 12, Tau = 0.2, Readout = ReadoutTarget.Increment, IncrementScale = 0.07, StepsPerSample = 2), 3L))
      "E/I network", box (new EiRateNetwork(EiRateNetworkOptions(Hidden = 10, TauE = 0.3, TauI = 0.15, Readout = ReadoutTarget.Increment, SpectralRadius = 0.9), 4L))
      "surrogate LIF network", box (new SurrogateLifNetwork(SurrogateLifOptions(Hidden = 9, TauMem = 15.0, StepsPerSample = 2), 5L))
      "spiking reservoir", box (reservoir.Force())
      "GRU", box (new GruNetwork(GruOptions(Hidden = 7, Readout = ReadoutTarget.Increment, IncrementScale = 0.07), 6L)) ]

/// Closed-loop forecasts of a model from a few test windows, as doubles, to compare bit for bit.
let private predictions (model: obj) =
    let data = lorenz.Force()
    let starts = [| 0; 37; 90; 151; 200 |]
    match model with
    | :? ISequenceModel as m -> Evaluate.Forecasts(m, data.Test, starts, 50, 30) |> Array.map (Seq.cast<float> >> Array.ofSeq)
    | :? ReservoirForecaster as r -> r.Forecasts(data.Test, starts, 50, 30) |> Seq.map (Seq.cast<float> >> Array.ofSeq) |> Array.ofSeq
    | other -> failtestf "unexpected model %s" (other.GetType().Name)

/// Runs f with a fresh file path in a temporary folder, deleted afterwards.
let private withFile (name: string) (f: string -> unit) =
    let dir = Run.tempFolder "artifact"
    try f (Path.Combine(dir, name)) finally Directory.Delete(dir, true)

/// The header JSON of a safetensors file and the offset of its data section.
let private header (path: string) =
    let bytes = File.ReadAllBytes path
    let length = int (BitConverter.ToUInt64(bytes, 0))
    JsonNode.Parse(Encoding.UTF8.GetString(bytes, 8, length)).AsObject(), bytes, 8 + length

/// Rewrites the file with an edited header (as a tool that knows the format would), keeping the data bytes.
let private rewriteHeader (path: string) (edit: JsonObject -> unit) =
    let json, bytes, dataStart = header path
    edit json
    let text = Encoding.UTF8.GetBytes(json.ToJsonString())
    let padded = Array.append text (Array.create ((8 - text.Length % 8) % 8) (byte ' '))
    File.WriteAllBytes(path, Array.concat [ BitConverter.GetBytes(uint64 padded.Length); padded; bytes.[dataStart..] ])

[<Tests>]
let tests =
    testSequenced <| testList "artifacts" [
        test "every kind of model reloads from its file with bit-identical predictions and its options" {
            for name, model in models () do
                withFile "model.safetensors" (fun path ->
                    ModelArtifact.Save(model, path)
                    let loaded = ModelArtifact.Load path
                    Expect.equal (loaded.GetType()) (model.GetType()) $"{name}: same kind"
                    let expected, actual = predictions model, predictions loaded
                    Expect.equal actual.Length expected.Length $"{name}: as many forecasts"
                    for n in 0 .. expected.Length - 1 do
                        // bit for bit: the same weights through the same code give the same doubles
                        Expect.isTrue (Array.forall2 (fun (a: float) b -> BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b) actual.[n] expected.[n])
                            $"{name}: forecast {n} is bit-identical after reloading"
                    match model, loaded with
                    | (:? CtRnn as a), (:? CtRnn as b) -> Expect.equal b.Options a.Options "CT-RNN options survive"
                    | (:? EiRateNetwork as a), (:? EiRateNetwork as b) -> Expect.equal b.Options a.Options "E/I options survive"
                    | (:? SurrogateLifNetwork as a), (:? SurrogateLifNetwork as b) -> Expect.equal b.Options a.Options "surrogate options survive"
                    | (:? GruNetwork as a), (:? GruNetwork as b) -> Expect.equal b.Options a.Options "GRU options survive"
                    | (:? ReservoirForecaster as a), (:? ReservoirForecaster as b) ->
                        Expect.equal b.Options a.Options "reservoir options survive (the network's parameters included)"
                        Expect.equal b.Wiring.Connectivity.Targets a.Wiring.Connectivity.Targets "the connectivity itself is stored"
                        Expect.equal b.Wiring.InputWeights a.Wiring.InputWeights "input weights stored"
                        Expect.equal b.Readout.Weights a.Readout.Weights "readout stored"
                        Expect.equal b.Features a.Features "features stored"
                    | _ -> failtest "kinds differ")
        }

        test "the reservoir's file holds its wiring: a reservoir rebuilt from the arrays forecasts without its seed" {
            let r = reservoir.Force()
            let fromSeed = ReservoirWiring.FromSeed(r.Options, 7L)
            Expect.equal r.Wiring.Connectivity.Offsets fromSeed.Connectivity.Offsets "trained on the seed's wiring"
            withFile "reservoir.safetensors" (fun path ->
                ModelArtifact.Save(r, path)
                use content = SafeTensors.Read path
                Expect.equal (content.Tensors.["connectivity_targets"].numel()) r.Wiring.Connectivity.SynapseCount "every synapse is in the file"
                Expect.equal content.Metadata.["kind"] "SpikingReservoir" "kind"
                Expect.equal content.Metadata.["reservoir.network.excitatory_count"] "200" "nested network options, flattened"
                Expect.equal content.Metadata.["reservoir.network.trace_time_constant"] "null" "an unset option is stored as null")
        }

        test "the CT-RNN's file keeps the keys and tensor names PyTorch reads" {
            let model = new CtRnn(CtRnnOptions(Hidden = 6, Tau = 0.3, Readout = ReadoutTarget.Increment, IncrementScale = 0.05), 1L)
            withFile "ctrnn.safetensors" (fun path ->
                ModelArtifact.Save(model, path)
                use content = SafeTensors.Read path
                Expect.equal (set content.Tensors.Keys) (set [ "w_rec"; "w_in"; "b"; "w_out"; "b_out" ]) "tensor names"
                for key in [ "hidden"; "tau"; "sample_interval"; "solver"; "steps_per_sample"; "readout"; "increment_scale"; "input_size"; "output_size" ] do
                    Expect.isTrue (content.Metadata.ContainsKey key) $"metadata key '{key}'"
                Expect.equal (CtRnnMetadata.FromMetadata content.Metadata) model.Options "CtRnnMetadata reads the same options")
        }

        test "16 overwritten bytes inside the data are refused, naming the file and the checksum" {
            for name, model in models () do
                withFile "model.safetensors" (fun path ->
                    ModelArtifact.Save(model, path)
                    let _, bytes, dataStart = header path
                    let at = dataStart + (bytes.Length - dataStart) / 2
                    for i in 0 .. 15 do bytes.[at + i] <- bytes.[at + i] ^^^ 0x5Auy
                    File.WriteAllBytes(path, bytes)
                    let e = Throws.capture<InvalidDataException> (fun () -> ModelArtifact.Load path |> ignore)
                    for fragment in [ path; "'sha256'"; "corrupt" ] do Expect.stringContains e.Message fragment $"{name}: the error says '{fragment}'")
        }

        test "an edited metadata value (tau) is refused, naming the file and the checksum" {
            let model = new CtRnn(CtRnnOptions(Hidden = 6, Tau = 0.2), 1L)
            withFile "ctrnn.safetensors" (fun path ->
                ModelArtifact.Save(model, path)
                rewriteHeader path (fun json -> json.["__metadata__"].["tau"] <- JsonValue.Create "0.5")
                Throws.withMessage<InvalidDataException> [ path; "'sha256'"; "edited" ] (fun () -> ModelArtifact.Load path |> ignore))
        }

        test "a missing or unknown metadata key, another format version or no checksum: errors naming the file and the key" {
            let model = new CtRnn(CtRnnOptions(Hidden = 6, Tau = 0.2), 1L)
            withFile "ctrnn.safetensors" (fun path ->
                ModelArtifact.Save(model, path)
                let tensors, metadata =
                    use content = SafeTensors.Read path
                    content.Tensors |> Seq.map (fun kv -> kv.Key, kv.Value.clone()) |> List.ofSeq, Collections.Generic.Dictionary(content.Metadata)
                let rewrite (change: Collections.Generic.Dictionary<string, string> -> unit) =
                    let m = Collections.Generic.Dictionary(metadata)
                    change m
                    // written with a valid checksum over the changed metadata: only the contents are wrong
                    SafeTensors.Write(path, tensors |> List.map Collections.Generic.KeyValuePair, m)
                rewrite (fun m -> m.Remove "tau" |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "'tau'" ] (fun () -> ModelArtifact.Load path |> ignore)
                rewrite (fun m -> m.["colour"] <- "blue")
                Throws.withMessage<InvalidDataException> [ path; "'colour'"; "unknown" ] (fun () -> ModelArtifact.Load path |> ignore)
                rewrite (fun m -> m.["format_version"] <- "2")
                Throws.withMessage<InvalidDataException> [ path; "'format_version'"; "2" ] (fun () -> ModelArtifact.Load path |> ignore)
                rewrite (fun m -> m.["hidden"] <- "many")
                Throws.withMessage<InvalidDataException> [ path; "'hidden'"; "many" ] (fun () -> ModelArtifact.Load path |> ignore)
                rewrite (fun m -> m.["tau"] <- "-1")
                Throws.withMessage<InvalidDataException> [ path; "Tau" ] (fun () -> ModelArtifact.Load path |> ignore)
                ModelFiles.SaveSafeTensors(model, path)
                rewriteHeader path (fun json -> json.["__metadata__"].AsObject().Remove "sha256" |> ignore)
                Throws.withMessage<InvalidDataException> [ path; "'sha256'" ] (fun () -> ModelArtifact.Load path |> ignore))
        }

        test "a missing file says where it looked" {
            let path = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}.safetensors")
            Throws.withMessage<FileNotFoundException> [ path ] (fun () -> ModelArtifact.Load path |> ignore)
        }
    ]
