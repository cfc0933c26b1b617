(**
# Chapter 05 — Synthesis: three networks, one attractor

Chapters 01 to 03 trained three very different recurrent networks on the same Lorenz-63 data: a continuous-time
RNN (01), a balanced excitatory/inhibitory rate network that obeys Dale's law (02), and a network of spiking
leaky integrate-and-fire neurons used as a reservoir, beside a small spiking network trained with surrogate
gradients (03). Chapter 04 analysed them as dynamical systems. This chapter puts them side by side on the same
measures:

* **one-step test MSE** — the error of the next state, on z-scored test data;
* **valid prediction time** (VPT) — how long a closed-loop forecast stays within a normalised error of 0.4, in
  Lyapunov times $1/\lambda_{max}$ (median and 10th/90th percentiles over the same start points);
* **attractor agreement** — $D_{stsp}$ (state-space divergence) and $D_H$ (power-spectrum distance) between a long
  free run and the true attractor (Hess et al. 2023);
* **largest Lyapunov exponent** $\lambda_{max}$ of the model, to be compared with Lorenz's
  $\lambda_{max} \approx 0.906$ per time unit — a model that *is* the attractor is chaotic at the same rate;
* the number of **fixed points** found (Lorenz-63 has three).

It reads what the earlier chapters saved under `out/`. A chapter whose results are missing is run first, on its
defaults (with the same `--quick`/`--full`, `--out` and `--data`). Where a trained model was saved and its code is
in the core, it is loaded and evaluated again here with the same code on the same test data and start points, so
the numbers below are measured, not copied.

Run it with `dotnet fsi scripts/05_synthesis.fsx`; `--quick` for a tiny run, `--full` for the full-quality one, `-- --help` for the options.
*)
#load "prelude.fsx"
open System
open System.IO
open System.Diagnostics
open System.Text.Json
open Prelude
open NeuroDyn.IO
open NeuroDyn.Data
open NeuroDyn.Models
open NeuroDyn.Training
open NeuroDyn.Evaluation
open NeuroDyn.Analysis
open Plotly.NET
open Plotly.NET.LayoutObjects

let args = Cli.Args.FromFsi()
let common = Output.chapterOptions args
let quick, full, outDir, dataPath, seed = common.Quick, common.Full, common.OutDir, common.DataPath, common.Seed
args.Check()
let page = Page.Page("Chapter 05 — Synthesis", __SOURCE_DIRECTORY__ + "/05_synthesis.fsx")

/// Largest Lyapunov exponent of Lorenz-63 (σ 10, ρ 28, β 8/3) per time unit (Sprott 2003: 0.9056).
let lorenzLambda = 0.9056

(**
## The results of the earlier chapters

The data set of chapter 00 (made here if it is missing), then each chapter's JSON result.
*)
let data = Models.lorenzData dataPath (if quick then 20.0 else 200.0)

let notes = ResizeArray<string>()
let chapters = [ "01_ctrnn"; "02_ei_rate"; "03_spiking"; "04_analysis" ]

/// Runs a chapter script on its defaults with this run's mode and folders, its output passed through; true when it succeeded.
let runChapter (name: string) (script: string) =
    let mode = if quick then [ "--quick" ] elif full then [ "--full" ] else []
    let arguments = [ "fsi"; script ] @ mode @ [ "--out"; outDir; "--data"; dataPath ]
    printfn "%s: no results in %s; training it now on defaults: dotnet %s" name outDir (String.Join(" ", arguments))
    use p = Process.Start(ProcessStartInfo("dotnet", arguments, WorkingDirectory = Output.root))
    p.WaitForExit()
    if p.ExitCode <> 0 then notes.Add $"Chapter {name} was run because its results were missing, but it failed (exit code {p.ExitCode}); its numbers are shown as n/a."
    else notes.Add $"Chapter {name} had no results in this output folder, so it was run first on its defaults."
    p.ExitCode = 0

let results =
    [ for name in chapters ->
        let json = Path.Combine(outDir, name + ".json")
        let script = Path.Combine(__SOURCE_DIRECTORY__, name + ".fsx")
        if not (File.Exists json) then
            if File.Exists script then runChapter name script |> ignore
            else notes.Add $"Chapter {name} has no results ({name}.json) and its script is not in this checkout; its numbers are shown as n/a."
        name, (if File.Exists json then Some (Output.readJson json).RootElement else None) ]
    |> Map.ofList
