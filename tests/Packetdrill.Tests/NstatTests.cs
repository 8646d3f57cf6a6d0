using NetSim.Packetdrill.Runner;

namespace NetSim.Packetdrill.Tests;

/// <summary>
/// nstat pipelines read the namespace's counters: nstat prints what moved since its history was
/// last updated and updates it (not with -s; -n only updates it), each grep keeps the lines holding
/// its pattern, and a pipeline that keeps nothing fails the script at its line.
/// </summary>
public class NstatTests
{
    /// <summary>A segment far beyond the window: tcp_sequence() drops it (BeyondWindow) and sends a duplicate ACK.</summary>
    private const string BeyondTheWindow = """
        +0  < . 1000001:1001001(1000) ack 1 win 257
        +0  > . 1:1(0) ack 1

        """;

    [Theory]
    [InlineData("`nstat | grep TcpExtBeyondWindow | grep -q \" 1 \"`", null)]
    [InlineData("`nstat | grep TcpExtBeyondWindow | grep -q \" 2 \"`", "nstat printed TcpExtBeyondWindow")]
    [InlineData("`nstat -s | grep TcpExtBeyondWindow`\n+0  `nstat | grep TcpExtBeyondWindow`", null)]
    [InlineData("`nstat | grep TcpExtBeyondWindow`\n+0  `nstat | grep TcpExtBeyondWindow`", "no counter that moved")]
    [InlineData("`nstat -n`\n+0  `nstat | grep TcpExtBeyondWindow`", "no counter that moved")]
    [InlineData("`nstat | grep TcpExtTCPZeroWindowDrop`", "nstat printed TcpExtBeyondWindow")]
    public void CountersMoveAsTheSegmentsDo(string checks, string? failure)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(CodeBlockTests.Handshake + BeyondTheWindow + "+0  " + checks + "\n"));

        Assert.Equal(failure is null, result.Passed);
        if (failure is not null)
        {
            Assert.Contains(failure, result.Failure!.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("TcpExtTCPSackShifted")]
    [InlineData("TcpInSegs")]
    public void ACounterTheModelDoesNotKeepIsReportedSkipped(string name)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(CodeBlockTests.Handshake + $"+0  `nstat | grep {name}`\n"));

        Assert.True(result.Passed);
        Assert.Equal([8], result.SkippedLines);
    }
}
