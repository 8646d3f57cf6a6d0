using System.Diagnostics;

namespace NetSim.Cli.Tests;

/// <summary>Runs the built netsim command line as a user would, and captures what it prints.</summary>
internal static class Netsim
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static (int ExitCode, string Output, string Errors) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "netsim.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["COLUMNS"] = "200";
        return ChildProcess.Run(start);
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "NetSim.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("NetSim.sln not found");
    }
}
