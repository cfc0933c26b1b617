/// The NuGet package works for a consumer: `./build.sh pack` writes it, and the C# quickstart builds against it from a folder feed and runs.
module NeuroDyn.Tests.PackageTests

open System
open System.IO
open System.IO.Compression
open System.Text.RegularExpressions
open System.Xml.Linq
open Expecto

/// Entry names of a zip archive (a .nupkg or .snupkg).
let private entries (archive: string) =
    use zip = ZipFile.OpenRead archive
    zip.Entries |> Seq.map (fun e -> e.FullName) |> Set.ofSeq

/// The .nuspec inside a package.
let private nuspec (package: string) =
    use zip = ZipFile.OpenRead package
    use stream = zip.GetEntry("NeuroDyn.Core.nuspec").Open()
    XDocument.Load stream

/// A consumer's project: the quickstart's source file, unchanged, and a PackageReference to the given version.
let private consumerProject (version: string) =
    let program = Path.Combine(Run.root, "examples", "CSharpQuickstart", "Program.cs")
    $"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <EnableDefaultCompileItems>false</EnableDefaultCompileItems>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="{program}" />
    <PackageReference Include="NeuroDyn.Core" Version="{version}" />
  </ItemGroup>
</Project>
"""

/// Package sources: the folder feed first, and NuGet's default source for TorchSharp, libtorch and the rest.
let private nugetConfig (feed: string) =
    $"""<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="neurodyn-local" value="{feed}" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
"""

let private expectSuccess (what: string) (outcome: Run.Outcome) =
    Expect.equal outcome.ExitCode 0 $"{what} succeeds:\n{outcome.Output}"
    printfn "package test: %s took %.0f s" what outcome.Seconds

[<Tests>]
let tests =
    testList "package" [
        // The version is unique (a pre-release label with the clock's ticks), and packages are restored into a fresh private folder
        // (NUGET_PACKAGES), so neither an earlier NeuroDyn.Core in the user's package cache nor the project reference can stand in.
        // The fresh folder downloads libtorch again (128 MB, unpacked 600 MB): about 20 s here, which the budget allows, and it is deleted after.
        test "./build.sh pack writes a package that the C# quickstart restores from a folder feed, builds against and runs" {
            let work = Run.tempFolder "package"
            try
                let version = $"0.1.0-test.{DateTime.UtcNow.Ticks}"
                let feed, app, packages = Path.Combine(work, "feed"), Path.Combine(work, "app"), Path.Combine(work, "packages")
                Run.program "bash" [ "build.sh"; "pack"; "--version"; version; "--output"; feed ] Run.root (TimeSpan.FromMinutes 6.0)
                |> expectSuccess "./build.sh pack"
                let package = Path.Combine(feed, $"NeuroDyn.Core.{version}.nupkg")
                let symbols = Path.Combine(feed, $"NeuroDyn.Core.{version}.snupkg")
                Expect.isTrue (File.Exists package && File.Exists symbols) $"the package and its symbols are in {feed}: {Directory.GetFiles feed}"
                printfn "package test: NeuroDyn.Core.%s.nupkg is %d bytes, the .snupkg %d" version (FileInfo(package).Length) (FileInfo(symbols).Length)

                let files = entries package
                for expected in [ "lib/net10.0/NeuroDyn.Core.dll"; "lib/net10.0/NeuroDyn.Core.xml"; "README.md"; "LICENSE" ] do
                    Expect.contains files expected $"the package holds {expected}"
                Expect.isFalse (files |> Set.exists (fun f -> f.EndsWith ".pdb")) "the PDB is in the symbols package, not the package"
                Expect.contains (entries symbols) "lib/net10.0/NeuroDyn.Core.pdb" "the symbols package holds the PDB"
                let spec = nuspec package
                let element name = spec.Descendants() |> Seq.find (fun e -> e.Name.LocalName = name)
                Expect.equal (element "id").Value "NeuroDyn.Core" "id"
                Expect.equal (element "version").Value version "version"
                Expect.equal (element "license").Value "MIT" "licence expression"
                Expect.equal ((element "license").Attribute(XName.Get "type").Value) "expression" "licence given as an SPDX expression"
                Expect.equal (element "readme").Value "README.md" "project readme"
                Expect.isNonEmpty (element "description").Value "description"
                let dependencies =
                    spec.Descendants() |> Seq.filter (fun e -> e.Name.LocalName = "dependency")
                    |> Seq.map (fun e -> e.Attribute(XName.Get "id").Value, e.Attribute(XName.Get "version").Value) |> Map.ofSeq
                for id in [ "TorchSharp"; "libtorch-cpu-linux-x64"; "MathNet.Numerics"; "System.Numerics.Tensors" ] do
                    Expect.isTrue (dependencies.ContainsKey id) $"the package depends on {id}: {dependencies}"
                printfn "package test: dependencies %A" (Map.toList dependencies)

                Directory.CreateDirectory app |> ignore
                File.WriteAllText(Path.Combine(app, "Quickstart.csproj"), consumerProject version)
                File.WriteAllText(Path.Combine(app, "nuget.config"), nugetConfig feed)
                let dotnet arguments = Run.program "env" ([ $"NUGET_PACKAGES={packages}"; "dotnet" ] @ arguments) app (TimeSpan.FromMinutes 8.0)
                dotnet [ "build"; "-c"; "Release"; "-nologo"; "-clp:ErrorsOnly"; "-v:q" ] |> expectSuccess "restoring and building the consumer"
                Expect.isTrue (Directory.Exists(Path.Combine(packages, "neurodyn.core", version))) "NeuroDyn.Core was restored from the folder feed into the private folder"
                let output = Path.Combine(app, "bin", "Release", "net10.0")
                Expect.isTrue (File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libtorch_cpu.so"))) "libtorch's native files reach the consumer's output"
                Expect.isFalse (File.Exists(Path.Combine(output, "NeuroDyn.Core.pdb"))) "the core came as a package, not as a project reference"

                let run = dotnet [ Path.Combine(output, "Quickstart.dll") ]
                run |> expectSuccess "running the quickstart"
                let mse = Regex.Match(run.Output, @"validation MSE (\S+) after \d+ epochs")
                Expect.isTrue mse.Success $"prints the validation MSE line:\n{run.Output}"
                let loss = Double.Parse(mse.Groups[1].Value, Globalization.CultureInfo.InvariantCulture)
                Expect.isTrue (Double.IsFinite loss && loss > 0.0) $"validation MSE {loss} is finite and positive"
                let exponents = Regex.Match(run.Output, @"Lyapunov exponents \(per model time unit\): (\S+), (\S+), (\S+)")
                Expect.isTrue exponents.Success $"prints three Lyapunov exponents:\n{run.Output}"
                let lambda = [ for k in 1 .. 3 -> Double.Parse(exponents.Groups[k].Value, Globalization.CultureInfo.InvariantCulture) ]
                Expect.isTrue (List.forall Double.IsFinite lambda) $"finite exponents {lambda}"
            finally
                Directory.Delete(work, true)
        }
    ]