for name in chapters do printfn "%s: %s" name (if results.[name].IsSome then "results read" else "missing")
// a chapter run in another mode (say a default chapter 03 under a full synthesis) would be compared as if it were this run's
for name in chapters do
    match results.[name] with
    | Some json ->
        let mode = match json.TryGetProperty "mode" with | true, m -> Some(m.GetString()) | _ -> None
        if mode <> Some common.Mode then
            let earlier = mode |> Option.map (fun m -> $"a {m} run") |> Option.defaultValue "a run that did not record its mode"
            let flag = if common.Mode = "default" then "" else " --" + common.Mode
            notes.Add $"Chapter {name}'s results in this output folder come from {earlier}, this is a {common.Mode} run: run `dotnet fsi scripts/{name}.fsx{flag}` first for a like-for-like table."
    | None -> ()

/// The JSON element at a path of property names (a number indexes an array), when the chapter's result has it.
let rec private elementAt (path: string list) (e: JsonElement) =
    match path with
    | [] -> Some e
    | key :: rest ->
        match e.ValueKind with
        | JsonValueKind.Object -> match e.TryGetProperty key with | true, v -> elementAt rest v | _ -> None
        | JsonValueKind.Array ->
            match Int32.TryParse key with
            | true, i when i >= 0 && i < e.GetArrayLength() -> elementAt rest e.[i]
            | _ -> None
        | _ -> None

let find (chapter: string) (path: string list) = results.[chapter] |> Option.bind (elementAt path)

/// A number saved by a chapter (NaN and ±Infinity are written as strings), if present.
let number chapter path =
    match find chapter path with
    | Some v when v.ValueKind = JsonValueKind.Number -> Some(v.GetDouble())
    | Some v when v.ValueKind = JsonValueKind.String ->
        match Double.TryParse(v.GetString(), Globalization.NumberStyles.Float, Globalization.CultureInfo.InvariantCulture) with
        | true, x -> Some x
        | _ -> None
    | _ -> None

/// A count saved by a chapter: the length of an array, or a number.
let count chapter path =
    match find chapter path with
    | Some v when v.ValueKind = JsonValueKind.Array -> Some(v.GetArrayLength())
    | Some v when v.ValueKind = JsonValueKind.Number -> Some(v.GetInt32())
    | _ -> None

/// Median, 10th and 90th percentile of the valid prediction time (Lyapunov times) and the number of start points.
type Vpt = { Median: float option; P10: float option; P90: float option; N: int option }

/// One model's row of the comparison; None where the chapter did not save (or could not measure) the quantity.
type ModelSummary =
    { Name: string
      Parameters: float option
      TrainSeconds: float option
      TestMse: float option
      Vpt: Vpt
      DStsp: float option
      DH: float option
      LambdaMax: float option
      FixedPoints: int option
      Firing: string option
      Source: string }

/// A model's row read from a chapter's JSON, from the record at `prefix`.
let fromJson name chapter (prefix: string list) =
    let num field = number chapter (prefix @ field)
    { Name = name
      Parameters = num [ "parameters" ]
      TrainSeconds = num [ "train_seconds" ]
      TestMse = num [ "test_mse_one_step" ]
      Vpt =
        { Median = num [ "vpt_lyapunov_times"; "median" ]; P10 = num [ "vpt_lyapunov_times"; "p10" ]
          P90 = num [ "vpt_lyapunov_times"; "p90" ]; N = num [ "vpt_lyapunov_times"; "n" ] |> Option.map int }
      DStsp = num [ "d_stsp" ]
      DH = num [ "d_h" ]
      LambdaMax = num [ "lambda_max" ]
      FixedPoints = count chapter (prefix @ [ "fixed_points" ])
      Firing = None
      Source = $"{chapter}.json" }

(**
## The trained rate networks, evaluated again

The CT-RNN of chapter 01 and the E/I network of chapter 02 are loaded from `models/` with the sizes and time scales
stored beside their weights, and measured again with one protocol for both: one-step test MSE, VPT from the same 20
start points (seeded as in chapter 01, so both models are forecast from exactly the same states), and a free run of the
same length from the same warm-up for $D_{stsp}$ and $D_H$. The table compares the saved numbers with the new ones:
for the CT-RNN they agree to rounding (chapter 01 uses this protocol); chapter 02 uses its own horizon and number of
starts, so its saved VPT may differ from the one measured here.
*)
let horizon = if quick then 200 else 1000
let starts = 20
let freeSteps = if quick then 1000 else 5000

