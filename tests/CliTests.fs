/// The chapters' command line (scripts/lib/Cli.fsx, compiled into the tests): what it reads, what it refuses, what --help lists;
/// and one chapter run with bad arguments and with --help, to see the refusal and the list as a user does.
module NeuroDyn.Tests.CliTests

open System
open System.IO
open Expecto

/// The options of a small chapter, read from `words`: the parsed arguments and the values read.
let private read (words: string list) =
    let args = Cli.Args("scripts/example.fsx", Array.ofList words)
    let rho = args.Float("rho", 28.0, "ρ of Lorenz-63")
    let seed = args.Int("seed", 0, "seed of every random choice")
    let quick = args.Flag("quick", "tiny sizes")
    let solver = args.Text("solver", "rk4", "ODE solver")
    args, (rho, seed, quick, solver)

/// The problems found in `words`, as one text (each problem on its own line).
let private problems (words: string list) = String.Join("\n", (fst (read words)).Problems)

/// Expects exactly `count` problems in `words`, one of them containing `fragment`.
let private expectRefused (words: string list) (count: int) (fragment: string) =
    let found = (fst (read words)).Problems
    Expect.equal found.Length count $"{words}: {count} problem(s), got {found}"
    Expect.exists found (fun p -> p.Contains fragment) $"{words}: a problem says '{fragment}' (got {found})"

let private chapter01 = Path.Combine(Run.root, "scripts", "01_ctrnn.fsx")

[<Tests>]
let tests =
    testList "command line" [
        test "options are read with their values, defaults when absent, negative numbers as values" {
            let args, values = read [ "--rho"; "30.5"; "--seed"; "3"; "--quick"; "--solver"; "euler" ]
            Expect.equal values (30.5, 3, true, "euler") "the values given"
            Expect.isEmpty args.Problems "nothing to refuse"
            let args, values = read []
            Expect.equal values (28.0, 0, false, "rk4") "the defaults"
            Expect.isEmpty args.Problems "nothing to refuse"
            let args, (rho, _, _, _) = read [ "--rho"; "-5e-1" ]
            Expect.equal rho -0.5 "a negative number is a value, not an option"
            Expect.isEmpty args.Problems "nothing to refuse"
        }

        test "a single-dash option is refused, naming it and the option meant" {
            expectRefused [ "-rho"; "30" ] 1 "'-rho' has one dash"
            Expect.stringContains (problems [ "-rho"; "30" ]) "did you mean --rho?" "the option meant"
            let _, (rho, _, _, _) = read [ "-rho"; "30" ]
            Expect.equal rho 28.0 "and it is not read as --rho"
        }

        test "stray words are refused, naming each" {
            expectRefused [ "rho"; "30" ] 2 "stray argument 'rho' (argument 1)"
            Expect.stringContains (problems [ "rho"; "30" ]) "stray argument '30' (argument 2)" "the second word too"
            Expect.stringContains (problems [ "rho"; "30" ]) "did you mean --rho?" "the option meant"
            expectRefused [ "--quick"; "yes" ] 1 "stray argument 'yes'"
            expectRefused [ "--rho"; "30"; "31" ] 1 "stray argument '31'"
        }

        test "a repeated option is refused, not read once and ignored once" {
            expectRefused [ "--rho"; "28"; "--rho"; "99" ] 1 "--rho is given 2 times; give it once"
            expectRefused [ "--quick"; "--quick" ] 1 "--quick is given 2 times"
        }

        test "unknown options, bad values, missing values and --name=value are refused with what is wrong" {
            expectRefused [ "--rh0"; "3" ] 1 "unknown option --rh0"
            expectRefused [ "--seed"; "x" ] 1 "--seed expects an integer but got 'x'"
            expectRefused [ "--rho"; "abc" ] 1 "--rho expects a number but got 'abc'"
            expectRefused [ "--rho" ] 1 "--rho needs a value (NUMBER), e.g. --rho 28"
            expectRefused [ "--rho"; "--quick" ] 1 "--rho needs a value"
            expectRefused [ "--rho=3" ] 1 "'--rho=3': write the value after a space, --rho 3"
            let args, _ = read []
            args.Refuse "--quick and --full exclude each other"
            Expect.equal args.Problems [ "--quick and --full exclude each other" ] "a problem the script found is reported with the rest"
        }

        test "--help lists every option read, with its value, default and meaning" {
            let args, _ = read [ "--help"; "--rho"; "30" ]
            Expect.isTrue args.HelpRequested "--help is seen"
            Expect.isEmpty args.Problems "--help itself is no problem"
            let lines = args.Usage.Split '\n'
            let row (option: string) = lines |> Array.tryFind (fun l -> l.TrimStart().StartsWith(option + " "))
            for option, value, fallback, meaning in
                [ "--rho", "NUMBER", "28", "ρ of Lorenz-63"; "--seed", "N", "0", "seed of every random choice"
                  "--quick", "", "off", "tiny sizes"; "--solver", "TEXT", "rk4", "ODE solver"; "--help", "", "", "print this list" ] do
                match row option with
                | None -> failtestf "no line for %s in:\n%s" option args.Usage
                | Some line ->
                    for part in [ value; fallback; meaning ] do Expect.stringContains line part $"{option}'s line has '{part}'"
        }

        test "a chapter refuses bad arguments before any work (exit 2, every problem named) and lists its options on -- --help" {
            let dir = Run.tempFolder "cli"
            let run words = Run.program "dotnet" ([ "fsi"; chapter01 ] @ words) Run.root (TimeSpan.FromMinutes 3.0)
            let bad = run [ "--quick"; "--out"; dir; "-tau"; "0.5"; "hidden"; "8"; "--epochs"; "1"; "--epochs"; "2"; "--rh0" ]
            Expect.equal bad.ExitCode 2 $"refused with exit code 2:\n{bad.Output}"
            for fragment in [ "error: '-tau' has one dash"; "did you mean --tau?"; "error: stray argument 'hidden'"; "error: stray argument '8'"
                              "error: --epochs is given 2 times"; "error: unknown option --rh0"; "01_ctrnn.fsx -- --help" ] do
                Expect.stringContains bad.Output fragment "the refusal names it"
            Expect.isFalse (File.Exists(Path.Combine(dir, "01_ctrnn.json"))) "nothing was run"
            let help = run [ "--"; "--help" ]
            Expect.equal help.ExitCode 0 $"--help exits 0:\n{help.Output}"
            for option in [ "--quick"; "--full"; "--out TEXT"; "--data TEXT"; "--seed N"; "--solver TEXT"; "--adjoint"; "--readout TEXT"; "--hidden N"
                            "--tau NUMBER"; "--epochs N"; "--rollout-epochs N"; "--rollout-steps N"; "--lr NUMBER"; "--rollout-lr NUMBER"; "--resume"; "--help" ] do
                Expect.stringContains help.Output ("  " + option + " ") $"--help lists {option}"
            Expect.stringContains help.Output "hidden units" "with its meaning"
        }
    ]
