using System.Diagnostics;

namespace NetSim.Cli.Tests;

/// <summary>The command line packs as a .NET tool that installs and runs from the packed folder.</summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"netsim-tool-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    /// <summary>Runs dotnet with <paramref name="args"/>; returns its exit code and everything it printed.</summary>
    private static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(5));
        return (process.ExitCode, output.Result + errors.Result);
    }

    [Fact]
    [Trait("Category", "Validation")]
    public void DotnetToolInstallFromThePackedFolderGivesAWorkingNetsim()
    {
        var packed = Path.Combine(_work, "packed");
        var tools = Path.Combine(_work, "tools");

        var (pack, packOutput) = Dotnet(Netsim.RepositoryRoot, "pack", "src/Cli", "-c", "Release", "-o", packed);
        Assert.True(pack == 0, packOutput);
        var (install, installOutput) = Dotnet(Netsim.RepositoryRoot, "tool", "install", "NetSim.Cli", "--tool-path", tools, "--add-source", packed);
        Assert.True(install == 0, installOutput);

        var netsim = new ProcessStartInfo(Path.Combine(tools, OperatingSystem.IsWindows() ? "netsim.exe" : "netsim"), "validate scenarios/quickstart.yaml")
        {
            WorkingDirectory = Netsim.RepositoryRoot,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(netsim)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("ok: quickstart", output, StringComparison.Ordinal);
    }
}