let show (digits: string) (value: float option) =
    match value with
    | Some v when Double.IsFinite v -> v.ToString(digits, Globalization.CultureInfo.InvariantCulture)
    | Some v -> string v
    | None -> "n/a"

/// A loaded model measured here: its VPT (with the error curves) and its free run, beside the row of the table.
type Remeasured = { Row: ModelSummary; Forecasts: VptResult; FreeRun: float[,] }

/// Measures a loaded model with this chapter's protocol. λ_max: the first saved value found (e.g. a Lyapunov spectrum),
/// else Rosenstein (1993) on the free run; fixed points: the saved count, else a search on the model's closed-loop field.
let remeasure (saved: ModelSummary) (model: ISequenceModel) (field: NeuroDyn.Systems.IVectorField) (savedLambda: (float * string) option) =
    let clock = Stopwatch.StartNew()
    let vpt = Evaluate.ValidPredictionTime(model, data.Test, data.SeqLength, starts, horizon, data.Dt, lorenzLambda, seed = seed)
    let mse = Evaluate.OneStepMse(model, data.Test, data.SeqLength)
    let freeRun = Evaluate.FreeRun(model, Series.Rows(data.Test, 0, data.SeqLength), freeSteps)
    let dStsp, dH = Models.freeRunAgreement data.Test freeRun
    let lambda, lambdaSource =
        match savedLambda with
        | Some(l, source) -> Some l, source
        | None ->
            try Some (LargestLyapunov.Rosenstein(freeRun, RosensteinOptions(Dt = data.Dt)).Exponent), "Rosenstein estimate on the free run here"
            with e -> notes.Add $"The {saved.Name}'s λ_max could not be estimated from its free run: {e.Message}"; None, "none"
    let fixedPoints =
        saved.FixedPoints
        |> Option.defaultWith (fun () ->
            let orbit = Trajectories.SampleRk4(field, Array.zeroCreate field.Dimension, 0.01, (if quick then 300 else 2000), 1000)
            let found = FixedPoints.Find(field, orbit, FixedPointOptions(StartCount = (if quick then 32 else 128)), seed)
            printfn "%s: %d fixed points, %d slow points from %d starts" saved.Name found.FixedPoints.Count found.SlowPoints.Count found.Starts
            found.FixedPoints.Count)
    printfn "%s re-evaluated in %.1f s: test MSE %.3g, median VPT %.2f, D_stsp %.3f, D_H %.3f" saved.Name clock.Elapsed.TotalSeconds mse vpt.Median dStsp dH
    { Row =
        { saved with
            Parameters = Some(float model.ParameterCount)
            TestMse = Some mse
            Vpt = { Median = Some vpt.Median; P10 = Some vpt.P10; P90 = Some vpt.P90; N = Some vpt.N }
            DStsp = Some dStsp
            DH = Some dH
            LambdaMax = lambda
            FixedPoints = Some fixedPoints
            Source = $"evaluated again here; {saved.Source}; λ_max: {lambdaSource}" }
      Forecasts = vpt
      FreeRun = freeRun }

let ctRnnSaved = fromJson "CT-RNN" "01_ctrnn" []
let ctRnn =
    match Models.tryLoadCtRnn outDir with
    | Some loaded ->
        printfn "loaded %s" loaded.Source
        let lambda =
            match number "04_analysis" [ "ctrnn"; "lyapunov"; "0" ], number "04_analysis" [ "ctrnn"; "lambda_max_rosenstein" ] with
            | Some l, _ -> Some(l, "Lyapunov spectrum of chapter 04")
            | None, Some l -> Some(l, "Rosenstein estimate of chapter 04")
            | _ -> None
        let saved = { ctRnnSaved with FixedPoints = count "04_analysis" [ "ctrnn"; "fixed_points" ] }
        Some(remeasure saved loaded.Model (loaded.Model.AsVectorField()) lambda)
    | None ->
        notes.Add $"No saved CT-RNN in {outDir}/models: its row shows the numbers saved in 01_ctrnn.json, not re-evaluated."
        None

