/// Chart helpers shared by the chapters (Plotly.NET): attractors, time series, linear and log-scale curves, heatmaps, histograms, complex planes, bars.
module Plots

open Plotly.NET
open Plotly.NET.LayoutObjects

/// Column j of a time × dim matrix.
let column (m: float[,]) j = Array.init (Array2D.length1 m) (fun i -> m.[i, j])

/// A 3-D line through the first three columns of a trajectory.
let trajectory3d (name: string) (states: float[,]) =
    Chart.Scatter3D(x = column states 0, y = column states 1, z = column states 2, mode = StyleParam.Mode.Lines, Name = name)

/// One or more 3-D trajectories on shared axes, with a title.
let attractor3d (title: string) (traces: (string * float[,]) list) =
    traces
    |> List.map (fun (n, s) -> trajectory3d n s)
    |> Chart.combine
    |> Chart.withScene (Scene.init (AspectMode = StyleParam.AspectMode.Cube))
    |> Chart.withTitle title

/// Each column of a series against time, one row of subplots per column, the bottom time axis titled `timeTitle` (none if "").
let timeSeriesOver (title: string) (timeTitle: string) (times: float[]) (names: string list) (series: (string * float[,]) list) =
    names
    |> List.mapi (fun j axis ->
        series
        |> List.map (fun (label, s) -> Chart.Line(x = times, y = column s j, Name = $"{label} {axis}", ShowLegend = (j = 0)))
        |> Chart.combine
        |> Chart.withYAxisStyle axis
        |> if j = names.Length - 1 && timeTitle <> "" then Chart.withXAxisStyle timeTitle else id)
    |> Chart.Grid(names.Length, 1)
    |> Chart.withTitle title

/// Each column of a series against time, one row of subplots per column.
let timeSeries (title: string) (times: float[]) (names: string list) (series: (string * float[,]) list) =
    timeSeriesOver title "" times names series

/// A curve with a logarithmic y axis.
let logY (title: string) (xTitle: string) (yTitle: string) (curves: (string * float[] * float[]) list) =
    curves
    |> List.map (fun (n, x, y) -> Chart.Line(x = x, y = y, Name = n))
    |> Chart.combine
    |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init yTitle))
    |> Chart.withXAxisStyle xTitle
    |> Chart.withTitle title

/// A matrix as a heatmap on a diverging red–blue scale centred on zero (rows top to bottom), e.g. a signed weight matrix.
let signedHeatmap (title: string) (xTitle: string) (yTitle: string) (m: float[,]) =
    let rows = [ for i in 0 .. Array2D.length1 m - 1 -> [ for j in 0 .. Array2D.length2 m - 1 -> m.[i, j] ] ]
    let limit = m |> Seq.cast<float> |> Seq.map abs |> Seq.fold max 1e-12
    Chart.Heatmap(zData = rows, ColorScale = StyleParam.Colorscale.RdBu, ReverseYAxis = true)
    |> GenericChart.mapTrace (fun t ->
        t.SetProperty("zmin", box -limit)
        t.SetProperty("zmax", box limit)
        t)
    |> Chart.withXAxisStyle xTitle
    |> Chart.withYAxisStyle yTitle
    |> Chart.withTitle title

/// Overlaid, semi-transparent histograms of several samples.
let histograms (title: string) (xTitle: string) (samples: (string * float[]) list) =
    samples
    |> List.map (fun (name, values) -> Chart.Histogram(X = values, Name = name, Opacity = 0.6))
    |> Chart.combine
    |> Chart.withLayout (Layout.init (BarMode = StyleParam.BarMode.Overlay))
    |> Chart.withXAxisStyle xTitle
    |> Chart.withYAxisStyle "count"
    |> Chart.withTitle title

