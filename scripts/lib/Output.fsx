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

/// The options every chapter takes: `--quick` (tiny sizes, for tests), `--full` (full quality), `--out DIR`, `--data PATH`, `--seed N`.
type ChapterOptions =
    { Quick: bool; Full: bool; OutDir: string; DataPath: string; Seed: int }

    /// "quick", "full" or "default": recorded in every chapter's JSON, so that a later chapter can tell what it reads.
    member o.Mode = if o.Quick then "quick" elif o.Full then "full" else "default"

/// Reads the common chapter options (paths relative to the repository root); --quick and --full exclude each other.
let chapterOptions (args: Cli.Args) =
    if args.Flag "quick" && args.Flag "full" then failwith "--quick and --full exclude each other; give one of them (or neither for the default run)"
    { Quick = args.Flag "quick"
      Full = args.Flag "full"
      OutDir = fromRoot (args.Text("out", "out"))
      DataPath = fromRoot (args.Text("data", "data/processed/lorenz_data.npz"))
      Seed = args.Int("seed", 0) }
