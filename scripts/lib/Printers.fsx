/// REPL printers for the core's result types, so `sol;;` shows a summary instead of a wall of numbers.
module Printers

open NeuroDyn.Solvers
open NeuroDyn.Data

fsi.AddPrinter<OdeSolution>(fun s ->
    let n, d = Array2D.length1 s.States, Array2D.length2 s.States
    sprintf "OdeSolution(%s, %d times × %d dims, t ∈ [%g, %g], nfev %d, steps %d accepted / %d rejected%s)"
        (if s.Success then "success" else "FAILED") n d s.Times.[0] s.Times.[s.Times.Length - 1]
        s.FunctionEvaluations s.AcceptedSteps s.RejectedSteps (if s.Success then "" else ": " + s.Message))

fsi.AddPrinter<LorenzData>(fun d ->
    sprintf "LorenzData(train %d, val %d, test %d samples × %d dims; dt %g; windows of %d; mean %A; std %A)"
        (Array2D.length1 d.Train) (Array2D.length1 d.Val) (Array2D.length1 d.Test) (Array2D.length2 d.Train) d.Dt d.SeqLength d.Mean d.Std)
