module NeuroDyn.Tests.TrainingTests

open System
open System.IO
open System.Text.Json
open System.Threading
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Models
open NeuroDyn.Data
open NeuroDyn.Training
open NeuroDyn.IO
open NeuroDyn.Evaluation

open NeuroDyn.Tests.TestFixtures
open NeuroDyn.Tests.ExplicitScalars

[<Tests>]
let tests =
    TorchRuntime.Initialize() |> ignore
    testList "training" [
        testSequenced <| testList "trainer" [
            test "Adam lowers the one-step loss of a linear AR model on a rotation towards zero" {
                let model = LinearAR(2, 1)
                let before = Evaluate.OneStepMse(model, validation, 5)
                let result = Trainer.Fit(model, train, validation, Options.Of())
                Expect.equal result.StopReason StopReason.Completed "ran all epochs"
                Expect.equal result.EpochsRun 6 "history has every epoch"
                let after = Evaluate.OneStepMse(model, validation, 5)
                // the rotation is exactly linear, so the loss can fall far; 1e-3 of the start is well within reach in 6 epochs
                Expect.isLessThan after (1e-3 * before) "validation MSE fell by more than 1000×"
                Expect.equal after result.BestValidationLoss "best weights restored: the evaluation reproduces the recorded best loss"
                Expect.isTrue (result.History |> Seq.pairwise |> Seq.forall (fun (a, b) -> b.LearningRate < a.LearningRate)) "cosine schedule decreases"
                let r = model.Linear.weight |> values
                let exact = rotation omegaDt
                // the learned map approaches the exact rotation; 0.05 is loose enough for 6 short epochs
                Expect.floatClose { absolute = 0.05; relative = 0.0 } r.[1] exact.[0, 1] "W[0,1] ≈ −sin(ω dt)"
            }
            test "closed-loop training with a curriculum lowers the rollout loss and lengthens the rollout" {
                let model = LinearAR(2, 2)
                let before = Evaluate.RolloutMse(model, validation, 5, 8)
                let result = Trainer.Fit(model, train, validation, Options.Of(objective = TrainingObjective.Rollout(8, 4)))
                Expect.sequenceEqual (result.History |> Seq.map _.RolloutSteps) [ 1; 3; 5; 8; 8; 8 ] "rollout length grows 1 → K over 4 epochs"
                let after = Evaluate.RolloutMse(model, validation, 5, 8)
                // validation is always on the full K = 8 rollout; a 10× drop shows closed-loop learning
                Expect.isLessThan after (0.1 * before) "8-step rollout MSE fell by more than 10×"
            }
            test "the same seed gives the same weights bit for bit; another seed does not" {
                let run seed =
                    let model = LinearAR(2, 3)
                    Trainer.Fit(model, train, validation, Options.Of(seed = seed, epochs = 3, restoreBest = false)) |> ignore
                    weights model
                expectSameBits (run 5) (run 5) "two runs with seed 5"
                Expect.notEqual (run 6 |> List.map (snd >> bits)) (run 5 |> List.map (snd >> bits)) "seed 6 shuffles differently"
            }
            test "a run stopped after 2 epochs and resumed ends with exactly the weights of an uninterrupted run" {
                use temp = new TempFolder()
                let folder = temp.Path
                let run (path: string) (model: LinearAR) stopAfter resume =
                    Trainer.Fit(model, train, validation,
                                Options.Of(checkpoint = path, restoreBest = false, maxBatches = 12, ?stopAfter = stopAfter, resume = resume))
                let whole = LinearAR(2, 4)
                let full = run (Path.Combine(folder, "whole.ckpt")) whole None false
                let path = Path.Combine(folder, "parts.ckpt")
                let first = run path (LinearAR(2, 4)) (Some 2) false
                Expect.equal first.StopReason StopReason.StoppedAfterEpochs "stopped as asked"
                Expect.equal first.EpochsRun 2 "two epochs"
                let resumed = LinearAR(2, 99) // other initial weights: everything must come from the checkpoint
                let rest = run path resumed None true
                Expect.equal rest.StopReason StopReason.Completed "finished"
                expectSameBits (weights whole) (weights resumed) "final weights"
                Expect.sequenceEqual (rest.History |> Seq.map (fun h -> h.TrainLoss, h.ValidationLoss)) (full.History |> Seq.map (fun h -> h.TrainLoss, h.ValidationLoss)) "same loss history"
                let history = JsonDocument.Parse(File.ReadAllText(Checkpoint.HistoryPath path))
                Expect.equal (history.RootElement.GetProperty("history").GetArrayLength()) 6 "history JSON beside the checkpoint has all epochs"
            }
            test "a run cancelled at an epoch boundary resumes to the same weights (plateau schedule, rollout curriculum)" {
                use temp = new TempFolder()
                let folder = temp.Path
                let configure (path: string) resume =
                    Options.Of(checkpoint = path, restoreBest = false, schedule = LearningRateSchedule.Plateau, plateauPatience = 0,
                               objective = TrainingObjective.Rollout(4, 3), maxBatches = 6, learningRate = 1.0, epochs = 8, checkpointEvery = 4, resume = resume)
                let whole = LinearAR(2, 8)
                let full = Trainer.Fit(whole, train, validation, configure (Path.Combine(folder, "whole.ckpt")) false)
                Expect.equal (full.History |> Seq.map _.LearningRate |> Seq.toList) [ 1.0; 1.0; 1.0; 1.0; 1.0; 1.0; 0.5; 0.5 ] "the plateau schedule halved the rate after epoch 6 (no improvement), so its state matters on resume"
                let path = Path.Combine(folder, "parts.ckpt")
                use cancel = new CancellationTokenSource()
                let stopAtSix = { new IProgress<EpochReport> with member _.Report r = if r.EpochDone && r.Epoch = 6 then cancel.Cancel() }
                let first = Trainer.Fit(LinearAR(2, 8), train, validation, configure path false, stopAtSix, cancel.Token)
                Expect.equal first.StopReason StopReason.Cancelled "cancelled"
                Expect.equal first.EpochsRun 6 "stopped after epoch 6, where the rate was just reduced; the checkpoint is written at the stop though CheckpointEvery = 4"
                let resumed = LinearAR(2, 0)
                Trainer.Fit(resumed, train, validation, configure path true) |> ignore
                expectSameBits (weights whole) (weights resumed) "final weights"
            }
            test "a run cancelled in the middle of an epoch discards that epoch and resumes to the same weights" {
                use temp = new TempFolder()
                let folder = temp.Path
                let run (path: string) (model: ISequenceModel) resume cancellation =
                    Trainer.Fit(model, train, validation, Options.Of(checkpoint = path, restoreBest = false, maxBatches = 10, resume = resume),
                                cancellationToken = cancellation)
                let whole = LinearAR(2, 9)
                run (Path.Combine(folder, "whole.ckpt")) whole false CancellationToken.None |> ignore
                let path = Path.Combine(folder, "parts.ckpt")
                use cancel = new CancellationTokenSource()
                // each epoch makes 10 training predictions, then the validation pass; call 25 falls in epoch 3 after two validations
                let first = run path (CancelAtCall(LinearAR(2, 9), 25, cancel)) false cancel.Token
                Expect.equal first.StopReason StopReason.Cancelled "cancelled"
                Expect.equal first.EpochsRun 2 "the unfinished third epoch is not in the history"
                Expect.stringContains first.Message "epoch 3" "says where it stopped"
                let resumed = LinearAR(2, 1)
                run path resumed true CancellationToken.None |> ignore
                expectSameBits (weights whole) (weights resumed) "final weights"
            }
            test "early stopping ends the run patience epochs after the best one and restores the best weights" {
                // a learning rate this large makes Adam overshoot, so the validation loss stops improving
                let model = LinearAR(2, 5)
                let result = Trainer.Fit(model, train, validation, Options.Of(epochs = 60, learningRate = 0.3, schedule = LearningRateSchedule.Constant, patience = 3))
                Expect.equal result.StopReason StopReason.EarlyStopped "stopped early"
                Expect.equal result.EpochsRun (result.BestEpoch + 3) "three epochs without improvement after the best"
                // restoring copies the best weights exactly, so the evaluation repeats the recorded loss bit for bit
                Expect.equal (Evaluate.OneStepMse(model, validation, 5, 512)) result.BestValidationLoss "best weights in the model"
            }
            test "resuming from the checkpoint of a run that stopped early trains no further epoch" {
                use temp = new TempFolder()
                let path = Path.Combine(temp.Path, "early.ckpt")
                let configure resume =
                    Options.Of(epochs = 60, learningRate = 0.3, schedule = LearningRateSchedule.Constant, patience = 3, checkpoint = path, resume = resume)
                let model = LinearAR(2, 5)
                let first = Trainer.Fit(model, train, validation, configure false)
                Expect.equal first.StopReason StopReason.EarlyStopped "the first run stopped early"
                let before = weights model
                let resumed = LinearAR(2, 77)
                let again = Trainer.Fit(resumed, train, validation, configure true)
                Expect.equal again.StopReason StopReason.EarlyStopped "the resumed run stops at once, as the first did"
                Expect.equal again.EpochsRun first.EpochsRun "no epoch was added"
                expectSameBits (weights resumed) before "the same best weights as the run that stopped"
            }
            test "a diverging run stops with a clear message and keeps the last good checkpoint" {
                use temp = new TempFolder()
                let folder = temp.Path
                let path = Path.Combine(folder, "run.ckpt")
                let model = LinearAR(2, 6)
                Trainer.Fit(model, train, validation, Options.Of(checkpoint = path, stopAfter = 2)) |> ignore
                let good = sha256 path
                let goodHistory = File.ReadAllText(Checkpoint.HistoryPath path)
                // Adam's step is about the learning rate whatever the gradient, so 1e5 throws the weights far out at once
                let e = Throws.capture<TrainingDivergedException> (fun () ->
                            Trainer.Fit(model, train, validation, Options.Of(checkpoint = path, resume = true, learningRate = 1e5)) |> ignore)
                Expect.stringContains e.Message "diverged" "says what happened"
                Expect.stringContains e.Message "Lower the learning rate" "says what to do"
                Expect.stringContains e.Message path "names the checkpoint kept"
                Expect.equal e.Result.StopReason StopReason.Diverged "result flag"
                Expect.equal e.Result.EpochsRun 2 "history up to the last good epoch"
                Expect.equal (sha256 path) good "checkpoint untouched"
                Expect.equal (File.ReadAllText(Checkpoint.HistoryPath path)) goodHistory "history file untouched"
                Expect.isTrue (weights model |> List.forall (snd >> Array.forall Double.IsFinite)) "model holds finite (best) weights"
            }
            test "a non-finite loss before any update blames the solver step of a stiff network, with its numbers, not the learning rate" {
                // τ = 1e-6 with Δ = 0.1 and one RK4 step per sample: h/τ = 1e5, where RK4 multiplies the decay by ~z⁴/24 ≈ 4e18 per step
                let model = new CtRnn(CtRnnOptions(Hidden = 8, InputSize = 2, OutputSize = 2, Tau = 1e-6), 0L)
                let options = TrainingOptions(Epochs = 1, BatchSize = 32, SeqLength = 40, Threads = Nullable 1)
                let e = Throws.capture<TrainingDivergedException> (fun () -> Trainer.Fit(model, train, validation, options) |> ignore)
                for fragment in [ "batch 1 in epoch 1"; "learning rate is not the cause"; "h = SampleInterval/StepsPerSample = 0.1/1 = 0.1"
                                  "τ = 1E-06"; "h/τ = 1E+05"; "Raise tau or StepsPerSample, or lower SampleInterval" ] do
                    Expect.stringContains e.Message fragment "says what is wrong, with the numbers"
                Expect.isFalse (e.Message.Contains "Lower the learning rate") "does not blame the learning rate"
            }
            test "an unwritable checkpoint path is refused before the first epoch, naming the path" {
                use temp = new TempFolder()
                let file = Path.Combine(temp.Path, "a-file")
                File.WriteAllText(file, "not a folder")
                let epochs = ref 0
                let progress = { new IProgress<EpochReport> with member _.Report r = if r.EpochDone then epochs.Value <- epochs.Value + 1 }
                let underFile = Path.Combine(file, "run.ckpt")
                Throws.withMessage<CheckpointException> [ underFile; "Cannot write the checkpoint"; "Choose a CheckpointPath in a folder you can write to" ]
                    (fun () -> Trainer.Fit(LinearAR(2, 1), train, validation, Options.Of(checkpoint = underFile), progress) |> ignore)
                Throws.withMessage<CheckpointException> [ temp.Path; "is a folder" ]
                    (fun () -> Trainer.Fit(LinearAR(2, 1), train, validation, Options.Of(checkpoint = temp.Path), progress) |> ignore)
                Expect.equal epochs.Value 0 "no epoch was trained"
                let nested = Path.Combine(temp.Path, "new", "folder", "run.ckpt")
                Trainer.Fit(LinearAR(2, 1), train, validation, Options.Of(checkpoint = nested, epochs = 1)) |> ignore
                Expect.isTrue (File.Exists nested) "a missing folder is made, as before"
                Expect.sequenceEqual (Directory.GetFiles(Path.GetDirectoryName nested) |> Array.sort) [| nested; Checkpoint.HistoryPath nested |] "no probe file left"
            }
            test "a corrupt, foreign or missing checkpoint gives an error naming the file and what to do" {
                use temp = new TempFolder()
                let folder = temp.Path
                let path = Path.Combine(folder, "run.ckpt")
                Trainer.Fit(LinearAR(2, 7), train, validation, Options.Of(checkpoint = path, epochs = 1)) |> ignore
                let bytes = File.ReadAllBytes path
                let resume file = fun () -> Trainer.Fit(LinearAR(2, 7), train, validation, Options.Of(checkpoint = file, resume = true)) |> ignore
                let expectError file (words: string list) =
                    let e = Throws.capture<CheckpointException> (resume file)
                    Expect.stringContains e.Message file "names the file"
                    for w in words do Expect.stringContains e.Message w "says what is wrong and what to do"
                let truncated = Path.Combine(folder, "truncated.ckpt")
                File.WriteAllBytes(truncated, bytes.[.. bytes.Length - 9])
                expectError truncated [ "corrupt"; "Delete it"; "Trainer.Fit" ]
                let flipped = Path.Combine(folder, "flipped.ckpt")
                let copy = Array.copy bytes
                copy.[copy.Length - 3] <- copy.[copy.Length - 3] ^^^ 0x10uy
                File.WriteAllBytes(flipped, copy)
                expectError flipped [ "SHA-256" ]
                let garbage = Path.Combine(folder, "garbage.ckpt")
                File.WriteAllBytes(garbage, Text.Encoding.ASCII.GetBytes "this is not a checkpoint at all")
                expectError garbage [ "corrupt" ]
                let plain = Path.Combine(folder, "plain.safetensors")
                ModelFiles.SaveSafeTensors((LinearAR(2, 7) :> ISequenceModel).Module, plain)
                expectError plain [ "not a NeuroDyn training checkpoint" ]
                let missing = Path.Combine(folder, "missing.ckpt")
                expectError missing [ "Resume = false" ]
                let other = TrainingOptions(Epochs = 6, BatchSize = 16, SeqLength = 5, CheckpointPath = path, Resume = true, Threads = Nullable 1)
                let e = Throws.capture<CheckpointException> (fun () -> Trainer.Fit(LinearAR(2, 7), train, validation, other) |> ignore)
                Expect.stringContains e.Message "BatchSize = 32" "shows the checkpoint's settings"
            }
            test "a failed write leaves the old file intact and no temporary file behind" {
                use temp = new TempFolder()
                let folder = temp.Path
                let path = Path.Combine(folder, "weights.safetensors")
                File.WriteAllText(path, "old content")
                let e = Throws.capture<IOException> (fun () ->
                            AtomicFile.Write(path, fun stream ->
                                stream.Write(Text.Encoding.ASCII.GetBytes "partial new content")
                                raise (IOException "disk full")))
                Expect.equal e.Message "disk full" "the writer's error passes through"
                Expect.equal (File.ReadAllText path) "old content" "old content untouched"
                Expect.sequenceEqual (Directory.GetFiles folder) [| path |] "no temporary file left"
                let good = torch.ones(2L, dtype = torch.float64)
                let unsupported = torch.ones(2L, dtype = torch.complex128)
                Expect.throwsT<NotSupportedException> (fun () -> SafeTensors.Write(path, dict [ "a", good; "b", unsupported ])) "complex tensors are refused"
                Expect.equal (File.ReadAllText path) "old content" "refused before touching the file"
                Expect.sequenceEqual (Directory.GetFiles folder) [| path |] "still no temporary file"
            }
            test "ConsoleProgress writes one plain line per epoch to redirected output" {
                use writer = new StringWriter()
                let progress = ConsoleProgress(writer)
                Trainer.Fit(LinearAR(2, 1), train, validation, Options.Of(epochs = 3), progress) |> ignore
                let lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                Expect.equal lines.Length 3 "three epochs, three lines"
                Expect.isFalse (writer.ToString().Contains '\r') "no bar redraws in redirected output"
                Expect.stringStarts lines.[0] "epoch 1/3  train " "epoch line format"
                Expect.stringContains lines.[2] "eta 00:00" "ends with the estimate"
            }
        ]
        test "ConsoleProgress draws a bar within the epoch on a terminal and thins epoch lines with every" {
            use writer = new StringWriter()
            let progress = ConsoleProgress(writer, showBar = true, every = 5) :> IProgress<EpochReport>
            let report epoch batch isDone =
                EpochReport(epoch, 10, batch, 20, 0.5, (if isDone then 0.25 else nan), 1e-3, 100.0, TimeSpan.FromSeconds 3.0, TimeSpan.FromSeconds 27.0, isDone, false)
            progress.Report(report 1 10 false)
            Expect.stringContains (writer.ToString()) ("\r  [" + String('#', 15) + String('.', 15) + "] 10/20") "half-full bar redrawn in place"
            for epoch in 1 .. 10 do progress.Report(report epoch 20 true)
            let lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries) |> Array.map (fun l -> l.Substring(l.LastIndexOf '\r' + 1)) // what a terminal shows
            Expect.sequenceEqual (lines |> Array.map (fun l -> l.Substring(0, 10))) [ "epoch  1/1"; "epoch  5/1"; "epoch 10/1" ] "first, every 5th and last epoch"
        }
        testList "weights files" [
            test "safetensors: header format as specified and an exact round trip" {
                use temp = new TempFolder()
                let folder = temp.Path
                let path = Path.Combine(folder, "t.safetensors")
                let a = (arange 6.0 torch.float64).reshape(2L, 3L)
                let b = torch.tensor([| 1.5f; -2.0f; 3.25f; 0.0f |])
                let c = torch.tensor(42L)
                SafeTensors.Write(path, dict [ "a", a; "b.weight", b; "c", c ], readOnlyDict [ "note", "hello" ])
                let bytes = File.ReadAllBytes path
                let n = BitConverter.ToUInt64(bytes, 0) |> int
                Expect.equal ((8 + n) % 8) 0 "header padded so the data starts 8-byte aligned"
                let header = JsonDocument.Parse(ReadOnlyMemory(bytes, 8, n)).RootElement
                let entry (name: string) = header.GetProperty name
                Expect.equal (entry("a").GetProperty("dtype").GetString()) "F64" "dtype F64"
                Expect.sequenceEqual (entry("a").GetProperty("shape").EnumerateArray() |> Seq.map _.GetInt64()) [ 2L; 3L ] "shape"
                Expect.sequenceEqual (entry("a").GetProperty("data_offsets").EnumerateArray() |> Seq.map _.GetInt64()) [ 0L; 48L ] "offsets of a"
                Expect.equal (entry("b.weight").GetProperty("dtype").GetString()) "F32" "dtype F32"
                Expect.sequenceEqual (entry("b.weight").GetProperty("data_offsets").EnumerateArray() |> Seq.map _.GetInt64()) [ 48L; 64L ] "offsets of b"
                Expect.equal (entry("c").GetProperty("shape").GetArrayLength()) 0 "a scalar has shape []"
                Expect.equal (entry("__metadata__").GetProperty("note").GetString()) "hello" "metadata"
                Expect.equal (bytes.Length - 8 - n) 72 "data section: 48 + 16 + 8 bytes"
                Expect.sequenceEqual [| for k in 0 .. 5 -> BitConverter.ToDouble(bytes, 8 + n + 8 * k) |] [| 0.0 .. 5.0 |] "raw little-endian doubles"
                use content = SafeTensors.Read path
                Expect.sequenceEqual content.Tensors.Keys [ "a"; "b.weight"; "c" ] "names in order"
                Expect.sequenceEqual (values content.Tensors.["a"]) (values a) "a round trip"
                Expect.sequenceEqual (content.Tensors.["b.weight"].data<float32>().ToArray()) [| 1.5f; -2.0f; 3.25f; 0.0f |] "b round trip"
                Expect.equal (content.Tensors.["c"].item<int64>()) 42L "c round trip"
            }
            test "model weights round trip through safetensors, TorchSharp format and a checkpoint's best weights" {
                use temp = new TempFolder()
                let folder = temp.Path
                let source = LinearAR(2, 11)
                let st = Path.Combine(folder, "model.safetensors")
                ModelFiles.SaveSafeTensors((source :> ISequenceModel).Module, st)
                use content = SafeTensors.Read st
                Expect.sequenceEqual content.Tensors.Keys [ "weight"; "bias" ] "tensor names are the module's parameter names"
                let fromSt = LinearAR(2, 12)
                ModelFiles.LoadSafeTensors((fromSt :> ISequenceModel).Module, st)
                expectSameBits (weights source) (weights fromSt) "safetensors"
                let ts = Path.Combine(folder, "model.dat")
                ModelFiles.SaveTorchSharp((source :> ISequenceModel).Module, ts)
                let fromTs = LinearAR(2, 13)
                ModelFiles.LoadTorchSharp((fromTs :> ISequenceModel).Module, ts)
                expectSameBits (weights source) (weights fromTs) "TorchSharp format"
                let e = Throws.capture<CheckpointException> (fun () -> ModelFiles.LoadSafeTensors((LinearAR(3, 0) :> ISequenceModel).Module, st))
                Expect.stringContains e.Message "shape [2, 2]" "says which shape the file has"
                let garbage = Path.Combine(folder, "garbage.dat")
                File.WriteAllBytes(garbage, Array.init 100 byte)
                let e = Throws.capture<CheckpointException> (fun () -> ModelFiles.LoadTorchSharp((LinearAR(2, 0) :> ISequenceModel).Module, garbage))
                Expect.stringContains e.Message garbage "names the corrupt TorchSharp file"
                let e = Throws.capture<CheckpointException> (fun () -> ModelFiles.LoadSafeTensors((LinearAR(2, 0) :> ISequenceModel).Module, Path.Combine(folder, "none.safetensors")))
                Expect.stringContains e.Message "ModelFiles.SaveSafeTensors" "says which call writes it"
                let ckpt = Path.Combine(folder, "run.ckpt")
                let trained = LinearAR(2, 14)
                Trainer.Fit(trained, train, validation, Options.Of(checkpoint = ckpt, epochs = 2)) |> ignore
                let fromCkpt = LinearAR(2, 15)
                Checkpoint.LoadWeights((fromCkpt :> ISequenceModel).Module, ckpt)
                expectSameBits (weights trained) (weights fromCkpt) "best weights of the checkpoint = the restored model"
            }
        ]
    ]
