module NeuroDyn.Tests.DataTests

open System
open System.IO
open Expecto
open TorchSharp
open NeuroDyn.Torch
open NeuroDyn.Tests.TestFixtures
open NeuroDyn.Data

let private sample () =
    let train = Array2D.init 60 3 (fun i j -> float (i * 3 + j) / 7.0)
    let other = Array2D.init 55 3 (fun i j -> -float (i + j) / 3.0)
    LorenzData(train, other, other, [| 1.5; -2.0; 25.0 |], [| 7.9; 9.0; 8.6 |], 0.01, 50)

[<Tests>]
let tests =
    testList "data" [
        test "npz round trip is exact" {
            let dir = Run.tempFolder "npz"
            let path = Path.Combine(dir, "d.npz")
            let data = sample ()
            data.Save path
            let back = LorenzData.Load path
            Expect.equal back.Train data.Train "train"
            Expect.equal back.Val data.Val "val"
            Expect.equal back.Mean data.Mean "mean"
            Expect.equal back.Dt data.Dt "dt"
            Expect.equal back.SeqLength data.SeqLength "seq_length"
            Expect.isEmpty (Directory.GetFiles(dir, "*.tmp")) "no temporary file left behind"
        }

        test "numpy reads what NeuroDyn writes" {
            let path = Path.Combine(Run.tempFolder "npz", "d.npz")
            (sample ()).Save path
            let out =
                Run.numpy $"import numpy as np; d = np.load('{path}'); print(sorted(d.files)); print(d['train'].shape, d['train'].dtype, d['train'][2,1]); print(int(d['seq_length']), float(d['dt']), d['std'][2])"
            Expect.stringContains out "['dt', 'mean', 'seq_length', 'std', 'test', 'train', 'val']" "keys"
            Expect.stringContains out $"(60, 3) float64 {7.0 / 7.0}" "train shape, dtype and one value"
            Expect.stringContains out "50 0.01 8.6" "scalars and std"
        }

        test "NeuroDyn reads what numpy writes (savez_compressed, float32, Fortran order)" {
            let path = Path.Combine(Run.tempFolder "npz", "np.npz")
            Run.numpy
                ($"import numpy as np; t = np.arange(12.0).reshape(4,3); "
                 + $"np.savez_compressed('{path}', train=np.asfortranarray(t), val=t.astype(np.float32), test=t, "
                 + "mean=np.zeros(3), std=np.ones(3), dt=np.float64(0.5), seq_length=np.int64(2))")
            |> ignore
            let back = LorenzData.Load path
            Expect.equal back.Train (Array2D.init 4 3 (fun i j -> float (i * 3 + j))) "Fortran-ordered array read in C order"
            Expect.equal back.Val back.Test "float32 values widened exactly"
            Expect.equal back.SeqLength 2 "int64 scalar"
        }

        test "missing, corrupt and incomplete files give clear errors" {
            let dir = Run.tempFolder "npz"
            Throws.withMessage<FileNotFoundException> [ "none.npz"; "chapter 00" ] (fun () -> LorenzData.Load(Path.Combine(dir, "none.npz")) |> ignore)
            let corrupt = Path.Combine(dir, "corrupt.npz")
            File.WriteAllText(corrupt, "this is not a zip file")
            Throws.withMessage<InvalidDataException> [ "not a readable .npz archive" ] (fun () -> LorenzData.Load corrupt |> ignore)
            let partial = Path.Combine(dir, "partial.npz")
            Npz.Write(partial, readOnlyDict [ "train", NpyArray.Matrix(Array2D.zeroCreate 3 3) ])
            Throws.withMessage<InvalidDataException> [ "has no array 'val'" ] (fun () -> LorenzData.Load partial |> ignore)
        }

        test "CRC-32 of the check string is the published 0xCBF43926" {
            Expect.equal (NeuroDyn.IO.Crc32.Compute(Text.Encoding.ASCII.GetBytes "123456789")) 0xCBF43926u "ISO-HDLC check value"
            Expect.equal (NeuroDyn.IO.Crc32.Compute(Array.empty<byte>)) 0u "empty input"
        }

        test "an npz entry with overwritten bytes fails its CRC-32 check, naming the file and the entry" {
            let path = Path.Combine(Run.tempFolder "npz", "lorenz_data.npz")
            (sample ()).Save path
            let bytes = File.ReadAllBytes path
            // train.npy's local header: 30 fixed bytes, then the name and the extra field (lengths at offsets 26 and 28)
            let header = bytes |> Array.windowed 9 |> Array.findIndex (fun w -> Text.Encoding.ASCII.GetString w = "train.npy") |> fun i -> i - 30
            let data = header + 30 + int (BitConverter.ToUInt16(bytes, header + 26)) + int (BitConverter.ToUInt16(bytes, header + 28))
            // 400 bytes in: past the 128-byte .npy header, inside the 60 × 3 float64 values
            for i in data + 400 .. data + 415 do bytes.[i] <- 0x41uy
            File.WriteAllBytes(path, bytes)
            Expect.stringContains (Run.numpy $"import zipfile; print(zipfile.ZipFile('{path}').testzip())") "train.npy" "Python's zipfile finds the same entry corrupt"
            Throws.withMessage<InvalidDataException> [ path; "entry train.npy fails its CRC-32 check"; "corrupt"; "chapter 00" ] (fun () -> LorenzData.Load path |> ignore)
        }

        test "the same data give the same npz bytes, written seconds apart" {
            let dir = Run.tempFolder "npz"
            let first, second = Path.Combine(dir, "first.npz"), Path.Combine(dir, "second.npz")
            (sample ()).Save first
            // zip times have a 2-second resolution: wait past it, so a time taken from the clock would differ
            Threading.Thread.Sleep 2100
            (sample ()).Save second
            Expect.sequenceEqual (File.ReadAllBytes second) (File.ReadAllBytes first) "byte for byte"
        }

        test "bad values in a data set file are refused with the file and the key named" {
            let dir = Run.tempFolder "npz"
            let good = sample ()
            let arrays () =
                Collections.Generic.Dictionary<string, NpyArray>(
                    dict [ "train", NpyArray.Matrix good.Train; "val", NpyArray.Matrix good.Val; "test", NpyArray.Matrix good.Test
                           "mean", NpyArray.Vector good.Mean; "std", NpyArray.Vector good.Std; "dt", NpyArray.Scalar good.Dt
                           "seq_length", NpyArray.Scalar(float good.SeqLength, NpyType.Int64) ])
            let refused (name: string) (key: string) (value: NpyArray) (fragments: string list) =
                let path = Path.Combine(dir, name + ".npz")
                let a = arrays ()
                a.[key] <- value
                Npz.Write(path, a)
                Throws.withMessage<InvalidDataException> (path :: fragments) (fun () -> LorenzData.Load path |> ignore)
            refused "nan-mean" "mean" (NpyArray.Vector [| nan; 0.0; 0.0 |]) [ "mean must have 3 finite entries" ]
            refused "zero-std" "std" (NpyArray.Vector [| 1.0; 0.0; 1.0 |]) [ "std must have 3 finite entries > 0" ]
            refused "infinite-std" "std" (NpyArray.Vector [| 1.0; infinity; 1.0 |]) [ "std must have 3 finite entries > 0" ]
            refused "fractional-seq" "seq_length" (NpyArray.Scalar 2.5) [ "seq_length is 2.5"; "whole number" ]
            refused "zero-seq" "seq_length" (NpyArray.Scalar(0.0, NpyType.Int64)) [ "seq_length is 0" ]
            refused "huge-seq" "seq_length" (NpyArray.Scalar(1e10, NpyType.Int64)) [ "seq_length is 10000000000" ]
            refused "infinite-dt" "dt" (NpyArray.Scalar infinity) [ "dt (the sample interval) must be a finite number > 0" ]
            refused "negative-dt" "dt" (NpyArray.Scalar -0.01) [ "dt (the sample interval) must be a finite number > 0" ]
            refused "vector-dt" "dt" (NpyArray.Vector [| 0.01; 0.02 |]) [ "'dt' has shape (2)"; "a scalar" ]
            refused "four-columns" "train" (NpyArray.Matrix(Array2D.create 60 4 0.5)) [ "split 'train' has 4 columns" ]
            refused "two-means" "mean" (NpyArray.Vector [| 0.0; 0.0 |]) [ "mean must have 3 finite entries" ]
            refused "flat-train" "train" (NpyArray.Vector(Array.create 180 0.5)) [ "'train' has shape (180)"; "rows × 3" ]
            let withInfinity = Array2D.copy good.Val
            withInfinity.[7, 1] <- infinity
            refused "infinite-value" "val" (NpyArray.Matrix withInfinity) [ "split 'val' holds"; "at row 7, column 1" ]
        }

        test "int64 arrays keep every value exactly, long.MinValue to long.MaxValue, as numpy writes and reads them" {
            let values = [| Int64.MaxValue; Int64.MinValue; Int64.MaxValue - 1L; (1L <<< 53) + 1L; -((1L <<< 53) + 1L); 0L |]
            let listed = String.Join(", ", values)
            let dir = Run.tempFolder "npy-int64"
            try
                let ours, theirs, fortran = Path.Combine(dir, "ours.npy"), Path.Combine(dir, "theirs.npy"), Path.Combine(dir, "fortran.npy")
                File.WriteAllBytes(ours, NpyArray.OfInt64([| 2; 3 |], values).ToNpy())
                let printed = Run.numpy $"import numpy as np; a = np.load('{ours}'); print(a.dtype, a.shape); print(', '.join(str(int(v)) for v in a.ravel()))"
                Expect.stringContains printed "int64 (2, 3)" "numpy reads the type and shape"
                Expect.stringContains printed listed "numpy reads every value to the last digit"
                Run.numpy
                    ($"import numpy as np; a = np.array([{listed}], dtype=np.int64).reshape(2, 3); "
                     + $"np.save('{theirs}', a); np.save('{fortran}', np.asfortranarray(a))")
                |> ignore
                Expect.sequenceEqual (File.ReadAllBytes ours) (File.ReadAllBytes theirs) "the bytes numpy writes"
                let back = NpyArray.FromNpy(File.ReadAllBytes theirs)
                Expect.equal back.Integers values "numpy's file read exactly"
                Expect.sequenceEqual (back.ToNpy()) (File.ReadAllBytes theirs) "and written back unchanged"
                Expect.equal (NpyArray.FromNpy(File.ReadAllBytes fortran)).Integers values "Fortran order read into C order exactly"
            finally
                Directory.Delete(dir, true)
        }

        test "integer arrays held as doubles are written exactly where they can be, and refused naming the value and what to do where not" {
            // long.MaxValue has no double: it rounds up to 2⁶³, one past the int64 range
            Throws.withMessage<InvalidDataException> [ "value 9223372036854775808 at index 0"; "Int64"; "NpyArray.OfInt64" ]
                (fun () -> NpyArray.Scalar(float Int64.MaxValue, NpyType.Int64).ToNpy() |> ignore)
            Throws.withMessage<InvalidDataException> [ "value 2.5 at index 1"; "whole numbers" ] (fun () -> NpyArray([| 2 |], NpyType.Int64, [| 1.0; 2.5 |]).ToNpy() |> ignore)
            Throws.withMessage<InvalidDataException> [ "value NaN at index 0" ] (fun () -> NpyArray.Scalar(nan, NpyType.Int64).ToNpy() |> ignore)
            Throws.withMessage<InvalidDataException> [ "value 2147483648 at index 0"; "Int32" ] (fun () -> NpyArray.Scalar(2147483648.0, NpyType.Int32).ToNpy() |> ignore)
            // the extremes a double does hold: −2⁶³, 2⁶³ − 1024 and the int32 range's ends
            let int64 = NpyArray.FromNpy(NpyArray([| 3 |], NpyType.Int64, [| float Int64.MinValue; 9223372036854774784.0; -1.0 |]).ToNpy())
            Expect.equal int64.Integers [| Int64.MinValue; Int64.MaxValue - 1023L; -1L |] "int64 exactly"
            let int32 = NpyArray.FromNpy(NpyArray([| 2 |], NpyType.Int32, [| float Int32.MinValue; float Int32.MaxValue |]).ToNpy())
            Expect.equal int32.Values [| float Int32.MinValue; float Int32.MaxValue |] "int32 exactly"
            // integers that no longer match the values (replaced ones) are not written in their place
            Throws.withMessage<InvalidDataException> [ "Integers do not match its Values"; "NpyArray.OfInt64" ]
                (fun () -> NpyArray([| 1 |], NpyType.Int64, [| 5.0 |], Integers = [| Int64.MaxValue |]).ToNpy() |> ignore)
            Throws.withMessage<ArgumentException> [ "shape (2, 2) holds 4 values but 3" ] (fun () -> NpyArray.OfInt64([| 2; 2 |], [| 1L; 2L; 3L |]) |> ignore)
        }

        test "truncated npy data is reported, not read as garbage" {
            let bytes = (NpyArray.Vector [| 1.0; 2.0; 3.0 |]).ToNpy()
            Throws.withMessage<InvalidDataException> [ "truncated" ] (fun () -> NpyArray.FromNpy(bytes.[.. bytes.Length - 9]) |> ignore)
        }

        test "z-score uses the given statistics and inverts exactly" {
            let x = Array2D.init 100 2 (fun i j -> float i * (if j = 0 then 1.0 else -3.0) + 5.0)
            let z = ZScore.Fit x
            let n = z.Apply x
            let mean j = Seq.average (seq { for i in 0 .. 99 -> n.[i, j] })
            let var j = Seq.average (seq { for i in 0 .. 99 -> n.[i, j] ** 2.0 })
            // sums of 100 O(1) terms: rounding error ~1e-14
            Expect.floatClose { absolute = 1e-12; relative = 0.0 } (mean 0) 0.0 "zero mean"
            Expect.floatClose { absolute = 1e-12; relative = 0.0 } (var 1) 1.0 "unit variance"
            let back = z.Invert n
            for i in 0 .. 99 do
                for j in 0 .. 1 do
                    Expect.floatClose { absolute = 1e-12; relative = 1e-13 } back.[i, j] x.[i, j] "inverse"
        }
    ]

