module NeuroDyn.Tests.SpikingTests

open System
open Expecto
open NeuroDyn.Models.Spiking
open NeuroDyn.Analysis.Spiking

/// One unconnected neuron without external Poisson drive, driven only through Step(current).
let private single =
    BrunelParameters(ExcitatoryCount = 1, InhibitoryCount = 0, Epsilon = 0.0, Eta = 0.0)

/// Brunel's model at N_E = 4000, N_I = 1000 with ε = 0.25: the in-degrees C_E = 1000, C_I = 250 of the full model are
/// kept, so the mean-field input μ, σ (which depend only on C_E, C_I, J, g, η) and hence the regimes are Brunel's;
/// the price of the smaller N is more shared input (ε = 0.25 instead of 0.1), which raises χ somewhat in every regime.
let private regimeWith synapse g eta =
    BrunelParameters(ExcitatoryCount = 4000, InhibitoryCount = 1000, Epsilon = 0.25, G = g, Eta = eta, Synapse = synapse, TauSyn = 0.05)

let private regime = regimeWith SynapseKind.Delta

/// Runs a warm-up, then records the first 1000 neurons for the given duration (ms), on two threads.
let private simulate (p: BrunelParameters) warmUp duration =
    use net = new LifNetwork(p, 7L, 2)
    net.Run(warmUp) |> ignore
    net.Run(duration, [| 0 .. 999 |])

let private describe (r: SpikeRaster) =
    let cv = SpikeStatistics.IsiCv(r)
    let osc = SpikeStatistics.DominantOscillation(r, 0.5)
    sprintf "rate %.1f Hz, CV %.2f (%d neurons), chi %.3f, oscillation %.0f Hz (power fraction %.2f)"
        (SpikeStatistics.MeanRate r) cv.Mean cv.NeuronsUsed (SpikeStatistics.Synchrony(r, 1.0)) osc.Frequency osc.PowerFraction

