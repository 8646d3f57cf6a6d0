namespace NetSim.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("run")]
    [InlineData("sweep")]
    [InlineData("plot")]
    [InlineData("validate")]
    [InlineData("pkt")]
    [InlineData("bench")]
    [InlineData("schema")]
    [InlineData("programs")]
    public void EveryCommandPrintsItsHelp(string command)
    {
        // Descriptions are Spectre.Console markup: a bracket left unescaped breaks the whole page.
        var (exit, output, errors) = Netsim.Run(command, "--help");

        Assert.True(exit == 0, errors + output);
        Assert.Contains("USAGE:", output);
        Assert.Contains($"netsim {command}", output);
    }
}
