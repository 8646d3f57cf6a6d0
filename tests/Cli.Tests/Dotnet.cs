using System.Diagnostics;

namespace NetSim.Cli.Tests;

/// <summary>Runs the .NET SDK's <c>dotnet</c> (pack, publish, tool install) as a developer would.</summary>
internal static class Dotnet
{
    /// <summary>Runs dotnet with <paramref name="args"/>; returns its exit code and everything it printed.</summary>
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args)
    {
        var (exit, output, errors) = ChildProcess.Run(new ProcessStartInfo("dotnet", args) { WorkingDirectory = workingDirectory });
        return (exit, output + errors);
    }
}
