module NeuroDyn.Tests.Main

open Expecto

/// Runs every [<Tests>] value in this assembly; the exit code is the verdict (non-zero when any test fails).
[<EntryPoint>]
let main argv =
    runTestsInAssemblyWithCLIArgs [ CLIArguments.Summary ] argv