let eiName = "E/I rate network (Dale)"
let eiSaved = fromJson eiName "02_ei_rate" []
let eiRate =
    if results.["02_ei_rate"].IsNone then None
    else
        match Models.tryLoadEiRate outDir with
        | Some model ->
            printfn "loaded the E/I network of chapter 02 (%d E + %d I units)" model.ExcitatoryCount model.InhibitoryCount
            let saved = { eiSaved with FixedPoints = eiSaved.FixedPoints |> Option.orElse (count "04_analysis" [ "ei_rate"; "fixed_points" ]) }
            Some(remeasure saved model (model.AsVectorField()) (eiSaved.LambdaMax |> Option.map (fun l -> l, "saved by chapter 02")))
        | None ->
            notes.Add $"No saved E/I network (models/02_ei_rate.pt with its .safetensors settings) in {outDir}: its row shows the numbers saved in 02_ei_rate.json."
            None

let comparisonRows (label: string) (saved: ModelSummary) (again: Remeasured option) =
    match again with
    | None -> []
    | Some r ->
        let cells (m: ModelSummary) =
            [ show "0.000E+00" m.TestMse; show "F3" m.Vpt.Median; show "F3" m.Vpt.P10; show "F3" m.Vpt.P90
              (m.Vpt.N |> Option.map string |> Option.defaultValue "n/a"); show "F4" m.DStsp; show "F4" m.DH ]
        [ ($"{saved.Name}: saved by chapter {label}" :: cells saved); ($"{saved.Name}: evaluated again here" :: cells r.Row) ]
let againRows = comparisonRows "01" ctRnnSaved ctRnn @ comparisonRows "02" eiSaved eiRate
if not againRows.IsEmpty then
    page.Table([ "model"; "test MSE"; "VPT median"; "VPT p10"; "VPT p90"; "VPT starts"; "D_stsp"; "D_H" ] :: againRows)

(**
## The comparison

One row per model. The CT-RNN and the E/I network (when their models were saved) carry the numbers measured above;
the spiking models are shown with the numbers chapter 03 saved (this chapter does not load them; chapter 03 measures
them with the same `Evaluate` and `AttractorAgreement` functions). For the spiking network the firing column gives the mean rate and the coefficient of variation
of the inter-spike intervals of the regimes chapter 03 simulated. $\lambda_{max}$ is per time unit of the data, to be
read against 0.906; "n/a" means the chapter did not save the quantity (the notes below say which).
*)
let firingOf (chapter: string) =
    let direct = number chapter [ "reservoir"; "rate_hz" ], number chapter [ "reservoir"; "cv_isi" ]
    match direct, find chapter [ "regimes" ] with
    | (Some rate, Some cv), _ -> Some $"{rate:F1} Hz, CV {cv:F2}"
    | _, Some regimes when regimes.ValueKind = JsonValueKind.Array && regimes.GetArrayLength() > 0 ->
        [ for i in 0 .. regimes.GetArrayLength() - 1 ->
            let field f = number chapter [ "regimes"; string i; f ]
            let label =
                match find chapter [ "regimes"; string i; "name" ], field "g", field "eta" with
                | Some n, _, _ when n.ValueKind = JsonValueKind.String -> n.GetString()
                | _, Some g, Some eta -> $"g {g:G3}, η {eta:G3}"
                | _ -> $"regime {i + 1}"
            $"""{label}: {show "F1" (field "rate_hz")} Hz, CV {show "F2" (field "cv_isi")}""" ]
        |> fun parts -> Some(String.Join("; ", parts))
    | _ -> None

let spikingLambda = number "03_spiking" [ "reservoir"; "lambda_max" ]
let models =
    [ ctRnn |> Option.map (fun r -> r.Row) |> Option.defaultValue ctRnnSaved
      if results.["02_ei_rate"].IsSome then eiRate |> Option.map (fun r -> r.Row) |> Option.defaultValue eiSaved
      if results.["03_spiking"].IsSome then
          { fromJson "Spiking reservoir (LIF)" "03_spiking" [ "reservoir" ] with Firing = firingOf "03_spiking" }
          fromJson "Spiking, surrogate gradients" "03_spiking" [ "surrogate" ] ]

for m in models do
    let missing =
        [ if m.Parameters.IsNone then "parameters"
          if m.TrainSeconds.IsNone then "train_seconds"
          if m.TestMse.IsNone then "test_mse_one_step"
          if m.Vpt.Median.IsNone then "vpt_lyapunov_times"
          if m.DStsp.IsNone then "d_stsp"
          if m.DH.IsNone then "d_h"
          if m.LambdaMax.IsNone then "lambda_max"
          if m.FixedPoints.IsNone then "fixed_points" ]
    if not missing.IsEmpty then notes.Add $"""{m.Name}: no {String.Join(", ", missing)} in {m.Source}."""

