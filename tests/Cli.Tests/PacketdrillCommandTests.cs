namespace NetSim.Cli.Tests;

/// <summary><c>netsim pkt</c>: a line per script, the totals, and an exit code scripts can test.</summary>
public sealed class PacketdrillCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netsim-pkt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Script(string relative) => Path.Combine(Netsim.RepositoryRoot, "tests", "Packetdrill.Tests", "scripts", relative);

    [Fact]
    public void PassingScriptsExitZeroWithTheirTotals()
    {
        var skipping = Path.Combine(_folder, "passive-open.pkt");
        File.WriteAllText(skipping, File.ReadAllText(Script("handshake/passive-open.pkt")).Replace("`../common/defaults.sh`", "`tc -s qdisc show dev tun0`", StringComparison.Ordinal));

        var (exit, output, _) = Netsim.Run("pkt", skipping, Script("close/active-close.pkt"));

        Assert.Equal(0, exit);
        Assert.Contains("passive-open.pkt: passed (1 line(s) skipped: 3)", output);
        Assert.Contains("active-close.pkt: passed\n", output.ReplaceLineEndings("\n"));
        Assert.Contains("2 passed, 0 failed", output);
    }

    [Fact]
    public void AFailingLineIsShownWithTheExpectedAndActualSegment()
    {
        var script = Path.Combine(_folder, "late.pkt");
        File.WriteAllText(script, File.ReadAllText(Script("close/active-close.pkt")).Replace("+0  > F. 1:1(0) ack 1", "+.5 > F. 1:1(0) ack 1"));

        var (exit, output, _) = Netsim.Run("pkt", script);

        Assert.Equal(1, exit);
        Assert.Contains("late.pkt:11: timing: sent at 0.100000 s, expected 0.600000 s (tolerance 4000 us)", output);
        Assert.Contains("expected: > F. 1:1(0) ack 1 at 0.600000 s", output);
        Assert.Contains("actual:   > F. 1:1(0) ack 1 win 256 at 0.100000 s", output);
        Assert.Contains("0 passed, 1 failed", output);
    }

    [Fact]
    public void AMissingFileIsBadInput()
    {
        var (exit, _, errors) = Netsim.Run("pkt", Path.Combine(_folder, "none.pkt"));

        Assert.Equal(2, exit);
        Assert.Contains("none.pkt: no such file", errors);
    }
}
