module NeuroDyn.Tests.Main

open Expecto
open Expecto.Impl

/// The default printer, plus one closing line "N passed, N failed" that CI systems read.
let private printer =
    let standard = TestPrinters.defaultPrinter
    { standard with
        summary = fun config summary -> async {
            do! standard.summary config summary
            let failed = summary.failed.Length + summary.errored.Length
            printfn "\n%d passed, %d failed, %d skipped" summary.passed.Length failed summary.ignored.Length } }

/// Runs every [<Tests>] value in this assembly; the exit code is the verdict (non-zero when any test fails).
[<EntryPoint>]
let main argv =
    runTestsInAssemblyWithCLIArgs [ CLIArguments.Summary; CLIArguments.No_Spinner; CLIArguments.Printer printer ] argv
