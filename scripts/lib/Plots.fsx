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

/// Several curves y(x) on shared axes with axis titles.
let lines (title: string) (xTitle: string) (yTitle: string) (curves: (string * float[] * float[]) list) =
    curves
    |> List.map (fun (n, x, y) -> Chart.Line(x = x, y = y, Name = n))
    |> Chart.combine
    |> Chart.withXAxisStyle xTitle
    |> Chart.withYAxisStyle yTitle
    |> Chart.withTitle title

/// Curves with logarithmic x and y axes.
let logLog (title: string) (xTitle: string) (yTitle: string) (curves: (string * float[] * float[]) list) =
    curves
    |> List.map (fun (n, x, y) -> Chart.Line(x = x, y = y, Name = n, ShowMarkers = true))
    |> Chart.combine
    |> Chart.withXAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init xTitle))
    |> Chart.withYAxis (LinearAxis.init (AxisType = StyleParam.AxisType.Log, Title = Title.init yTitle))
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
