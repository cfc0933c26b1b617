/// Where a chapter writes: the repository root, out/, the data folder; JSON results written atomically.
module Output

open System.IO
open System.Text.Json
open System.Text.Json.Serialization
open NeuroDyn.IO

/// The repository root (the folder above scripts/).
let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", ".."))

/// A path below the repository root, unless it is already absolute.
let fromRoot (path: string) = if Path.IsPathRooted path then path else Path.Combine(root, path)

let private jsonOptions =
    let o = JsonSerializerOptions(WriteIndented = true)
    o.NumberHandling <- JsonNumberHandling.AllowNamedFloatingPointLiterals
    o

/// Serialises a value (anonymous records serialise with their field names as keys) and writes it atomically.
let writeJson (path: string) (value: obj) =
    AtomicFile.WriteAllText(path, JsonSerializer.Serialize(value, jsonOptions))
    printfn "wrote %s" path

/// Parses a JSON file written by `writeJson`.
let readJson (path: string) = JsonDocument.Parse(File.ReadAllText path)
