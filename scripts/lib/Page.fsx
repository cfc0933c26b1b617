/// A chapter's HTML page: the literate prose of the script with the charts placed where the script makes them.
/// plotly.js is embedded once per page, so the page renders with no network.
module Page

open System
open System.IO
open System.Text
open System.Text.RegularExpressions
open System.Runtime.CompilerServices
open Plotly.NET
open Markdig
open NeuroDyn.IO

let private plotlyJs =
    lazy
        let assembly = typeof<GenericChart>.Assembly
        let name = assembly.GetManifestResourceNames() |> Array.find (fun n -> n.EndsWith ".min.js")
        use reader = new StreamReader(assembly.GetManifestResourceStream name)
        reader.ReadToEnd()

let private markdown =
    MarkdownPipelineBuilder().UseAdvancedExtensions().Build()

/// Prose blocks `(** ... *)` of a script with the line each starts on.
let private proseBlocks (scriptPath: string) =
    let text = File.ReadAllText scriptPath
    [ for m in Regex.Matches(text, @"\(\*\*(.*?)\*\)", RegexOptions.Singleline) ->
        let line = text.AsSpan(0, m.Index).Count('\n') + 1
        line, m.Groups.[1].Value ]

let private style = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;line-height:1.55;color:#222}
pre,code{background:#f5f5f5;border-radius:3px} pre{padding:.6em;overflow:auto} code{padding:0 .2em}
table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:.2em .6em;text-align:right}
.chart{margin:1em 0} .figure-caption{color:#555;font-size:.9em}"""

/// Collects the charts and tables of one chapter; `Save` interleaves them with the script's prose by line number.
type Page(title: string, scriptPath: string) =
    let items = ResizeArray<int * string>()
    let mutable count = 0

    /// Adds a chart, placed after the prose that precedes the calling line of the script.
    member _.Chart(chart: GenericChart, [<CallerLineNumber>] ?line: int) =
        count <- count + 1
        let html = chart |> Chart.withSize (900, 560) |> GenericChart.toChartHTML
        items.Add((defaultArg line Int32.MaxValue, $"<div class=\"chart\">{html}</div>"))

    /// Adds a table of rows (first row is the header).
    member _.Table(rows: string list list, [<CallerLineNumber>] ?line: int) =
        let cell tag (s: string) = $"<{tag}>{Net.WebUtility.HtmlEncode s}</{tag}>"
        let body =
            rows |> List.mapi (fun i r -> "<tr>" + String.Join("", r |> List.map (cell (if i = 0 then "th" else "td"))) + "</tr>")
        items.Add((defaultArg line Int32.MaxValue, "<table>" + String.Join("", body) + "</table>"))

    /// Adds a paragraph of computed text (markdown), e.g. a result sentence.
    member _.Text(text: string, [<CallerLineNumber>] ?line: int) =
        items.Add((defaultArg line Int32.MaxValue, Markdig.Markdown.ToHtml(text, markdown)))

    /// Number of charts added so far.
    member _.ChartCount = count

    /// Writes the page atomically: prose blocks and added items in script order, plotly.js inline.
    member _.Save(path: string) =
        let prose = proseBlocks scriptPath |> List.map (fun (line, md) -> line, Markdig.Markdown.ToHtml(md, markdown))
        let body =
            Seq.append prose items |> Seq.sortBy fst |> Seq.map snd |> fun parts -> String.Join("\n", parts)
        let html =
            $"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{Net.WebUtility.HtmlEncode title}</title>
<style>{style}</style><script>{plotlyJs.Force()}</script></head><body>
{body}
</body></html>"""
        AtomicFile.WriteAllText(path, html)
        printfn "wrote %s (%d charts)" path count
