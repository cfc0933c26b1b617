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

/// The folder that holds `out/` and `data/` by default: `$NEURODYN_OUTPUT_ROOT` if set (so that tests and trials leave the
/// repository's results alone), else the repository root.
let outputRoot =
    match System.Environment.GetEnvironmentVariable "NEURODYN_OUTPUT_ROOT" with
    | null | "" -> root
    | folder -> Path.GetFullPath folder

/// Time units of Lorenz-63 in a mode's data set: 20 for quick runs, 200 for default and full ones (they share one).
let dataDuration (quick: bool) = if quick then 20.0 else 200.0

/// The options every chapter takes: `--quick` (tiny sizes, for tests), `--full` (full quality), `--out DIR`, `--data PATH`, `--seed N`,
/// `--seeds N` (how many seeds the training chapters train each network with), `--resume` (continue interrupted training; chapters
/// without training have nothing to resume or seed, so that `./build.sh tutorial --resume` works).
type ChapterOptions =
    { Quick: bool; Full: bool; OutDir: string; DataPath: string; Seed: int; SeedCount: int; Resume: bool }

    /// "quick", "full" or "default": recorded in every chapter's JSON, so that a later chapter can tell what it reads.
    member o.Mode = if o.Quick then "quick" elif o.Full then "full" else "default"

    /// Time units of Lorenz-63 in the data set of this mode (see `dataDuration`).
    member o.DataDuration = dataDuration o.Quick

/// Where a mode writes unless told otherwise: quick runs keep to `out/quick/` and `data/processed/quick/`, so that a tiny
/// run never replaces the default (and full) results and data set in `out/` and `data/processed/`.
let defaultOutDir (quick: bool) = Path.Combine(outputRoot, (if quick then "out/quick" else "out"))

/// The data set's default path for a mode (see `defaultOutDir`).
let defaultDataPath (quick: bool) =
    Path.Combine(outputRoot, (if quick then "data/processed/quick" else "data/processed"), "lorenz_data.npz")

/// Seeds each network is trained with unless `--seeds` says otherwise: 2 in quick runs (tests), 5 in full ones, 3 by default.
let defaultSeedCount (quick: bool) (full: bool) = if quick then 2 elif full then 5 else 3

/// Reads the common chapter options (relative paths are taken from the repository root); --quick and --full exclude each other.
let chapterOptions (args: Cli.Args) =
    let quick = args.Flag("quick", "tiny sizes that run in seconds (for tests); writes to out/quick/ and data/processed/quick/")
    let full = args.Flag("full", "full quality: all training windows, more epochs, longer averages (slow)")
    if quick && full then args.Refuse "--quick and --full exclude each other; give one of them (or neither for the default run)"
    { Quick = quick
      Full = full
      OutDir = fromRoot (args.Text("out", defaultOutDir quick, "folder for the page, the JSON results and the models"))
      DataPath = fromRoot (args.Text("data", defaultDataPath quick, "the Lorenz data set (.npz) that chapter 00 writes and the others read"))
      Seed = args.Int("seed", 0, "seed of every random choice (initial state, weights, batches, forecast starts)")
      SeedCount =
        let count = args.Int("seeds", defaultSeedCount quick full, "seeds each network of chapters 01-03 is trained with: --seed and the next ones (3; 5 with --full, 2 with --quick)")
        if count < 1 then args.Refuse $"--seeds {count}: a network needs at least 1 seed"
        count
      Resume =
        args.Flag("resume", "continue an interrupted run's training from its last checkpoint in <out>/models/ (same options; chapters 01-03 train, the others have nothing to resume)") }
