/// The book's API reference (scripts/api_reference.fsx, ApiReference): written from the core's XML documentation comments, one page
/// per namespace and type, and opened in headless chromium as a reader would.
module NeuroDyn.Tests.ApiReferenceTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto

[<Tests>]
let tests =
    testList "API reference" [
        test "the reference is written offline and its pages render the documented members (Evaluate.Run, Lorenz63)" {
            let folder = Run.tempFolder "api"
            try
                let api = Path.Combine(folder, "book", "api")
                let run = Run.program "dotnet" [ "fsi"; Path.Combine(Run.root, "scripts", "api_reference.fsx"); "--out"; api ] Run.root (TimeSpan.FromMinutes 5.0)
                Expect.equal run.ExitCode 0 $"api_reference.fsx succeeds:\n{run.Output}"
                let pages = Directory.GetFiles(api, "*.html")
                Expect.isGreaterThan pages.Length 100 "a page per namespace and per public type, and the index"
                for page in pages do
                    Expect.isFalse (Regex.IsMatch(File.ReadAllText page, "(src|href)=\"(https?:)?//")) $"{Path.GetFileName page} loads nothing from the network"
                // Evaluate is a static class in two files (Evaluate.cs, Evaluate.Run.cs): both halves are on its page
                let evaluate = Browser.renderedDom (Path.Combine(api, "NeuroDyn.Evaluation.Evaluate.html"))
                Expect.stringContains evaluate "id=\"Run\"" "Evaluate.Run has its entry"
                Expect.stringContains evaluate "ForecastReport Run(object model, LorenzData data, ForecastProtocol protocol, ModelRun run)" "with its signature"
                Expect.stringContains evaluate "Measures a model by the protocol on the data set" "and its summary from the comment"
                Expect.stringContains evaluate "id=\"ValidPredictionTime\"" "members of the other file too"
                let lorenz = Browser.renderedDom (Path.Combine(api, "NeuroDyn.Systems.Lorenz63.html"))
                Expect.stringContains lorenz "Lorenz63" "the Lorenz63 page names its type"
                Expect.stringContains lorenz "dx/dt = σ(y − x), dy/dt = x(ρ − z) − y, dz/dt = xy − βz" "and shows the equations of its comment as written"
                let index = Browser.renderedDom (Path.Combine(api, "index.html"))
                Expect.stringContains index "href=\"NeuroDyn.Systems.Lorenz63.html\"" "the index links the type pages"
                Expect.stringContains index "href=\"NeuroDyn.Evaluation.html\"" "and the namespace pages"
                let listing = File.ReadAllLines(Path.Combine(api, "types.tsv"))
                Expect.contains listing "CtRnn\tNeuroDyn.Models.CtRnn.html" "the listing the chapter pages link from"
            finally
                Directory.Delete(folder, true)
        }
    ]
