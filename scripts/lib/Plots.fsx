/// Chart helpers shared by the chapters (Plotly.NET): attractors, time series, log-scale curves.
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

/// Each column of a series against time, one row of subplots per column.
let timeSeries (title: string) (times: float[]) (names: string list) (series: (string * float[,]) list) =
    names
    |> List.mapi (fun j axis ->
        series
        |> List.map (fun (label, s) -> Chart.Line(x = times, y = column s j, Name = $"{label} {axis}", ShowLegend = (j = 0)))
        |> Chart.combine
        |> Chart.withYAxisStyle axis)
    |> Chart.Grid(names.Length, 1)
    |> Chart.withTitle title

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
