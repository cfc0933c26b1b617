/// The README's C# example is real: it is the quickstart program, which builds with the solution and runs.
module NeuroDyn.Tests.ReadmeTests

open System
open System.IO
open System.Text.RegularExpressions
open Expecto

[<Tests>]
let tests =
    testList "readme" [
        test "the README shows the C# quickstart verbatim, and it runs" {
            let readme = File.ReadAllText(Path.Combine(Run.root, "README.md"))
            let shown = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups.[1].Value
            let program = File.ReadAllText(Path.Combine(Run.root, "examples", "CSharpQuickstart", "Program.cs"))
            Expect.equal (shown.Trim()) (program.Trim()) "README snippet = examples/CSharpQuickstart/Program.cs"
            let dll = Path.Combine(Run.root, "examples", "CSharpQuickstart", "bin", "Release", "net10.0", "CSharpQuickstart.dll")
            let result = Run.program "dotnet" [ dll ] Run.root (TimeSpan.FromMinutes 3.0)
            Expect.equal result.ExitCode 0 $"the quickstart runs:\n{result.Output}"
            Expect.stringContains result.Output "Lyapunov exponents (per model time unit): " "prints the spectrum of the trained network"
        }
    ]
