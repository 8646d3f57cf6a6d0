using System.Diagnostics;

namespace NetSim.Cli.Tests;

/// <summary>The command line packs as a .NET tool that installs and runs from the packed folder.</summary>
[Collection(ReleaseBuildCollection.Name)]
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

    [Fact]
    [Trait("Category", "Validation")]
    public void DotnetToolInstallFromThePackedFolderGivesAWorkingNetsim()
    {
        var packed = Path.Combine(_work, "packed");
        var tools = Path.Combine(_work, "tools");

        var (pack, packOutput) = Dotnet.Run(Netsim.RepositoryRoot, "pack", "src/Cli", "-c", "Release", "-o", packed);
        Assert.True(pack == 0, packOutput);
        var (install, installOutput) = Dotnet.Run(Netsim.RepositoryRoot, "tool", "install", "NetSim.Cli", "--tool-path", tools, "--add-source", packed);
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