/// Fixed points of Lorenz-63 itself: chapter 04's, else a search here from states of the test data (in physical units).
let lorenzFixedPoints =
    count "04_analysis" [ "lorenz"; "fixed_points" ]
    |> Option.defaultWith (fun () ->
        let physical = Array2D.init (Array2D.length1 data.Test) 3 (fun i j -> data.Test.[i, j] * data.Std.[j] + data.Mean.[j])
        FixedPoints.Find(NeuroDyn.Systems.Lorenz63(), physical, seed = seed).FixedPoints.Count)
let lorenzLambdaMeasured = number "04_analysis" [ "lorenz"; "lyapunov"; "0" ]
let lorenzLambdaText =
    match lorenzLambdaMeasured with
    | Some l -> show "F3" (Some l) + " (chapter 04)"
    | None -> $"{lorenzLambda:F3} (published)"
let header =
    [ "model"; "parameters"; "train (s)"; "test MSE"; "VPT median"; "VPT p10"; "VPT p90"; "D_stsp"; "D_H"; "λ_max (vs 0.906)"; "fixed points"; "firing" ]
let rows =
    [ for m in models ->
        [ m.Name; show "F0" m.Parameters; show "F1" m.TrainSeconds; show "0.00E+00" m.TestMse; show "F2" m.Vpt.Median; show "F2" m.Vpt.P10
          show "F2" m.Vpt.P90; show "F3" m.DStsp; show "F3" m.DH; show "F3" m.LambdaMax
          (m.FixedPoints |> Option.map string |> Option.defaultValue "n/a"); defaultArg m.Firing "" ] ]
    @ [ [ "Lorenz-63 (truth)"; ""; ""; ""; ""; ""; ""; ""; ""; lorenzLambdaText; string lorenzFixedPoints; "" ] ]
page.Table(header :: rows)
if notes.Count > 0 then page.Text("**Notes on this run.**\n\n" + String.Join("\n", notes |> Seq.map (fun n -> "* " + n)))

(**
## The attractors

Each model's free run, projected on the $x$–$z$ plane (z-scored), beside the true attractor. The CT-RNN's free run is
generated here from the loaded model; a chapter that saved its own free run (`free_run_file`, an `.npz` with a
`free_run` array) is drawn from that file.
*)
let savedFreeRun (chapter: string) (prefix: string list) =
    match find chapter (prefix @ [ "free_run_file" ]) with
    | Some f when f.ValueKind = JsonValueKind.String ->
        let path = if Path.IsPathRooted(f.GetString()) then f.GetString() else Path.Combine(outDir, f.GetString())
        if File.Exists path then
            let arrays = Npz.Read path
            match arrays.TryGetValue "free_run" with
            | true, a -> Some(a.AsMatrix())
            | _ -> None
        else None
    | _ -> None

let freeRuns =
    [ match ctRnn with Some r -> "CT-RNN", r.FreeRun | None -> ()
      match eiRate, savedFreeRun "02_ei_rate" [] with
      | Some r, _ -> "E/I rate network", r.FreeRun
      | None, Some run -> "E/I rate network", run
      | None, None -> ()
      match savedFreeRun "03_spiking" [ "reservoir" ] with Some run -> "Spiking reservoir", run | None -> () ]
/// Range of column j over every drawn state, finite values only, so that all panels share one scale.
let sharedRange j =
    let values = ("", data.Test) :: freeRuns |> List.collect (fun (_, s) -> Plots.column s j |> Array.filter Double.IsFinite |> List.ofArray)
    let lo, hi = List.min values, List.max values
    let pad = 0.05 * (hi - lo)
    lo - pad, hi + pad
let panel (name: string) (states: float[,]) color =
    Chart.Line(x = Plots.column states 0, y = Plots.column states 2, Name = name, LineColor = Color.fromString color, LineWidth = 0.8)
    |> Chart.withXAxisStyle ("x", MinMax = sharedRange 0)
    |> Chart.withYAxisStyle ("z", MinMax = sharedRange 2)
let palette = [| "#1f77b4"; "#d62728"; "#2ca02c"; "#9467bd" |]
let attractorChart =
    ("Lorenz-63 (test data)", data.Test) :: freeRuns
    |> List.mapi (fun i (name, states) -> panel name states palette.[i % palette.Length])
    |> Chart.Grid(1, 1 + freeRuns.Length, SubPlotTitles = ("Lorenz-63 (test data)" :: List.map fst freeRuns))
    |> Chart.withTitle "Free-running models beside the true attractor (x–z projection, z-scored)"