[<Tests>]
let tests =
    testList "spiking" [
        test "the exact subthreshold update matches the analytic solution with constant input" {
            use net = new LifNetwork(single, 1L)
            net.SetMembranePotentials(ReadOnlySpan [| 3.0 |])
            let input = [| 15.0 |] // R I below θ = 20 mV: never fires
            for k in 1 .. 2000 do
                net.Step(ReadOnlySpan input)
                let t = float k * single.Dt
                let exact = 15.0 + (3.0 - 15.0) * exp (-t / single.TauM)
                // the update is the exact flow map, so only rounding (a few ulps per step, contracted by e^{-dt/τ}) remains
                Expect.floatClose { absolute = 1e-12; relative = 0.0 } net.MembranePotentials.[0] exact (sprintf "V at t = %g ms" t)
        }

        test "one spike gives the analytic postsynaptic potential after the delay (delta and exponential synapses)" {
            for kind in [ SynapseKind.Delta; SynapseKind.Exponential ] do
                let p = BrunelParameters(ExcitatoryCount = 2, InhibitoryCount = 0, Epsilon = 0.0, Eta = 0.0, J = 0.5, Synapse = kind, TauSyn = 2.0)
                let oneSynapse = SparseConnectivity(2, [| 0L; 1L; 1L |], [| 1 |]) // neuron 0 -> neuron 1
                use net = new LifNetwork(p, oneSynapse, 1L)
                net.SetMembranePotentials(ReadOnlySpan [| p.Theta + 1.0; 0.0 |]) // neuron 0 fires in the first step, at t = dt
                let arrival = p.Dt + p.Delay
                for k in 1 .. 400 do
                    net.Step()
                    let t = float k * p.Dt
                    let s = t - arrival
                    let expected =
                        if s < -1e-9 then 0.0
                        elif kind = SynapseKind.Delta then p.J * exp (-s / p.TauM)
                        // current J τm/τs e^{-s/τs} through the membrane: J τm/(τs − τm) (e^{-s/τs} − e^{-s/τm})
                        else p.J * p.TauM / (p.TauSyn - p.TauM) * (exp (-s / p.TauSyn) - exp (-s / p.TauM))
                    // exact integration again: rounding only
                    Expect.floatClose { absolute = 1e-12; relative = 0.0 } net.MembranePotentials.[1] expected (sprintf "%A PSP at t = %g ms" kind t)
        }

        test "a constant suprathreshold current fires at the analytic rate" {
            for current in [ 20.5; 25.0; 40.0 ] do
                use net = new LifNetwork(single, 1L)
                net.SetMembranePotentials(ReadOnlySpan [| single.VReset |])
                let raster = net.Run(2000.0, input = ExternalInputFiller(fun _ i -> i.Fill current))
                let period = single.RefractoryPeriod + single.TauM * log ((current - single.VReset) / (current - single.Theta))
                let isis = raster.Times |> Array.pairwise |> Array.map (fun (a, b) -> b - a)
                Expect.isGreaterThan isis.Length 10 "enough spikes"
                // threshold crossings are detected at step ends, so each period is the analytic one rounded up to the grid
                for isi in isis do
                    Expect.isTrue (isi >= period - 1e-9 && isi <= period + single.Dt + 1e-9) (sprintf "ISI %g ms vs analytic %g ms at R I = %g mV" isi period current)
        }

        test "fixed in-degree: every neuron gets exactly C_E excitatory and C_I inhibitory inputs, distinct and never from itself" {
            let p = BrunelParameters(ExcitatoryCount = 2000, InhibitoryCount = 500)
            let c = SparseConnectivity.FixedInDegree(p.ExcitatoryCount, p.InhibitoryCount, p.ExcitatoryInDegree, p.InhibitoryInDegree, 3L)
            let degrees = c.InDegrees(p.ExcitatoryCount)
            Expect.allEqual degrees.FromExcitatory p.ExcitatoryInDegree "C_E = 200 excitatory inputs each"
            Expect.allEqual degrees.FromInhibitory p.InhibitoryInDegree "C_I = 50 inhibitory inputs each"
            for j in 0 .. c.NeuronCount - 1 do
                let row = c.Targets.[int c.Offsets.[j] .. int c.Offsets.[j + 1] - 1]
                Expect.isFalse (Array.contains j row) (sprintf "neuron %d connects to itself" j)
                Expect.equal (Array.distinct row).Length row.Length (sprintf "neuron %d has a repeated target" j)
            Expect.equal c.SynapseCount (int64 p.NeuronCount * int64 (p.ExcitatoryInDegree + p.InhibitoryInDegree)) "synapse count"
        }

        test "same seed, same spikes and membranes, bit for bit, on 1, 2, 3 or 4 threads; another seed differs" {
            let bits (xs: float[]) = Array.map BitConverter.DoubleToInt64Bits xs
            // delta synapses on Brunel's drive; exponential synapses with traces and an extra input current (all four neuron loops)
            let delta = BrunelParameters(ExcitatoryCount = 1000, InhibitoryCount = 250, Epsilon = 0.2, G = 5.0, Eta = 2.0)
            let exponential =
                BrunelParameters(ExcitatoryCount = 1000, InhibitoryCount = 250, Epsilon = 0.2, G = 5.0, Eta = 2.0,
                                 Synapse = SynapseKind.Exponential, TauSyn = 0.5, TraceTimeConstant = Nullable 10.0)
            let drive = ExternalInputFiller(fun t i -> for k in 0 .. i.Length - 1 do i.[k] <- 2.0 * sin (0.05 * t + float k))
            let run (p: BrunelParameters) (input: ExternalInputFiller) (seed: int64) (threads: int) =
                use net = new LifNetwork(p, seed, threads)
                Expect.equal net.Threads threads "threads used"
                let r = net.Run(200.0, input = input)
                let traces = if p.TraceTimeConstant.HasValue then bits (net.Traces.ToArray()) else [||]
                r.Neurons, r.Times, r.PopulationCounts, bits (net.MembranePotentials.ToArray()), bits (net.SynapticCurrents.ToArray()), traces
            for p, input, name in [ delta, null, "delta"; exponential, drive, "exponential + input + traces" ] do
                let reference = run p input 11L 1
                let (neurons, _, _, _, _, _) = reference
                Expect.isGreaterThan neurons.Length 1000 (sprintf "%s: the network is active" name)
                for threads in 1 .. 4 do
                    Expect.equal (run p input 11L threads) reference (sprintf "%s: %d thread(s) against one" name threads)
                Expect.notEqual (run p input 12L 2) reference (sprintf "%s: another seed" name)
        }

        test "thread counts: at most one per neuron, the default one per 2048 neurons up to the processors, zero refused" {
            use tiny = new LifNetwork(BrunelParameters(ExcitatoryCount = 3, InhibitoryCount = 0, Epsilon = 0.0, Eta = 0.0), 1L, 4)
            Expect.equal tiny.Threads 3 "three neurons, three partitions"
            Expect.equal (LifNetwork.DefaultThreads 100) 1 "a small network: one thread"
            Expect.equal (LifNetwork.DefaultThreads 100_000) (min Environment.ProcessorCount 48) "a large network: one thread per processor"
            Throws.withMessage<ArgumentOutOfRangeException> [ "threads"; "at least 1" ] (fun () -> new LifNetwork(single, 1L, 0) |> ignore)
        }

        test "Poisson-driven unconnected neurons fire at the rate of the diffusion theory" {
            let p = BrunelParameters(ExcitatoryCount = 800, InhibitoryCount = 200, Eta = 1.0) // C_E = 80, μ = θ, σ = 4.5 mV
            let unconnected = SparseConnectivity(p.NeuronCount, Array.zeroCreate (p.NeuronCount + 1), [||])
            use net = new LifNetwork(p, unconnected, 5L, 2)
            net.Run(100.0) |> ignore
            let rate = SpikeStatistics.MeanRate(net.Run(2000.0))
            let theory = BrunelMeanField.OutputRate(p, 0.0) * 1000.0
            // ~40,000 spikes give 0.5 % counting noise; the diffusion approximation of 0.1 mV jumps adds ~1-3 %
            Expect.floatClose { absolute = 0.0; relative = 0.05 } rate theory "rate (Hz) vs Siegert formula"
        }

        test "exponential synapses tend to delta synapses as tau_s -> 0 (same charge per spike)" {
            let rate kind =
                SpikeStatistics.MeanRate(simulate (regimeWith kind 5.0 2.0) 200.0 300.0)
            let delta, exponential = rate SynapseKind.Delta, rate SynapseKind.Exponential
            // τ_s = 0.05 ms spreads each jump over half a step: the network statistics move by ~1 %, counting noise is ~0.5 %
            Expect.floatClose { absolute = 0.0; relative = 0.05 } exponential delta "population rate (Hz)"
        }

        test "external input hook and spike traces: traces equal the sum of decaying exponentials over the spikes" {
            let p = BrunelParameters(ExcitatoryCount = 3, InhibitoryCount = 0, Epsilon = 0.0, Eta = 0.0, TraceTimeConstant = Nullable 10.0)
            use net = new LifNetwork(p, 1L)
            let raster = net.Run(300.0, input = ExternalInputFiller(fun t i -> i.[0] <- 30.0; i.[1] <- (if t < 150.0 then 25.0 else 0.0); i.[2] <- 5.0))
            for neuron in 0 .. 2 do
                let expected =
                    Array.zip raster.Neurons raster.Times
                    |> Array.filter (fun (n, _) -> n = neuron)
                    |> Array.sumBy (fun (_, ts) -> exp (-(net.Time - ts) / 10.0))
                // the trace is multiplied by e^{-dt/τ} 3000 times: relative rounding ~1e-13
                Expect.floatClose { absolute = 1e-12; relative = 1e-12 } net.Traces.[neuron] expected (sprintf "trace of neuron %d" neuron)
            Expect.equal (raster.Neurons |> Array.filter ((=) 2)).Length 0 "subthreshold neuron is silent"
        }

        test "bad parameters and inputs are refused with the offending name" {
            let fails (p: BrunelParameters) (name: string) = Throws.withMessage<ArgumentException> [ name ] (fun () -> p.Validate() |> ignore)
            fails (BrunelParameters(TauM = 0.0)) "TauM"
            fails (BrunelParameters(Dt = -0.1)) "Dt"
            fails (BrunelParameters(Delay = 1.55)) "Delay"
            fails (BrunelParameters(RefractoryPeriod = 2.05)) "RefractoryPeriod"
            fails (BrunelParameters(VReset = 25.0)) "VReset"
            fails (BrunelParameters(Epsilon = 1.0)) "Epsilon"
            fails (BrunelParameters(Synapse = SynapseKind.Exponential, TauSyn = 20.0)) "TauSyn"
            use net = new LifNetwork(single, 1L)
            Expect.throwsT<ArgumentException> (fun () -> net.Step(ReadOnlySpan [| 1.0; 2.0 |])) "wrong input length"
            Expect.throwsT<ArgumentException> (fun () -> net.Step(ReadOnlySpan [| nan |])) "NaN input"
            Expect.throwsT<ArgumentOutOfRangeException> (fun () -> net.Run(0.05) |> ignore) "duration not a multiple of dt"
        }

        test "networks past the array limits are refused by Validate, before any allocation, naming the option and the limit" {
            let limit = BrunelParameters.MaxNeuronCount
            Expect.equal limit (Array.MaxLength - 1) "N + 1 row offsets fill one array"
            let fails (p: BrunelParameters) (fragments: string list) = Throws.withMessage<ArgumentException> fragments (fun () -> p.Validate() |> ignore)
            // N_E + N_I past int.MaxValue wrapped round to a negative NeuronCount
            fails (BrunelParameters(ExcitatoryCount = Int32.MaxValue, InhibitoryCount = 2, Epsilon = 0.0, Eta = 0.0)) [ "InhibitoryCount"; "2147483649 neurons"; string limit ]
            // the limit itself passes (Validate allocates nothing), one neuron more does not
            let unconnected e i = BrunelParameters(ExcitatoryCount = e, InhibitoryCount = i, Epsilon = 0.0, Eta = 0.0, Delay = 0.1)
            (unconnected limit 0).Validate() |> ignore
            fails (unconnected limit 1) [ "InhibitoryCount"; string (int64 limit + 1L); string limit ]
            // N (C_E + C_I) synapses fill one array: 10⁵ neurons at ε = 0.21 give 2.1·10⁹ (fits), at ε = 0.22 2.2·10⁹ (does not)
            let brunel epsilon = BrunelParameters(ExcitatoryCount = 80_000, InhibitoryCount = 20_000, Epsilon = epsilon)
            (brunel 0.21).Validate() |> ignore
            fails (brunel 0.22) [ "Epsilon"; "2200000000 synapses"; string Array.MaxLength ]
            // the ring buffer holds D/dt × N entries: 10⁸ neurons with a delay of 21 steps fit, 22 do not
            let delayed delay = BrunelParameters(ExcitatoryCount = 80_000_000, InhibitoryCount = 20_000_000, Epsilon = 0.0, Eta = 0.0, Delay = delay)
            (delayed 2.1).Validate() |> ignore
            fails (delayed 2.2) [ "Delay"; "ring buffer"; string Array.MaxLength ]
        }

        test "spike statistics of known trains: clock, Poisson and identical trains" {
            let dt = 0.1
            let steps = 100_000 // 10 s
            let raster (trains: (int * float[]) list) =
                let counts = Array.zeroCreate steps
                let spikes = trains |> List.collect (fun (n, ts) -> ts |> Array.map (fun t -> n, t) |> List.ofArray) |> List.sortBy snd
                for (_, t) in spikes do counts.[int (round (t / dt)) - 1] <- counts.[int (round (t / dt)) - 1] + 1
                SpikeRaster(spikes |> List.map fst |> Array.ofList, spikes |> List.map snd |> Array.ofList, trains |> List.map fst |> Array.ofList, counts, trains.Length, 0.0, dt)
            let clock = [| for k in 1 .. 999 -> float k * 10.0 |]
            let rng = Random(4)
            let poisson () = // 50 Hz Bernoulli train on the grid: ISIs geometric, CV ≈ 1, Fano ≈ 1 − p
                [| for s in 1 .. steps do if rng.NextDouble() < 0.005 then yield float s * dt |]
            let regular = raster [ 0, clock; 1, clock ]
            Expect.floatClose Accuracy.high (SpikeStatistics.IsiCv(regular).Mean) 0.0 "CV of a clock"
            Expect.floatClose Accuracy.medium (SpikeStatistics.Synchrony(regular, 1.0)) 1.0 "identical trains are fully synchronous"
            Expect.floatClose Accuracy.medium (SpikeStatistics.NeuronRates(regular).[0]) 99.9 "rate of a 100 Hz clock over 10 s"
            let irregular = raster [ for n in 0 .. 19 -> n, poisson () ]
            // 500 spikes per train: CV and Fano of the mean over 20 trains have ~1-2 % standard error
            Expect.floatClose { absolute = 0.05; relative = 0.0 } (SpikeStatistics.IsiCv(irregular).Mean) 1.0 "CV of Poisson trains"
            Expect.floatClose { absolute = 0.1; relative = 0.0 } (SpikeStatistics.FanoFactor(irregular, 100.0)) 1.0 "Fano factor of Poisson trains"
            Expect.isLessThan (SpikeStatistics.Synchrony(irregular, 1.0)) 0.35 "independent trains: chi ≈ 1/sqrt(20) = 0.22"
            // rate 50 (1 + 0.8 sin(2π 40 t)) Hz: the population spectrum peaks at 40 Hz (resolution 0.1 Hz over 10 s)
            let modulated () =
                [| for s in 1 .. steps do
                     let t = float s * dt
                     if rng.NextDouble() < 0.005 * (1.0 + 0.8 * sin (2.0 * Math.PI * 0.040 * t)) then yield t |]
            let rhythmic = raster [ for n in 0 .. 19 -> n, modulated () ]
            let osc = SpikeStatistics.DominantOscillation(rhythmic, 1.0)
            Expect.floatClose { absolute = 0.2; relative = 0.0 } osc.Frequency 40.0 "the modulation frequency"
            Expect.isGreaterThan (SpikeStatistics.Synchrony(rhythmic, 1.0)) (SpikeStatistics.Synchrony(irregular, 1.0)) "common modulation raises chi"
        }

        test "the mean-field rates are those Brunel (2000, p. 196) quotes for Fig. 8 B, C, D" {
            // quoted to 3 significant figures (38 Hz to 2), so agreement is asked to half a unit in the last quoted digit
            for g, eta, quoted, digit in [ 6.0, 4.0, 55.8, 0.1; 5.0, 2.0, 38.0, 1.0; 4.5, 0.9, 6.5, 0.1 ] do
                let rate = BrunelMeanField.StationaryRate(BrunelParameters(G = g, Eta = eta))
                Expect.floatClose { absolute = digit / 2.0; relative = 0.0 } rate quoted (sprintf "stationary rate (Hz) at g = %g, eta = %g" g eta)
        }

        test "the mean-field boundary g* is where the self-consistent mean input reaches threshold, between mean-driven and fluctuation-driven states" {
            let p = BrunelParameters(Eta = 2.0)
            let gStar = BrunelMeanField.FluctuationDrivenBoundary(p, 3.0, 8.0)
            let excess g =
                let q = BrunelParameters(Eta = 2.0, G = g)
                BrunelMeanField.MeanInput(q, BrunelMeanField.StationaryRate q / 1000.0) - q.Theta
            // the bisection stops at 1e-6 in g; 1e-3 either side is far beyond it and still close to the crossing
            Expect.isGreaterThan (excess (gStar - 1e-3)) 0.0 "mean-driven just below g*"
            Expect.isLessThan (excess (gStar + 1e-3)) 0.0 "fluctuation-driven just above g*"
            // μ = ηθ + C_E J τ ν (1 − gγ): at g γ = 1 (g = 4) the recurrent terms cancel and μ = ηθ = 40 mV > θ, so g* > 4
            Expect.floatClose { absolute = 1e-9; relative = 1e-12 } (BrunelMeanField.MeanInput(BrunelParameters(Eta = 2.0, G = 4.0), 0.05)) 40.0 "μ = ηθ where gγ = 1"
            Expect.isGreaterThan gStar 4.0 "the boundary lies in the inhibition-dominated half"
            Expect.isTrue (Double.IsNaN(BrunelMeanField.FluctuationDrivenBoundary(p, 6.0, 8.0))) "no crossing in [6, 8]: NaN"
        }

        // Brunel (2000), Fig. 8: A = SR (g 3, η 2), B = SI fast (g 6, η 4), C = AI (g 5, η 2), D = SI slow (g 4.5, η 0.9).
        test "asynchronous irregular state (g 5, eta 2): rate of the mean-field theory, no dominant rhythm" {
            let p = regime 5.0 2.0
            let r = simulate p 200.0 500.0
            let rate = SpikeStatistics.MeanRate r
            let theory = BrunelMeanField.StationaryRate p
            printfn "AI: %s; mean-field %.1f Hz" (describe r) theory
            // the theory neglects the finite J and the delay: simulations sit a few percent off it
            Expect.floatClose { absolute = 0.0; relative = 0.1 } rate theory "rate (Hz) vs Brunel's self-consistent rate"
            Expect.isLessThan (SpikeStatistics.DominantOscillation(r, 0.5).PowerFraction) 0.25 "no sharp spectral peak"
            Expect.isLessThan (SpikeStatistics.Synchrony(r, 1.0)) 0.25 "weak synchrony"
            Expect.isGreaterThan (SpikeStatistics.IsiCv(r).Mean) 0.3 "irregular firing"
        }

        test "fast synchronous irregular state (g 6, eta 4): population oscillates near 180 Hz, single units irregular" {
            let r = simulate (regime 6.0 4.0) 200.0 500.0
            printfn "SI fast: %s" (describe r)
            let osc = SpikeStatistics.DominantOscillation(r, 0.5)
            Expect.isTrue (osc.Frequency > 120.0 && osc.Frequency < 250.0) (sprintf "fast rhythm, got %.0f Hz" osc.Frequency)
            Expect.isGreaterThan osc.PowerFraction 0.25 "a sharp spectral peak"
            Expect.isGreaterThan (SpikeStatistics.IsiCv(r).Mean) 0.7 "irregular single units"
            Expect.isLessThan (SpikeStatistics.MeanRate r) osc.Frequency "neurons fire more slowly than the population rhythm"
        }

        test "synchronous regular state (g 3, eta 2): near-saturated clock-like firing, strong synchrony" {
            let r = simulate (regime 3.0 2.0) 100.0 200.0
            printfn "SR: %s" (describe r)
            Expect.isLessThan (SpikeStatistics.IsiCv(r).Mean) 0.1 "regular firing"
            Expect.isGreaterThan (SpikeStatistics.Synchrony(r, 1.0)) 0.4 "strong synchrony"
            Expect.isGreaterThan (SpikeStatistics.MeanRate r) 200.0 "high rate"
        }

        test "slow synchronous irregular state (g 4.5, eta 0.9): slow population rhythm, low irregular rates" {
            let r = simulate (regime 4.5 0.9) 200.0 1000.0
            printfn "SI slow: %s" (describe r)
            let osc = SpikeStatistics.DominantOscillation(r, 1.0)
            Expect.isTrue (osc.Frequency > 5.0 && osc.Frequency < 50.0) (sprintf "slow rhythm, got %.0f Hz" osc.Frequency)
            Expect.isLessThan (SpikeStatistics.MeanRate r) 15.0 "low rates"
            Expect.isGreaterThan (SpikeStatistics.IsiCv(r, minSpikes = 4).Mean) 0.3 "irregular single units"
        }
    ]
