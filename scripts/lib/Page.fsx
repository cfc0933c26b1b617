/// A chapter's HTML page: the literate prose of the script with the charts placed where the script makes them.
/// `Save` writes the standalone page (plotly.js embedded, so it renders with no network) and the chapter's page
/// of the book under out/book/ (shared local plotly.js and KaTeX, navigation between chapters).
module Page

open System
open System.IO
open System.Text.RegularExpressions
open System.Runtime.CompilerServices
open Plotly.NET
open Markdig
open NeuroDyn.IO

/// plotly.js as shipped inside Plotly.NET, for pages and figures that must render with no network.
let plotlyJs =
    lazy
        let assembly = typeof<GenericChart>.Assembly
        let name = assembly.GetManifestResourceNames() |> Array.find (fun n -> n.EndsWith ".min.js")
        use reader = new StreamReader(assembly.GetManifestResourceStream name)
        reader.ReadToEnd()

/// Debian's KaTeX (package libjs-katex, installed by ./build.sh); maths stays as TeX source where it is missing.
let private katexSource = "/usr/share/javascript/katex"

/// Copies KaTeX (script, style, auto-render, fonts) into `assets/katex` below a folder, once.
let private installKatex (folder: string) =
    let target = Path.Combine(folder, "assets", "katex")
    if Directory.Exists katexSource && not (File.Exists(Path.Combine(target, "katex.min.js"))) then
        Directory.CreateDirectory(Path.Combine(target, "fonts")) |> ignore
        for file in [ "katex.min.js"; "katex.min.css"; "contrib/auto-render.js" ] do
            File.Copy(Path.Combine(katexSource, file), Path.Combine(target, Path.GetFileName file), true)
        for font in Directory.GetFiles(Path.Combine(katexSource, "fonts"), "*.woff2") do
            File.Copy(font, Path.Combine(target, "fonts", Path.GetFileName font), true)
    Directory.Exists target

let private katexHead (prefix: string) =
    $"""<link rel="stylesheet" href="{prefix}assets/katex/katex.min.css"><script defer src="{prefix}assets/katex/katex.min.js"></script>
<script defer src="{prefix}assets/katex/auto-render.js" onload="renderMathInElement(document.body,{{delimiters:[{{left:'\\[',right:'\\]',display:true}},{{left:'\\(',right:'\\)',display:false}}]}})"></script>"""