page.Chart attractorChart
if freeRuns.Length <= 1 then
    page.Text("Only the CT-RNN's free run is drawn: the other chapters saved no free run (no `free_run_file` in their results).")

(**
## How forecast errors grow

The normalised error $e(t)$ of the closed-loop forecasts of the models evaluated here, from the same 20 start
points (median, 10th and 90th percentiles), on a log scale against time in Lyapunov times. A perfect model started with a tiny error would grow it as
$e^{t}$ in these units (the straight line, drawn from the first median value); the VPT is where $e$ crosses the
threshold 0.4. Chapters that save their error curves (`vpt_error_curve` with `times` and `median`) are drawn too.
*)
let percentileCurve (v: VptResult) (p: float) =
    Array.init v.Times.Length (fun k -> Evaluate.Percentile([| for c in v.ErrorCurves -> c.[k] |], p))
let savedCurve (name: string) (chapter: string) (prefix: string list) =
    match find chapter (prefix @ [ "vpt_error_curve"; "times" ]), find chapter (prefix @ [ "vpt_error_curve"; "median" ]) with
    | Some t, Some m when t.ValueKind = JsonValueKind.Array && m.ValueKind = JsonValueKind.Array ->
        let values (e: JsonElement) = [| for x in e.EnumerateArray() -> x.GetDouble() |]
        [ (name, values t, values m) ]
    | _ -> []
let errorCurves =
    let measured = [ ctRnn; eiRate ] |> List.choose id
    [ for r in measured do
          yield $"{r.Row.Name}, median", r.Forecasts.Times, percentileCurve r.Forecasts 0.5
          yield $"{r.Row.Name}, 10th percentile", r.Forecasts.Times, percentileCurve r.Forecasts 0.1
          yield $"{r.Row.Name}, 90th percentile", r.Forecasts.Times, percentileCurve r.Forecasts 0.9
      match measured with
      | first :: _ ->
          let v = first.Forecasts
          let e0 = (percentileCurve v 0.5).[0]
          yield $"e(0)·exp(t) from the {first.Row.Name}'s median: growth at λ_max", v.Times, v.Times |> Array.map (fun t -> e0 * exp (t - v.Times.[0]))
          yield "threshold 0.4", v.Times, v.Times |> Array.map (fun _ -> v.Threshold)
      | [] -> ()
      if eiRate.IsNone then yield! savedCurve "E/I rate network, median" "02_ei_rate" []
      yield! savedCurve "Spiking reservoir, median" "03_spiking" [ "reservoir" ] ]
let errorChart =
    Plots.logY "Closed-loop forecast error against time" "time (Lyapunov times)" "normalised error e(t)" errorCurves
if not errorCurves.IsEmpty then page.Chart errorChart

(**
## The measures side by side

Each panel is one measure; the VPT bars carry the 10th–90th percentile range as error bars, and the $\lambda_{max}$
panel ends with the true system's exponent.
*)
let bars (title: string) (entries: (string * float option) list) =
    let present = entries |> List.choose (fun (n, v) -> v |> Option.filter Double.IsFinite |> Option.map (fun x -> n, x))
    Chart.Column(values = List.map snd present, Keys = List.map fst present, Name = title, ShowLegend = false)
    |> Chart.withYAxisStyle title
let vptBars =
    let present = models |> List.filter (fun m -> m.Vpt.Median.IsSome)
    let median m = m.Vpt.Median.Value
    Chart.Column(values = (present |> List.map median), Keys = (present |> List.map (fun m -> m.Name)), Name = "VPT", ShowLegend = false)
    |> Chart.withYErrorStyle (
        Array = (present |> List.map (fun m -> (m.Vpt.P90 |> Option.defaultValue (median m)) - median m)),
        Arrayminus = (present |> List.map (fun m -> median m - (m.Vpt.P10 |> Option.defaultValue (median m)))), Symmetric = false)
    |> Chart.withYAxisStyle "VPT (Lyapunov times)"
