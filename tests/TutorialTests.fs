/// The README's tutorial command run as written, `./build.sh tutorial --quick`, into a temporary output root: every chapter runs
/// and records its mode, and the book it leaves behind opens in chromium, its index linking every chapter page in order.
module NeuroDyn.Tests.TutorialTests

open System
open System.IO
open System.Text.Json
open System.Text.RegularExpressions
open Expecto

/// The chapter scripts of this checkout (scripts/NN_name.fsx), by name, in order.
let private chapters =
    Directory.GetFiles(Path.Combine(Run.root, "scripts"), "*.fsx")
    |> Array.map Path.GetFileNameWithoutExtension
    |> Array.filter (fun n -> Regex.IsMatch(n, "^[0-9]{2}_"))
    |> Array.sort

/// Files below a folder with their sizes and times (empty if it does not exist): to see that a run left it alone.
let private snapshot (folder: string) =
    if Directory.Exists folder then
        [ for f in Directory.GetFiles(folder, "*", SearchOption.AllDirectories) -> f, FileInfo(f).Length, File.GetLastWriteTimeUtc f ]
    else []

/// One run of `./build.sh tutorial --quick` with NEURODYN_OUTPUT_ROOT in a fresh folder: the folder, the run, and the
/// repository's own quick outputs before and after (the run must not touch them).
let private tutorial =
    lazy
        let root = Run.tempFolder "tutorial"
        let own = [ Path.Combine(Run.root, "out", "quick"); Path.Combine(Run.root, "data", "processed", "quick") ]
        let before = own |> List.map snapshot
        let run = Run.programWith [ "NEURODYN_OUTPUT_ROOT", root ] "bash" [ "build.sh"; "tutorial"; "--quick" ] Run.root (TimeSpan.FromMinutes 15.0)
        printfn "./build.sh tutorial --quick ran in %.0f s" run.Seconds
        root, run, before, own |> List.map snapshot

[<Tests>]
let tests =
    testSequenced <| testList "tutorial" [
        test "./build.sh tutorial --quick runs every chapter through build.sh; each records mode quick in out/quick/" {
            let root, run, before, after = tutorial.Force()
            Expect.equal run.ExitCode 0 $"build.sh tutorial --quick succeeds:\n{run.Output}"
            Expect.isGreaterThanOrEqual chapters.Length 6 "chapters 00 to 05 are in the checkout"
            for name in chapters do
                let path = Path.Combine(root, "out", "quick", name + ".json")
                Expect.isTrue (File.Exists path) $"{name} wrote {path}"
                let json = JsonDocument.Parse(File.ReadAllText path).RootElement
                Expect.equal (json.GetProperty("mode").GetString()) "quick" $"{name} records mode quick"
                Expect.stringContains run.Output $"] {name} done in" $"build.sh ran {name}"
            Expect.isTrue (File.Exists(Path.Combine(root, "data", "processed", "quick", "lorenz_data.npz"))) "the quick data set in data/processed/quick/"
            Expect.isFalse (File.Exists(Path.Combine(root, "data", "processed", "lorenz_data.npz"))) "no default data set was made"
            Expect.isFalse (Directory.Exists(Path.Combine(root, "out", "models"))) "nothing written to the default out/"
            Expect.isFalse (run.Output.Contains "warning: the data set") "every chapter found the data set of its mode"
            Expect.stringContains run.Output "| model | chapter | parameters |" "build.sh shows the synthesis table from where the chapters wrote"
            Expect.equal after before "the repository's own out/quick and data/processed/quick are untouched"
        }

        test "the book's index lists every chapter page in order, and each link opens a page that renders its charts" {
            let root, run, _, _ = tutorial.Force()
            Expect.equal run.ExitCode 0 "the tutorial ran"
            let book = Path.Combine(root, "out", "quick", "book")
            let dom = Browser.renderedDom (Path.Combine(book, "index.html"))
            let links = [ for m in Regex.Matches(dom, "<li><a href=\"([^\"]+)\">") -> m.Groups.[1].Value ]
            Expect.equal links [ for name in chapters -> name + ".html" ] "one link per chapter, in chapter order"
            for link in links do
                let page = Path.Combine(book, link)
                Expect.isTrue (File.Exists page) $"the link {link} leads to a page"
                let charts = Browser.count "Plotly.newPlot" (File.ReadAllText page)
                Expect.isGreaterThan charts 0 $"{link} has charts"
                Browser.expectRendered page charts false
        }

        test "the book links its API reference: from the index, and from each chapter page for the types it uses first" {
            let root, run, _, _ = tutorial.Force()
            Expect.equal run.ExitCode 0 "the tutorial ran"
            let book = Path.Combine(root, "out", "quick", "book")
            Expect.stringContains (File.ReadAllText(Path.Combine(book, "index.html"))) "href=\"api/index.html\"" "the index links the reference"
            let links = [ for name in chapters -> name, [ for m in Regex.Matches(File.ReadAllText(Path.Combine(book, name + ".html")), "href=\"api/([^\"]+)\"") -> m.Groups.[1].Value ] ]
            for name, targets in links do
                for target in targets do Expect.isTrue (File.Exists(Path.Combine(book, "api", target))) $"{name} links {target}, which exists"
            let pagesLinking target = links |> List.filter (snd >> List.contains target) |> List.map fst
            Expect.equal (pagesLinking "NeuroDyn.Models.CtRnn.html") [ "01_ctrnn" ] "CtRnn is linked where it is first used, once"
            Expect.equal (pagesLinking "NeuroDyn.Systems.Lorenz63.html") [ "00_lorenz" ] "Lorenz63 likewise"
        }
    ]
