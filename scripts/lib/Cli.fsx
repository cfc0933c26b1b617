/// Command-line options of the chapter scripts: `dotnet fsi scripts/00_lorenz.fsx --rho 99.96 --seed 3 --quick`.
/// A script declares each option as it reads it (name, default, one line of meaning); `Args.Check` then refuses anything
/// that was not declared (unknown or single-dash options, stray words, repeated options, bad values) and answers `--help`
/// (which fsi keeps for itself unless it follows `--`: `dotnet fsi scripts/00_lorenz.fsx -- --help`).
module Cli

open System
open System.Globalization

/// One option a script reads: its name (without the dashes), the kind of value it takes ("" for a flag), its default and meaning.
type OptionSpec = { Name: string; Value: string; Default: string; Meaning: string }

/// The words given after the script's name (`script`, for messages), read option by option; what a script never asks for is
/// reported by `Check`.
type Args(script: string, argv: string[]) =
    let specs = Collections.Generic.List<OptionSpec>()
    let readProblems = Collections.Generic.List<string>()
    let positions name = [ for i in 0 .. argv.Length - 1 do if argv.[i] = "--" + name then yield i ]
    let declare (spec: OptionSpec) =
        if not (specs.Exists(fun s -> s.Name = spec.Name)) then specs.Add spec
    /// The word after the first `--name`, if the option is given and has a value (a missing value is reported by `Problems`).
    let valueOf name =
        match positions name with
        | i :: _ when i + 1 < argv.Length && not (argv.[i + 1].StartsWith "--") -> Some argv.[i + 1]
        | _ -> None
    let parsed name (parser: string -> bool * 'T) (kind: string) (fallback: 'T) =
        match valueOf name with
        | None -> fallback
        | Some text ->
            match parser text with
            | true, v -> v
            | _ ->
                readProblems.Add $"--{name} expects {kind} but got '{text}'"
                fallback
    let number (text: string) = Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
    let integer (text: string) = Int32.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture)
    let show (x: float) = x.ToString("G6", CultureInfo.InvariantCulture)

#if INTERACTIVE
    /// The arguments of this fsi session (everything after the script path).
    static member FromFsi() =
        let all = fsi.CommandLineArgs
        Args((if all.Length > 0 then "scripts/" + IO.Path.GetFileName all.[0] else "script.fsx"), (if all.Length > 0 then all.[1..] else [||]))
#endif

    /// True when `--name` is given; `meaning` is its line in `--help`.
    member _.Flag(name: string, meaning: string) =
        declare { Name = name; Value = ""; Default = "off"; Meaning = meaning }
        not (List.isEmpty (positions name))

    /// `--name NUMBER` as a float, or the default; `meaning` is its line in `--help`.
    member _.Float(name: string, fallback: float, meaning: string) =
        declare { Name = name; Value = "NUMBER"; Default = show fallback; Meaning = meaning }
        parsed name number "a number" fallback

    /// `--name N` as an integer, or the default; `meaning` is its line in `--help`.
    member _.Int(name: string, fallback: int, meaning: string) =
        declare { Name = name; Value = "N"; Default = string fallback; Meaning = meaning }
        parsed name integer "an integer" fallback

    /// `--name TEXT`, or the default; `meaning` is its line in `--help`.
    member _.Text(name: string, fallback: string, meaning: string) =
        declare { Name = name; Value = "TEXT"; Default = fallback; Meaning = meaning }
        parsed name (fun s -> true, s) "text" fallback

    /// Records a problem found by the script itself among the options (say, two that exclude each other), reported by `Check`.
    member _.Refuse(problem: string) = readProblems.Add problem

    /// The options read so far, in the order the script read them.
    member _.Options = List.ofSeq specs

    /// True when `--help` is among the arguments.
    member _.HelpRequested = Array.contains "--help" argv

    /// Everything wrong with the arguments, given the options read so far: values that do not parse, options without their
    /// value, options given twice, unknown options (with two dashes or, by mistake, one) and stray words. Empty when all is well.
    member this.Problems =
        let used = Array.zeroCreate argv.Length
        let problems = Collections.Generic.List<string>(readProblems)
        let help = { Name = "help"; Value = ""; Default = ""; Meaning = "" }
        for spec in help :: this.Options do
            let at = positions spec.Name
            for i in at do used.[i] <- true
            if at.Length > 1 then problems.Add $"--{spec.Name} is given {at.Length} times; give it once"
            if spec.Value <> "" then
                for i in at do
                    if i + 1 < argv.Length && not (argv.[i + 1].StartsWith "--") then used.[i + 1] <- true
                    else problems.Add $"--{spec.Name} needs a value ({spec.Value}), e.g. --{spec.Name} {spec.Default}"
        let known name = this.Options |> List.exists (fun s -> s.Name = name)
        for i in 0 .. argv.Length - 1 do
            let word = argv.[i]
            if not used.[i] then
                if word.StartsWith "--" && word.Contains "=" then
                    let name, value = word.Substring(2, word.IndexOf '=' - 2), word.Substring(word.IndexOf '=' + 1)
                    problems.Add $"'{word}': write the value after a space, --{name} {value}"
                else
                    // a word after an unknown option is taken as its value, not reported a second time as stray
                    let takeValue () = if i + 1 < argv.Length && not used.[i + 1] && not (argv.[i + 1].StartsWith "-") then used.[i + 1] <- true
                    let hint name = if known name then $"; did you mean --{name}?" else ""
                    if word.StartsWith "--" then
                        takeValue ()
                        problems.Add $"unknown option {word}"
                    elif word.StartsWith "-" && word.Length > 1 then
                        takeValue ()
                        problems.Add $"'{word}' has one dash: options are written with two, --name{hint (word.TrimStart '-')}"
                    else
                        problems.Add $"stray argument '{word}' (argument {i + 1}): it is no option's value; options are written --name VALUE{hint word}"
        List.ofSeq problems

    /// The `--help` text: every option read so far with its value, default (for the mode given) and meaning.
    member this.Usage =
        let rows =
            [ for s in this.Options ->
                (if s.Value = "" then $"--{s.Name}" else $"--{s.Name} {s.Value}"), s.Default, s.Meaning ]
            @ [ ("--help", "", "print this list and exit (fsi answers a bare --help itself: write -- --help)") ]
        let width = rows |> List.map (fun (o, _, _) -> o.Length) |> List.max
        let defaultWidth = rows |> List.map (fun (_, d, _) -> d.Length) |> List.max |> max 7
        let line (o: string, d: string, m: string) = $"  {o.PadRight width}  {d.PadRight defaultWidth}  {m}"
        String.Join("\n",
            [ $"usage: dotnet fsi {script} [options]"
              "Defaults are those of the mode given (add --quick or --full before --help to see theirs)."
              ""
              line ("option", "default", "meaning") ]
            @ List.map line rows)

    /// After a script has read all its options: prints the usage and exits 0 on `--help`; prints every problem and exits 2
    /// if there is one; otherwise returns.
    member this.Check() =
        if this.HelpRequested then
            printfn "%s" this.Usage
            exit 0
        match this.Problems with
        | [] -> ()
        | problems ->
            for p in problems do eprintfn "error: %s" p
            eprintfn "Run `dotnet fsi %s -- --help` for the options this script knows." script
            exit 2