let private markdown = MarkdownPipelineBuilder().UseAdvancedExtensions().Build()

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
.chart{margin:1em 0} nav{border-bottom:1px solid #ddd;padding-bottom:.5em;margin-bottom:1em} nav a{margin-right:1em}"""

/// Title of a book page, read back from its <title> element.
let private titleOf (path: string) =
    let m = Regex.Match(File.ReadAllText path, "<title>(.*?)</title>")
    if m.Success then Net.WebUtility.HtmlDecode m.Groups.[1].Value else Path.GetFileNameWithoutExtension path

/// The chapter pages in a folder (named NN_name.html), in chapter order. (.NET file patterns know only * and ?, so the
/// two digits are checked by a regular expression.)
let chapterPages (folder: string) =
    Directory.GetFiles(folder, "*.html")
    |> Array.filter (fun p -> Regex.IsMatch(Path.GetFileName p, @"^[0-9]{2}_.+\.html$"))
    |> Array.sortWith (fun a b -> String.CompareOrdinal(Path.GetFileName a, Path.GetFileName b))

/// Writes out/book/index.html listing every chapter page present, in chapter order.
let private writeBookIndex (book: string) =
    let chapters = chapterPages book
    let items = chapters |> Array.map (fun p -> $"<li><a href=\"{Path.GetFileName p}\">{Net.WebUtility.HtmlEncode(titleOf p)}</a></li>")
    let api =
        if File.Exists(Path.Combine(book, "api", "index.html")) then
            """<p><a href="api/index.html">API reference</a>: every public type of NeuroDyn.Core, from its documentation comments.</p>"""
        else ""
    AtomicFile.WriteAllText(Path.Combine(book, "index.html"),
        $"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>NeuroDyn — the tutorial</title><style>{style}</style></head><body>
<h1>NeuroDyn — recurrent networks as dynamical systems</h1>
<p>The chapters of the tutorial, as last run. Each page holds the chapter's prose, its interactive charts and its results.</p>
<ol>{String.Join("", items)}</ol>{api}</body></html>""")

/// The code of a chapter script, without its prose blocks and comments.
let private codeOf (scriptPath: string) =
    let text = Regex.Replace(File.ReadAllText scriptPath, @"\(\*\*.*?\*\)", "", RegexOptions.Singleline)
    Regex.Replace(text, @"//.*", "")

/// Links to the API reference (the book's api/, listed in api/types.tsv by ApiReference) for the types whose first use in the
/// tutorial's code is in this chapter; empty when the reference has not been written.
let private apiLinks (book: string) (scriptPath: string) =
    let listing = Path.Combine(book, "api", "types.tsv")
    if not (File.Exists listing) then "" else
    let chapters =
        Directory.GetFiles(Path.GetDirectoryName(Path.GetFullPath scriptPath), "*.fsx")
        |> Array.filter (fun p -> Regex.IsMatch(Path.GetFileName p, @"^[0-9]{2}_.+\.fsx$"))
        |> Array.sortWith (fun a b -> String.CompareOrdinal(Path.GetFileName a, Path.GetFileName b))
    let codes = chapters |> Array.map (fun p -> Path.GetFileName p, codeOf p)
    let uses (name: string) (code: string) = Regex.IsMatch(code, $@"\b{Regex.Escape name}\b")
    let here = Path.GetFileName scriptPath
    let links =
        File.ReadAllLines listing
        |> Array.choose (fun line -> match line.Split('\t') with [| name; page |] -> Some(name, page) | _ -> None)
        |> Array.filter (fun (name, _) -> codes |> Array.tryFind (snd >> uses name) |> Option.exists (fst >> (=) here))
        |> Array.map (fun (name, page) -> $"<a href=\"api/{page}\"><code>{name}</code></a>")
    if links.Length = 0 then "" else $"""<p class="api">API reference for the types this chapter uses first: {String.Join(", ", links)}</p>"""

/// Collects the charts, tables and computed text of one chapter in script order.
type Page(title: string, scriptPath: string) =
    let items = ResizeArray<int * string>()
    let mutable count = 0

    /// Adds a chart, placed after the prose that precedes the calling line of the script.
    member _.Chart(chart: GenericChart, [<CallerLineNumber>] ?line: int) =
        count <- count + 1
        let html = chart |> Chart.withSize (900, 560) |> GenericChart.toChartHTML
        items.Add((defaultArg line Int32.MaxValue, $"<div class=\"chart\">{html}</div>"))

    /// Adds a table of rows (the first row is the header).
    member _.Table(rows: string list list, [<CallerLineNumber>] ?line: int) =
        let cell tag (s: string) = $"<{tag}>{Net.WebUtility.HtmlEncode s}</{tag}>"
        let body =
            rows |> List.mapi (fun i r -> "<tr>" + String.Join("", r |> List.map (cell (if i = 0 then "th" else "td"))) + "</tr>")
        items.Add((defaultArg line Int32.MaxValue, "<table>" + String.Join("", body) + "</table>"))

    /// Adds computed text (markdown), e.g. a sentence stating a result of this run.
    member _.Text(text: string, [<CallerLineNumber>] ?line: int) =
        items.Add((defaultArg line Int32.MaxValue, Markdown.ToHtml(text, markdown)))

    /// Number of charts added so far.
    member _.ChartCount = count

    /// Writes the standalone page at `path` and its book page at `<folder of path>/book/<name>.html`, atomically.
    member _.Save(path: string) =
        let prose = proseBlocks scriptPath |> List.map (fun (line, md) -> line, Markdown.ToHtml(md, markdown))
        let body = Seq.append prose items |> Seq.sortBy fst |> Seq.map snd |> fun parts -> String.Join("\n", parts)
        let folder = Path.GetDirectoryName(Path.GetFullPath path)
        let book = Path.Combine(folder, "book")
        Directory.CreateDirectory book |> ignore
        let page (head: string) (nav: string) =
            $"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{Net.WebUtility.HtmlEncode title}</title>
<style>{style}</style>{head}</head><body>{nav}
{body}
</body></html>"""
        let standaloneMath = if installKatex folder then katexHead "" else ""
        AtomicFile.WriteAllText(path, page ($"<script>{plotlyJs.Force()}</script>" + standaloneMath) "")
        let bookMath = if installKatex book then katexHead "" else ""
        let plotlyFile = Path.Combine(book, "assets", "plotly.min.js")
        if not (File.Exists plotlyFile) then AtomicFile.WriteAllText(plotlyFile, plotlyJs.Force())
        let nav = """<nav><a href="index.html">NeuroDyn tutorial</a></nav>"""
        AtomicFile.WriteAllText(Path.Combine(book, Path.GetFileName path),
            page ("""<script src="assets/plotly.min.js"></script>""" + bookMath) (nav + apiLinks book scriptPath))
        writeBookIndex book
        printfn "wrote %s and its book page (%d charts)" path count
