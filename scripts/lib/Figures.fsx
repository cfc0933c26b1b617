/// Static PNG images of charts, for places that cannot run JavaScript (Markdown, papers, slides): the chart is written
/// to a small standalone HTML page (plotly.js inlined, as `Page` does) and photographed by Debian's headless chromium.
module Figures

open System
open System.IO
open System.Diagnostics
open Plotly.NET
open NeuroDyn.IO

/// Debian's chromium (package chromium, installed by ./build.sh).
let chromium = "/usr/bin/chromium"

/// The PNG file signature (first eight bytes of every PNG).
let pngMagic = [| 0x89uy; 0x50uy; 0x4Euy; 0x47uy; 0x0Duy; 0x0Auy; 0x1Auy; 0x0Auy |]

/// A standalone HTML page holding only the chart at width × height pixels, plotly.js inlined, the mode bar hidden.
let chartHtml (width: int) (height: int) (chart: GenericChart) =
    let body =
        chart
        |> Chart.withSize (width, height)
        |> Chart.withConfig (Config.init (DisplayModeBar = false, StaticPlot = true))
        |> GenericChart.toChartHTML
    $"""<!DOCTYPE html><html><head><meta charset="utf-8"><script>{Page.plotlyJs.Force()}</script>
<style>body{{margin:0;background:white}}</style></head><body>{body}</body></html>"""

/// Writes the chart as a PNG of width × height pixels at `path` (atomically); returns Error with the reason when chromium
/// is missing or fails, so that a chapter can say so and go on.
let savePng (path: string) (width: int) (height: int) (chart: GenericChart) : Result<string, string> =
    if not (File.Exists chromium) then Error $"{chromium} is not installed (./build.sh installs the apt package chromium); no PNG written"
    else
        let work = Path.Combine(Path.GetTempPath(), $"neurodyn-figure-{Guid.NewGuid():N}")
        Directory.CreateDirectory work |> ignore
        try
            let page = Path.Combine(work, "chart.html")
            let shot = Path.Combine(work, "chart.png")
            let profile = Path.Combine(work, "profile")
            File.WriteAllText(page, chartHtml width height chart)
            let arguments =
                [ "--headless"; "--no-sandbox"; "--disable-gpu"; "--disable-background-networking"; "--disable-component-update"
                  "--disable-sync"; "--no-first-run"; "--hide-scrollbars"; $"--user-data-dir={profile}"
                  $"--window-size={width},{height}"; "--virtual-time-budget=5000"; $"--screenshot={shot}"; Uri(page).AbsoluteUri ]
            let info = ProcessStartInfo(chromium, arguments, RedirectStandardOutput = true, RedirectStandardError = true)
            use p = Process.Start info
            let output = p.StandardError.ReadToEndAsync()
            p.StandardOutput.ReadToEnd() |> ignore
            if not (p.WaitForExit(TimeSpan.FromMinutes 2.0)) then
                p.Kill true
                Error "chromium did not finish within 2 minutes; no PNG written"
            elif p.ExitCode <> 0 || not (File.Exists shot) then
                Error $"chromium exited with {p.ExitCode} and wrote no screenshot: {output.Result.Trim()}"
            else
                let bytes = File.ReadAllBytes shot
                if bytes.Length < pngMagic.Length || bytes.[.. pngMagic.Length - 1] <> pngMagic then
                    Error $"chromium wrote {shot} but it is not a PNG"
                else
                    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath path)) |> ignore
                    AtomicFile.WriteAllBytes(path, ReadOnlySpan bytes)
                    printfn "wrote %s (%d × %d px)" path width height
                    Ok path
        finally
            try Directory.Delete(work, true) with _ -> ()
