/// Command-line overrides for chapter scripts: `dotnet fsi scripts/00_lorenz.fsx --rho 99.96 --seed 3 --quick`.
module Cli

open System
open System.Globalization

/// The options given after the script name, read by name; unknown names are reported by `Args.Check`.
type Args(argv: string[]) =
    let used = Collections.Generic.HashSet<string>()
    let find (name: string) =
        used.Add name |> ignore
        argv |> Array.tryFindIndex (fun a -> a = "--" + name)
    let valueOf name =
        find name |> Option.map (fun i ->
            if i + 1 >= argv.Length || argv.[i + 1].StartsWith "--" then
                failwithf "option --%s needs a value, e.g. --%s 3" name name
            argv.[i + 1])
    let parse name (parser: string -> bool * 'T) (kind: string) text =
        match parser text with
        | true, v -> v
        | _ -> failwithf "option --%s expects %s but got '%s'" name kind text

    /// The arguments of this fsi session (everything after the script path).
    static member FromFsi() =
        let all = fsi.CommandLineArgs
        Args(if all.Length > 0 then all.[1..] else [||])

    /// True when `--name` is present.
    member _.Flag(name: string) = (find name).IsSome

    /// `--name VALUE` as a float, or the default.
    member _.Float(name: string, fallback: float) =
        valueOf name |> Option.map (parse name (fun s -> Double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture)) "a number") |> Option.defaultValue fallback

    /// `--name VALUE` as an integer, or the default.
    member _.Int(name: string, fallback: int) =
        valueOf name |> Option.map (parse name (fun s -> Int32.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)) "an integer") |> Option.defaultValue fallback

    /// `--name VALUE` as text, or the default.
    member _.Text(name: string, fallback: string) = valueOf name |> Option.defaultValue fallback

    /// Fails, listing the known options, if an option was given that the script never asked for (a typo would otherwise be ignored silently).
    member _.Check() =
        let unknown =
            argv |> Array.filter (fun a -> a.StartsWith "--" && not (used.Contains(a.Substring 2)))
        if unknown.Length > 0 then
            failwithf "unknown option(s) %s; this script knows: %s" (String.Join(" ", unknown))
                (String.Join(" ", used |> Seq.sort |> Seq.map (fun n -> "--" + n)))