let measuresChart =
    [ vptBars
      bars "test MSE (one step)" [ for m in models -> m.Name, m.TestMse ]
      |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init "test MSE (log)"))
      bars "D_stsp" [ for m in models -> m.Name, m.DStsp ]
      bars "D_H" [ for m in models -> m.Name, m.DH ]
      bars "λ_max" ([ for m in models -> m.Name, m.LambdaMax ] @ [ ("Lorenz-63", Some(defaultArg lorenzLambdaMeasured lorenzLambda)) ]) ]
    |> Chart.Grid(1, 5, SubPlotTitles = [ "VPT (Lyapunov times)"; "test MSE (log)"; "D_stsp (lower is better)"; "D_H (lower is better)"; "λ_max (per time unit)" ])
    |> Chart.withTitle "The models on the same measures"
page.Chart measuresChart

(**
## What this run shows

The sentences below are computed from the numbers of this run.
*)
let ratio a b = if b > 0.0 then a / b else nan
let withVpt = models |> List.filter (fun m -> m.Vpt.Median.IsSome) |> List.sortByDescending (fun m -> m.Vpt.Median.Value)
let conclusions =
    [ match withVpt with
      | best :: second :: _ ->
          yield
              $"The longest valid prediction time is the **{best.Name}**'s: a median of {best.Vpt.Median.Value:F2} Lyapunov times, " +
              (let factor = ratio best.Vpt.Median.Value second.Vpt.Median.Value
               if second.Vpt.Median.Value <= 0.0 then $"while the next best, the {second.Name}, has a median VPT of zero."
               elif factor < 1.05 then $"level with the next best, the {second.Name} ({second.Vpt.Median.Value:F2}): no model forecasts clearly longer."
               else $"{factor:F1} times that of the next best, the {second.Name} ({second.Vpt.Median.Value:F2}).")
      | [ only ] -> yield $"Only the **{only.Name}** has a valid prediction time in this run: a median of {only.Vpt.Median.Value:F2} Lyapunov times ({(only.Vpt.Median.Value / lorenzLambda):F2} time units)."
      | [] -> yield "No model has a valid prediction time in this run."
      let ct = models |> List.tryFind (fun m -> m.Name = "CT-RNN")
      let ei = models |> List.tryFind (fun m -> m.Name.StartsWith "E/I")
      match ct, ei with
      | Some c, Some e when c.TestMse.IsSome && e.TestMse.IsSome && c.Vpt.Median.IsSome && e.Vpt.Median.IsSome ->
          let worseMse = e.TestMse.Value > c.TestMse.Value
          let shorterVpt = e.Vpt.Median.Value < c.Vpt.Median.Value
          let verdict =
              match worseMse, shorterVpt with
              | true, true -> "Dale's law cost accuracy in this run"
              | false, false -> "Dale's law cost no accuracy in this run"
              | _ -> "Dale's law gave a mixed result in this run"
          let dale = number "02_ei_rate" [ "dale_violations" ] |> Option.map (fun v -> $" (Dale violations: {v:F0})") |> Option.defaultValue ""
          yield
              $"{verdict}: the E/I network{dale} reached a test MSE of {e.TestMse.Value:``0.00E+00``} against the unconstrained CT-RNN's {c.TestMse.Value:``0.00E+00``} " +
              $"""and a median VPT of {e.Vpt.Median.Value:F2} against {c.Vpt.Median.Value:F2} Lyapunov times, with {show "F0" e.Parameters} parameters against {show "F0" c.Parameters}."""
      | _ -> yield "Whether Dale's law cost accuracy cannot be judged from this run: the E/I network's or the CT-RNN's test MSE and VPT are missing."
      match spikingLambda with
      | Some l when Double.IsFinite l ->
          let off = abs (l - lorenzLambda) / lorenzLambda
          let near = if off <= 0.2 then "near" else "far from"
          yield $"The spiking reservoir's free run has λ_max = {l:F3} per time unit, {near} Lorenz's 0.906 ({100.0 * off:F0}%% off)."
      | _ -> yield "The spiking reservoir's λ_max is not available in this run."
      let withLambda = models |> List.filter (fun m -> m.LambdaMax |> Option.exists Double.IsFinite)
      match withLambda with
      | [] -> ()
      | [ only ] ->
          yield $"The {only.Name}'s largest Lyapunov exponent is {only.LambdaMax.Value:F3} per time unit against Lorenz's 0.906" +
                (if only.LambdaMax.Value <= 0.0 then ": its free run is not chaotic." else ".")
      | _ ->
          let closest = withLambda |> List.minBy (fun m -> abs (m.LambdaMax.Value - lorenzLambda))
          yield $"The λ_max closest to Lorenz's is the {closest.Name}'s ({closest.LambdaMax.Value:F3}); " +
                String.Join(", ", withLambda |> List.map (fun m -> $"{m.Name} {m.LambdaMax.Value:F3}")) + "."
      let withStsp = models |> List.filter (fun m -> m.DStsp |> Option.exists Double.IsFinite)
      match withStsp with
      | [] -> ()
      | [ only ] ->
          yield $"The {only.Name}'s free run has D_stsp = {only.DStsp.Value:F3}" + (match only.DH with Some d -> $" and D_H = {d:F3}." | None -> ".")
      | _ ->
          let best = withStsp |> List.minBy (fun m -> m.DStsp.Value)
          yield $"The free run that best fills the true attractor's state space is the {best.Name}'s (D_stsp = {best.DStsp.Value:F3}" +
                (match best.DH with Some d -> $", D_H = {d:F3})." | None -> ").") ]
