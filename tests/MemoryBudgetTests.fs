module NeuroDyn.Tests.MemoryBudgetTests

open System
open Expecto
open NeuroDyn.IO
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Models.Spiking
open NeuroDyn.Torch

[<Tests>]
let tests =
    TorchRuntime.Initialize() |> ignore
    // every size below asks for terabytes or more: far beyond any test machine, and refused before anything is allocated
    testList "memory budget" [
        test "the available memory is positive and at most the machine's (or container's) total" {
            let available = MemoryBudget.AvailableBytes()
            Expect.isGreaterThan available 0L "positive"
            Expect.isLessThanOrEqual available (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) "at most the total"
            MemoryBudget.Ensure(1e6, "Small", "a megabyte", "nothing to do")
            Throws.withMessage<ArgumentOutOfRangeException> [ "Size"; "the test's arrays need about"; "available now"; "Ask for less." ]
                (fun () -> MemoryBudget.Ensure(2.0 * float available + 1e9, "Size", "the test's arrays", "Ask for less."))
        }
        test "a rate network too large for memory is refused with the option and the bytes named" {
            // n = 2,000,000: W_rec alone is 8 n² = 3.2e13 bytes
            Throws.withMessage<ArgumentOutOfRangeException> [ "Hidden"; "2000000 units"; "3.200E+013 bytes"; "Use fewer units" ]
                (fun () -> new CtRnn(CtRnnOptions(Hidden = 2_000_000), 0L) |> ignore)
            Throws.withMessage<ArgumentOutOfRangeException> [ "Hidden"; "2000000 units" ]
                (fun () -> new EiRateNetwork(EiRateNetworkOptions(Hidden = 2_000_000), 0L) |> ignore)
        }
        test "a Lorenz data set too long for memory is refused naming Duration" {
            // 1e12 / 0.01 = 1e14 samples of 96 bytes
            Throws.withMessage<ArgumentOutOfRangeException> [ "Duration"; "1E+14 samples"; "9.600E+015 bytes"; "Shorten Duration or raise Dt" ]
                (fun () -> LorenzDataset.Generate(LorenzDataOptions(Duration = 1e12)) |> ignore)
        }
        test "a spiking network whose connections do not fit is refused" {
            // N = 1.25e9 neurons with C = 1.25e8 inputs each: 1.6e17 synapses, past the largest array before any question of memory
            // (the memory budget refuses connections below that limit, up to 17 GB, on a machine with less available)
            let p = BrunelParameters(ExcitatoryCount = 1_000_000_000, InhibitoryCount = 250_000_000)
            Throws.withMessage<ArgumentException> [ "BrunelParameters.Epsilon"; "156250000000000000 synapses"; string Array.MaxLength; "lower ε or the neuron counts" ]
                (fun () -> new LifNetwork(p, 0L) |> ignore)
        }
        test "batches of windows too large for memory are refused naming the batch size" {
            // 500,000 windows of 500,000 + 1 states: 8 TB of values and indices
            let series = Array2D.init 1_000_000 3 (fun t i -> sin (float (t + i)))
            use windows = WindowBatches.OneStep(series, 500_000)
            Throws.withMessage<ArgumentOutOfRangeException> [ "batchSize"; "500000 windows of 500000 + 1 states"; "Lower the batch size" ]
                (fun () -> windows.ShuffledBatches(Int32.MaxValue, 0, 1) |> ignore)
            // 100 windows need about 1.6 GB: a size that fits beside whatever else the machine runs
            Expect.equal (windows.OrderedBatches(100).Length) 5000 "a batch size that fits works"
            use few = WindowBatches.OneStep(Array2D.init 100 3 (fun t i -> float (t + i)), 5)
            Expect.equal (few.ShuffledBatches(Int32.MaxValue, 0, 1) |> Array.map Array.length) [| 95 |] "a batch size near int.MaxValue is one batch of all windows"
        }
    ]
