(**
# The API reference

Writes the book's API reference (`ApiReference`): one page per namespace and per public type of `NeuroDyn.Core`, from the
XML documentation comments the build writes beside the assembly. `./build.sh tutorial` and `./build.sh docs` run it into
`out/book/api/`; the chapter pages written afterwards link the types each chapter uses first.

    dotnet fsi scripts/api_reference.fsx --out out/book/api
*)
#load "../.paket/load/net10.0/main.group.fsx"
#r "../core/bin/Release/net10.0/NeuroDyn.Core.dll"
#load "lib/Cli.fsx" "lib/ApiReference.fsx"

open System.IO

let args = Cli.Args.FromFsi()
let outDir = args.Text("out", Path.Combine(__SOURCE_DIRECTORY__, "..", "out", "book", "api"), "folder of the reference's pages (the book's api/ folder)")
args.Check()

let watch = System.Diagnostics.Stopwatch.StartNew()
let assembly = typeof<NeuroDyn.IO.AtomicFile>.Assembly
let written = ApiReference.write assembly (Path.ChangeExtension(assembly.Location, ".xml")) outDir
printfn "wrote the API reference: %d pages (%d types) in %s, %.1f s" written.Pages written.Types.Length (Path.GetFullPath outDir) watch.Elapsed.TotalSeconds
