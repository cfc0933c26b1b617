/// Running external programs from tests (fsi chapters, python3 with numpy, dotnet) with a time limit.
module NeuroDyn.Tests.Run

open System
open System.Diagnostics
open System.IO

/// Repository root, found by walking up from the test binary to the folder holding NeuroDyn.sln.
let root =
    let rec up (dir: DirectoryInfo) =
        if isNull dir then failwith "NeuroDyn.sln not found above the test binary; run the tests from the repository"
        elif File.Exists(Path.Combine(dir.FullName, "NeuroDyn.sln")) then dir.FullName
        else up dir.Parent
    up (DirectoryInfo AppContext.BaseDirectory)

/// Result of a finished process.
type Outcome = { ExitCode: int; Output: string; Seconds: float }

/// Runs a program with arguments in a folder, with extra environment variables, killing it after the time limit; stdout and stderr together.
let programWith (environment: (string * string) list) (fileName: string) (arguments: string list) (workingDirectory: string) (limit: TimeSpan) =
    let info = ProcessStartInfo(fileName, arguments, WorkingDirectory = workingDirectory,
                                RedirectStandardOutput = true, RedirectStandardError = true)
    for name, value in environment do info.Environment.[name] <- value
    let watch = Stopwatch.StartNew()
    use p = Process.Start info
    let output = Text.StringBuilder()
    let append (e: DataReceivedEventArgs) = if not (isNull e.Data) then lock output (fun () -> output.AppendLine e.Data |> ignore)
    p.OutputDataReceived.Add append
    p.ErrorDataReceived.Add append
    p.BeginOutputReadLine()
    p.BeginErrorReadLine()
    if not (p.WaitForExit limit) then
        p.Kill true
        failwithf "%s %s did not finish within %O:\n%O" fileName (String.Join(" ", arguments)) limit output
    p.WaitForExit()
    { ExitCode = p.ExitCode; Output = output.ToString(); Seconds = watch.Elapsed.TotalSeconds }

/// Runs a program with arguments in a folder, killing it after the time limit; stdout and stderr together.
let program (fileName: string) (arguments: string list) (workingDirectory: string) (limit: TimeSpan) =
    programWith [] fileName arguments workingDirectory limit

/// A fresh temporary folder.
let tempFolder (prefix: string) =
    let dir = Path.Combine(Path.GetTempPath(), $"neurodyn-{prefix}-{Guid.NewGuid():N}")
    Directory.CreateDirectory dir |> ignore
    dir

/// Debian's python3 with numpy (installed by ./build.sh), not whatever python3 comes first on PATH.
let python = if File.Exists "/usr/bin/python3" then "/usr/bin/python3" else "python3"

/// Runs a Python snippet with numpy; the output is returned, a non-zero exit fails the test.
let numpy (code: string) =
    let result = program python [ "-c"; code ] root (TimeSpan.FromMinutes 1.0)
    if result.ExitCode <> 0 then failwithf "python3 failed (is python3-numpy installed? ./build.sh installs it):\n%s" result.Output
    result.Output
