namespace NeuroDyn.Sweeps;

/// <summary>The sweep program (sweep/NeuroDyn.Sweep.csproj) that runs one run per command line, and those command lines.</summary>
public static class SweepProgram
{
    /// <summary>Environment variable naming the program's .dll, overriding where it is looked for.</summary>
    public const string Variable = "NEURODYN_SWEEP_PROGRAM";

    const string Dll = "NeuroDyn.Sweep.dll";

    /// <summary>The program's .dll: <see cref="Variable"/> if set, else beside the running program or this library, else sweep/bin/Release/net10.0/
    /// of the repository this library was built in.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } set)
            return File.Exists(set) ? Path.GetFullPath(set) : throw new FileNotFoundException($"{Variable} names '{set}', which does not exist; build the sweep program or correct the variable.", set);
        var library = Path.GetDirectoryName(typeof(SweepProgram).Assembly.Location)!;
        foreach (var dir in new[] { AppContext.BaseDirectory, library })
            if (File.Exists(Path.Combine(dir, Dll))) return Path.Combine(dir, Dll);
        for (var dir = new DirectoryInfo(library); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NeuroDyn.sln")))
            {
                var built = Path.Combine(dir.FullName, "sweep", "bin", "Release", "net10.0", Dll);
                if (File.Exists(built)) return built;
                break;
            }
        throw new FileNotFoundException($"The sweep program {Dll} was not found beside {library} nor in the repository's sweep/bin/Release/net10.0/. " +
            $"Build it (dotnet build sweep/NeuroDyn.Sweep.csproj -c Release, or ./build.sh setup), or set {Variable} to its path.");
    }

    /// <summary>The arguments that run one run: dotnet PROGRAM run FOLDER.</summary>
    public static string[] RunArguments(string program, string runFolder) => [program, "run", Path.GetFullPath(runFolder)];

    /// <summary>One run as a shell command line: <c>dotnet PROGRAM run FOLDER</c>, each word quoted for the shell where it needs it.</summary>
    public static string CommandLine(string program, string runFolder) =>
        string.Join(" ", new[] { "dotnet" }.Concat(RunArguments(program, runFolder)).Select(ShellWord));

    /// <summary>The text as one POSIX shell word: as it is when it holds only safe characters, else in single quotes.</summary>
    public static string ShellWord(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=,:@%".Contains(c)) ? text : "'" + text.Replace("'", "'\\''") + "'";
}