/// Training and validation loss per epoch on a log scale.
let lossCurves (title: string) (history: NeuroDyn.Training.EpochRecord seq) =
    let h = Array.ofSeq history
    let epochs = h |> Array.map (fun r -> float r.Epoch)
    logY title "epoch" "MSE (z-scored)"
        [ "train", epochs, h |> Array.map (fun r -> r.TrainLoss)
          "validation", epochs, h |> Array.map (fun r -> r.ValidationLoss) ]

/// Curves on linear axes: (name, x, y) each, optionally dashed.
let lines (title: string) (xTitle: string) (yTitle: string) (curves: (string * float[] * float[]) list) =
    curves
    |> List.map (fun (n, x, y) -> Chart.Line(x = x, y = y, Name = n))
    |> Chart.combine
    |> Chart.withXAxisStyle xTitle
    |> Chart.withYAxisStyle yTitle
    |> Chart.withTitle title

/// Curves and point sets on logarithmic x and y axes: (name, x, y, as markers?) each.
let logLog (title: string) (xTitle: string) (yTitle: string) (curves: (string * float[] * float[] * bool) list) =
    curves
    |> List.map (fun (n, x, y, markers) ->
        if markers then Chart.Point(x = x, y = y, Name = n)
        else Chart.Line(x = x, y = y, Name = n))
    |> Chart.combine
    |> Chart.withXAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init xTitle))
    |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init yTitle))
    |> Chart.withTitle title

/// Complex numbers (e.g. eigenvalues) as points in the complex plane, one trace per named group; the imaginary axis is drawn dashed.
let complexPlane (title: string) (groups: (string * System.Numerics.Complex[]) list) =
    let all = groups |> List.collect (snd >> List.ofArray)
    let top = all |> List.map (fun z -> abs z.Imaginary) |> List.fold max 1.0
    groups
    |> List.map (fun (n, zs) -> Chart.Point(x = (zs |> Array.map (fun z -> z.Real)), y = (zs |> Array.map (fun z -> z.Imaginary)), Name = n))
    |> List.append [ Chart.Line(x = [ 0.0; 0.0 ], y = [ -1.1 * top; 1.1 * top ], Name = "Re = 0", LineDash = StyleParam.DrawingStyle.Dash, LineColor = Color.fromString "grey") ]
    |> Chart.combine
    |> Chart.withXAxisStyle "Re λ"
    |> Chart.withYAxisStyle "Im λ"
    |> Chart.withTitle title

/// Points in 3-D (the first three coordinates of each), drawn as markers of the given size.
let markers3d (name: string) (size: int) (points: float[] list) =
    Chart.Scatter3D(
        x = (points |> List.map (fun p -> p.[0])), y = (points |> List.map (fun p -> p.[1])), z = (points |> List.map (fun p -> p.[2])),
        mode = StyleParam.Mode.Markers, Name = name, MarkerSymbol = StyleParam.MarkerSymbol3D.Diamond, Marker = TraceObjects.Marker.init (Size = size))

/// Values of several named quantities for several named models as grouped bars: (model, values in the order of `quantities`).
let groupedBars (title: string) (quantities: string list) (models: (string * float list) list) =
    models
    |> List.map (fun (n, values) -> Chart.Column(values = values, Keys = quantities, Name = n))
    |> Chart.combine
    |> Chart.withTitle title

/// A spike raster (one dot per spike: time, neuron) above the population rate (Hz) against time, sharing the time axis.
let raster (title: string) (spikeTimes: float[]) (neurons: int[]) (rateTimes: float[]) (rates: float[]) =
    [ Chart.Point(x = spikeTimes, y = neurons, Name = "spikes", Marker = TraceObjects.Marker.init (Size = 3))
      |> Chart.withYAxisStyle "neuron"
      Chart.Line(x = rateTimes, y = rates, Name = "population rate")
      |> Chart.withYAxisStyle "rate (Hz)"
      |> Chart.withXAxisStyle "time (ms)" ]
    |> Chart.Grid(2, 1)
    |> Chart.withTitle title