for sentence in conclusions do printfn "%s" sentence
page.Text(String.Join("\n\n", conclusions))

(**
## Static figures

The comparison table is also written as Markdown (`05_synthesis.md`), with PNG images of the charts under
`figures/`, rendered by headless chromium from the same Plotly charts.
*)
let figuresDir = Path.Combine(outDir, "figures")
let figures =
    [ "05_measures.png", 1500, 520, measuresChart
      "05_attractors.png", 400 * (1 + freeRuns.Length), 440, attractorChart
      if not errorCurves.IsEmpty then "05_vpt_error.png", 900, 520, errorChart ]
    |> List.choose (fun (file, w, h, chart) ->
        match Figures.savePng (Path.Combine(figuresDir, file)) w h chart with
        | Ok _ -> Some file
        | Error reason -> notes.Add $"{file}: {reason}"; printfn "%s: %s" file reason; None)

let markdownCell (s: string) = s.Replace("|", "\\|")
let runStamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", Globalization.CultureInfo.InvariantCulture)
let markdown =
    [ yield "# NeuroDyn — the models side by side"
      yield ""
      yield $"""Run: {common.Mode} mode, {runStamp} UTC. VPT in Lyapunov times (λ = 0.906); λ_max per time unit."""
      yield ""
      yield "| " + String.Join(" | ", header) + " |"
      yield "|" + String.Join("|", header |> List.mapi (fun i _ -> if i = 0 then "---" else "---:")) + "|"
      for r in rows -> "| " + String.Join(" | ", r |> List.map markdownCell) + " |"
      yield ""
      for c in conclusions -> c
      yield ""
      for n in notes -> "* " + n
      yield ""
      for f in figures -> $"![{Path.GetFileNameWithoutExtension f}](figures/{f})" ]
AtomicFile.WriteAllText(Path.Combine(outDir, "05_synthesis.md"), String.Join("\n", markdown) + "\n")
printfn "wrote %s" (Path.Combine(outDir, "05_synthesis.md"))

page.Save(Path.Combine(outDir, "05_synthesis.html"))
Output.writeJson (Path.Combine(outDir, "05_synthesis.json"))
    {| mode = common.Mode
       models =
        [| for m in models ->
            {| name = m.Name
               parameters = Option.toNullable m.Parameters
               train_seconds = Option.toNullable m.TrainSeconds
               test_mse_one_step = Option.toNullable m.TestMse
               vpt_lyapunov_times =
                {| median = Option.toNullable m.Vpt.Median; p10 = Option.toNullable m.Vpt.P10; p90 = Option.toNullable m.Vpt.P90; n = Option.toNullable m.Vpt.N |}
               d_stsp = Option.toNullable m.DStsp
               d_h = Option.toNullable m.DH
               lambda_max = Option.toNullable m.LambdaMax
               fixed_points = Option.toNullable m.FixedPoints
               firing = Option.toObj m.Firing
               source = m.Source |} |]
       lorenz = {| lambda_max = defaultArg lorenzLambdaMeasured lorenzLambda; fixed_points = lorenzFixedPoints |}
       chapters = [| for name in chapters -> {| name = name; present = results.[name].IsSome |} |]
       ctrnn_saved = {| test_mse_one_step = Option.toNullable ctRnnSaved.TestMse; vpt_median = Option.toNullable ctRnnSaved.Vpt.Median
                        d_stsp = Option.toNullable ctRnnSaved.DStsp; d_h = Option.toNullable ctRnnSaved.DH |}
       conclusions = conclusions
       notes = notes.ToArray()
       figures = [| for f in figures -> "figures/" + f |] |}
