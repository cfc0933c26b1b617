/// A network's measures over the seeds of one recipe, as the chapters show them: every seed's row, then the median and the range
/// (`SeedSpread`), and "median (min–max)" in sentences and tables.
module SeedTable

open System
open NeuroDyn.Evaluation

/// One column of a seed table: its title, its .NET number format, and the measure it shows of a seed's row.
type Column<'row> = { Title: string; Format: string; Measure: 'row -> float }

/// A number in a .NET format (invariant culture), or "–" when it could not be measured.
let show (format: string) (value: float) =
    if Double.IsFinite value then value.ToString(format, Globalization.CultureInfo.InvariantCulture) else "–"

/// A measure over the seeds' rows: the median of its finite values, their range and count.
let spreadOf (rows: 'row list) (measure: 'row -> float) = SeedSpread.Of(rows |> List.map measure)

/// "median (min–max)" of a spread, or its one value when it is a single run.
let spreadText (format: string) (spread: SeedSpread) =
    if spread.Count <= 1 then show format spread.Median else $"{show format spread.Median} ({show format spread.Min}–{show format spread.Max})"

/// The format of mean squared errors: two decimals and a two-digit exponent (1.23E-04).
let mseFormat = "0.00E+00"

/// The columns every forecast report gives: median VPT (Lyapunov times), one-step test MSE, D_stsp and D_H of the free run.
let forecastColumns: Column<ForecastReport> list =
    [ { Title = "VPT median (Λ)"; Format = "F2"; Measure = fun r -> r.Vpt.Median }
      { Title = "one-step MSE"; Format = mseFormat; Measure = fun r -> r.OneStepMse }
      { Title = "D_stsp"; Format = "F3"; Measure = fun r -> r.DStsp }
      { Title = "D_H"; Format = "F3"; Measure = fun r -> r.DH } ]

/// The training time of a forecast report's run, as a column.
let trainingSecondsColumn: Column<ForecastReport> = { Title = "train (s)"; Format = "F0"; Measure = fun r -> r.TrainingSeconds }

/// A seed table for `Page.Table`: the header (the network's name, then the columns' titles), one row per seed (the main seed marked
/// "this page"), then the median and the range over the seeds.
let rows (name: string) (seedOf: 'row -> int64) (mainSeed: int) (columns: Column<'row> list) (seedRows: 'row list) =
    let seedCell row = let s = seedOf row in if s = int64 mainSeed then $"{s} (this page)" else string s
    ($"{name}: seed" :: [ for c in columns -> c.Title ])
    :: [ for row in seedRows -> seedCell row :: [ for c in columns -> show c.Format (c.Measure row) ] ]
    @ [ "median" :: [ for c in columns -> show c.Format (spreadOf seedRows c.Measure).Median ]
        "range" :: [ for c in columns -> let s = spreadOf seedRows c.Measure in $"{show c.Format s.Min} – {show c.Format s.Max}" ] ]

/// The seed table of a network's forecast reports, one per seed: `forecastColumns` and any given after them.
let ofReports (name: string) (mainSeed: int) (extraColumns: Column<ForecastReport> list) (reports: ForecastReport list) =
    rows name (fun (r: ForecastReport) -> r.Seed) mainSeed (forecastColumns @ extraColumns) reports
