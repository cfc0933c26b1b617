/// Small models, series and folders the training, data and evaluation tests share: a linear AR model, rotations with
/// analytic one-step errors, a forecast oracle with a known error growth, temporary folders, bit-level comparisons.
module NeuroDyn.Tests.TestFixtures

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
open NeuroDyn.Tests.ExplicitScalars

/// Linear autoregressive test model x̂_{t+1} = W x_t + b on the last state of the window; weights drawn from a seeded generator.
type LinearAR(dim: int, seed: int) =
    let linear = torch.nn.Linear(int64 dim, int64 dim, hasBias = true, dtype = torch.float64)
    do
        use _ = torch.no_grad()
        let rng = Random(seed)
        let w = Array.init (dim * dim) (fun _ -> 0.2 * (rng.NextDouble() - 0.5))
        linear.weight.copy_(torch.tensor(w, dtype = torch.float64).reshape(int64 dim, int64 dim)) |> ignore
        linear.bias.zero_() |> ignore
    member _.Linear = linear
    interface ISequenceModel with
        member _.Module = linear :> torch.nn.Module
        member _.PredictNext(windows) = linear.forward(windows.select(1, -1L))
        member _.Rollout(windows, steps) =
            let mutable x = windows.select(1, -1L)
            let states = ResizeArray()
            for _ in 1 .. steps do
                x <- linear.forward(x)
                states.Add x
            torch.stack(states, 1L)
        member _.ParameterCount = dim * dim + dim

/// Wraps a model and cancels a token at its n-th one-step prediction, to interrupt training part-way through an epoch.
type CancelAtCall(inner: ISequenceModel, n: int, cancel: CancellationTokenSource) =
    let mutable calls = 0
    interface ISequenceModel with
        member _.Module = inner.Module
        member _.PredictNext(windows) =
            calls <- calls + 1
            if calls = n then cancel.Cancel()
            inner.PredictNext windows
        member _.Rollout(windows, steps) = inner.Rollout(windows, steps)
        member _.ParameterCount = inner.ParameterCount

/// Rotation of the plane by angle a: the exact one-step map of the series below.
let rotation (a: float) = array2D [ [ cos a; -sin a ]; [ sin a; cos a ] ]

/// x_t = √2 (cos ω t dt, sin ω t dt): each component has mean ≈ 0 and std ≈ 1 over whole periods, like z-scored data.
let rotationSeries (omegaDt: float) (length: int) (phase: int) =
    Array2D.init length 2 (fun t i ->
        let angle = omegaDt * float (t + phase)
        sqrt 2.0 * (if i = 0 then cos angle else sin angle))

/// A forecaster that continues the rotation exactly and adds an error e0 exp(λ t) along (1, 0) at time t = (k+1) dt of the forecast.
type GrowingErrorOracle(omegaDt: float, e0: float, lambda: float, dt: float) =
    let identity = torch.nn.Identity()
    interface ISequenceModel with
        member _.Module = identity :> torch.nn.Module
        member _.PredictNext(windows) =
            let r = torch.tensor(rotation omegaDt, dtype = torch.float64)
            windows.select(1, -1L).matmul(r.t())
        member _.Rollout(windows, steps) =
            let r = torch.tensor(rotation omegaDt, dtype = torch.float64)
            let direction = torch.tensor([| 1.0; 0.0 |], dtype = torch.float64)
            let mutable x = windows.select(1, -1L)
            let states = ResizeArray()
            for k in 1 .. steps do
                x <- x.matmul(r.t())
                states.Add(plus x (scale (e0 * exp (lambda * float k * dt)) direction))
            torch.stack(states, 1L)
        member _.ParameterCount = 0

let omegaDt = 0.1
let train = rotationSeries omegaDt 630 0
let validation = rotationSeries omegaDt 315 630

let values (t: torch.Tensor) = t.detach().cpu().contiguous().data<float>().ToArray()
let weights (model: ISequenceModel) =
    model.Module.state_dict() |> Seq.map (fun kv -> kv.Key, values kv.Value) |> Seq.toList
let bits (xs: float[]) = xs |> Array.map BitConverter.DoubleToInt64Bits

/// A fresh folder for a test's files, deleted with everything in it when disposed.
type TempFolder() =
    let path = Directory.CreateTempSubdirectory("neurodyn-training-").FullName
    member _.Path = path
    interface IDisposable with
        member _.Dispose() = Directory.Delete(path, true)

/// Options of the small runs in these tests: 6 epochs, batches of 32 windows of 5 states, Adam at 5e-2, one thread.
type Options =
    static member Of(?epochs, ?learningRate, ?seed, ?checkpoint, ?resume, ?stopAfter, ?restoreBest, ?maxBatches,
                     ?schedule, ?plateauPatience, ?objective, ?checkpointEvery, ?patience, ?batchSize) =
        TrainingOptions(
            Epochs = defaultArg epochs 6, BatchSize = defaultArg batchSize 32, SeqLength = 5,
            LearningRate = defaultArg learningRate 5e-2, Threads = Nullable 1, Seed = defaultArg seed 0,
            EarlyStoppingPatience = Option.toNullable patience, Schedule = defaultArg schedule LearningRateSchedule.Cosine,
            CheckpointPath = Option.toObj checkpoint, Resume = defaultArg resume false, StopAfterEpochs = Option.toNullable stopAfter,
            RestoreBestWeights = defaultArg restoreBest true, MaxBatchesPerEpoch = Option.toNullable maxBatches,
            PlateauPatience = defaultArg plateauPatience 5, Objective = defaultArg objective TrainingObjective.OneStep,
            CheckpointEvery = defaultArg checkpointEvery 1)

let expectSameBits (a: (string * float[]) list) (b: (string * float[]) list) what =
    Expect.equal (List.map fst a) (List.map fst b) $"{what}: same tensor names"
    for (name, x), (_, y) in List.zip a b do
        Expect.sequenceEqual (bits x) (bits y) $"{what}: {name} identical bit for bit"

/// Sets the test model's matrix W (no gradient recorded).
let setWeight (model: LinearAR) (w: torch.Tensor) =
    use _ = torch.no_grad()
    model.Linear.weight.copy_(w) |> ignore

let sha256 (path: string) = Convert.ToHexString(Security.Cryptography.SHA256.HashData(File.ReadAllBytes path))