[<Tests>]
let windowBatchTests =
    TorchRuntime.Initialize() |> ignore
    testList "window batches" [
        test "windows and targets are the slices of the series that follow each other" {
            // entries 10 t + i identify time and component exactly in float64
            let series = Array2D.init 12 3 (fun t i -> float (10 * t + i))
            use one = WindowBatches.OneStep(series, 4)
            Expect.equal one.Count (12 - 4 - 1 + 1) "T − L − K + 1 windows"
            use batch = one.Batch([| 0; 7 |])
            Expect.sequenceEqual batch.Windows.shape [| 2L; 4L; 3L |] "windows [B, L, D]"
            Expect.sequenceEqual batch.Targets.shape [| 2L; 3L |] "one-step targets [B, D]"
            let w = values batch.Windows
            Expect.sequenceEqual w.[0..11] [| for t in 0 .. 3 do for i in 0 .. 2 -> float (10 * t + i) |] "window 0 = x[0..3]"
            Expect.sequenceEqual w.[12..] [| for t in 7 .. 10 do for i in 0 .. 2 -> float (10 * t + i) |] "window 7 = x[7..10]"
            Expect.sequenceEqual (values batch.Targets) [| 40.0; 41.0; 42.0; 110.0; 111.0; 112.0 |] "targets x[4], x[11]"
            use multi = WindowBatches.MultiStep(series, 4, 3, torch.float32)
            Expect.equal multi.Count (12 - 4 - 3 + 1) "T − L − K + 1 windows"
            use mb = multi.Batch([| 5 |])
            Expect.sequenceEqual mb.Targets.shape [| 1L; 3L; 3L |] "multi-step targets [B, K, D]"
            Expect.equal mb.Targets.dtype torch.float32 "dtype argument honoured"
            Expect.sequenceEqual (mb.Targets.to_type(torch.float64) |> values) [| for t in 9 .. 11 do for i in 0 .. 2 -> float (10 * t + i) |] "targets x[9..11]"
        }
        test "the shuffle is a permutation fixed by seed and epoch, and the batch cap holds" {
            let series = Array2D.init 110 2 (fun t i -> float (t + i))
            use windows = WindowBatches.OneStep(series, 10)
            let a = windows.ShuffledBatches(16, 3, 1)
            Expect.sequenceEqual (Array.concat a |> Array.sort) [| 0 .. 99 |] "every window exactly once"
            Expect.equal (a |> Array.map Array.length) [| 16; 16; 16; 16; 16; 16; 4 |] "full batches and a smaller last one"
            Expect.equal (windows.ShuffledBatches(16, 3, 1)) a "same seed and epoch, same order"
            Expect.notEqual (windows.ShuffledBatches(16, 3, 2)) a "the next epoch is shuffled differently"
            Expect.notEqual (windows.ShuffledBatches(16, 4, 1)) a "another seed is shuffled differently"
            let capped = windows.ShuffledBatches(16, 3, 1, 2)
            Expect.equal capped a.[0..1] "the cap keeps the first batches of the same order"
        }
        test "bad series and window lengths are rejected with a message that says what to do" {
            let short = Array2D.zeroCreate 5 2
            let e = Throws.capture<ArgumentException> (fun () -> WindowBatches.MultiStep(short, 4, 2) |> ignore)
            Expect.stringContains (string e.Message) "needs at least 6" "names the length needed"
            let withNan = Array2D.init 20 2 (fun t i -> if t = 13 && i = 1 then nan else 0.0)
            let e = Throws.capture<ArgumentException> (fun () -> WindowBatches.OneStep(withNan, 4) |> ignore)
            Expect.stringContains e.Message "time index 13, component 1" "names where"
            let withInf = Array2D.init 20 2 (fun t _ -> if t = 2 then infinity else 0.0)
            Expect.throwsT<ArgumentException> (fun () -> WindowBatches.OneStep(withInf, 4) |> ignore) "Inf"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> WindowBatches.OneStep(withNan, 0) |> ignore) "L < 1"
        }
    ]
