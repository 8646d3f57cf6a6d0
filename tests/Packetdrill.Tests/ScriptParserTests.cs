using NetSim.Packetdrill.Script;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Tests;

/// <summary>packetdrill's syntax as the parser reads it.</summary>
public class ScriptParserTests
{
    [Theory]
    [InlineData("0", ScriptTimeKind.Absolute, 0, 0, null)]
    [InlineData("1.25", ScriptTimeKind.Absolute, 1_250_000, 0, null)]
    [InlineData("+.1", ScriptTimeKind.Relative, 100_000, 0, null)]
    [InlineData("*", ScriptTimeKind.Any, 0, 0, null)]
    [InlineData("+.04~+.05", ScriptTimeKind.RelativeRange, 40_000, 50_000, null)]
    [InlineData("0.1~0.2", ScriptTimeKind.AbsoluteRange, 100_000, 200_000, null)]
    [InlineData("+0...0.100", ScriptTimeKind.Relative, 0, 0, 100_000L)]
    public void TimesAreReadInMicroseconds(string text, ScriptTimeKind kind, long start, long end, long? blockingEnd)
    {
        Assert.Equal(new ScriptTime(kind, start, end, blockingEnd), ScriptParser.ParseTime("t.pkt", 1, text));
    }

    [Fact]
    public void ASegmentLineGivesFlagsRangeAckWindowAndOptionsInOrder()
    {
        var script = ScriptParser.Parse("+0 < S. 0:0(0) ack 1 win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>");
        var packet = Assert.IsType<PacketEvent>(Assert.Single(script.Events));

        Assert.True(packet.Inbound);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, packet.Segment.Flags);
        Assert.Equal((0u, 0u, 0, 1u, (ushort)32792), (packet.Segment.Start, packet.Segment.End, packet.Segment.PayloadLength, packet.Segment.Ack!.Value, packet.Segment.Window!.Value));
        Assert.Equal(
            [TcpOptionKind.Mss, TcpOptionKind.SackPermitted, TcpOptionKind.Timestamps, TcpOptionKind.Nop, TcpOptionKind.WindowScale],
            packet.Segment.Options!.Select(o => o.Kind));
        Assert.Equal((100u, 0u), (packet.Segment.Options![2].Value, packet.Segment.Options[2].Echo));
    }

    [Fact]
    public void ASocketCallKeepsItsArgumentsAndExpectedErrno()
    {
        var script = ScriptParser.Parse("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
        var call = Assert.IsType<SyscallEvent>(Assert.Single(script.Events));

        Assert.Equal(("connect", -1L, "EINPROGRESS"), (call.Name, call.Result, call.Errno));
        Assert.Equal(["3", "...", "..."], call.Arguments);
    }

    [Fact]
    public void CommentsShellLinesAndOptionLinesAreKeptApart()
    {
        var script = ScriptParser.Parse("""
            --tolerance_usecs=10000
            // a comment
            `../common/defaults.sh`
            /* a block
               comment */
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            """);

        Assert.Equal("10000", script.Options["tolerance_usecs"]);
        Assert.IsType<ShellEvent>(script.Events[0]);
        Assert.Equal(6, script.Events[1].Line);
    }

    [Fact]
    public void ACodeBlockRunsToItsClosingMark()
    {
        var script = ScriptParser.Parse("""
            +.01 %{
            assert tcpi_snd_cwnd == 7, tcpi_snd_cwnd
            }%
            +0 %{ assert tcpi_ca_state == TCP_CA_Open }%
            """);

        var block = Assert.IsType<CodeEvent>(script.Events[0]);
        Assert.Equal(new ScriptTime(ScriptTimeKind.Relative, 10_000, 0, null), block.Time);
        Assert.Contains("assert tcpi_snd_cwnd == 7", block.Code);
        Assert.Equal(4, Assert.IsType<CodeEvent>(script.Events[1]).Line);
    }

    [Theory]
    [InlineData("0 < S 0:0(0)", "an inbound segment needs 'win'")]
    [InlineData("0 > S 0:5(0)", "end - start is 5, not 0")]
    [InlineData("0 > X 0:0(0)", "unknown TCP flag 'X'")]
    [InlineData("0 > S 0:0(0) <fastopen>", "unsupported TCP option 'fastopen'")]
    [InlineData("0 write(4, ..., 10)", "expected '= result'")]
    [InlineData("--tolerance_usecs=4ms", "not a whole number of microseconds")]
    [InlineData("--tcp_ts_tick_usecs=-1", "not a whole number of microseconds")]
    [InlineData("--bind_port=65536", "not a 16-bit number")]
    [InlineData("--mss=1k", "not a 16-bit number")]
    [InlineData("--tolerance_percent=150", "not a percentage from 0 to 100")]
    [InlineData("0 < . 1:4294967297(4294967296) ack 1 win 257", "a value does not parse")]
    [InlineData("0 < . 1:1(0) ack 1 win 65536", "a value does not parse")]
    public void MistakesNameTheirLine(string line, string problem)
    {
        var error = Assert.Throws<ScriptSyntaxException>(() => ScriptParser.Parse("\n" + line, "bad.pkt"));

        Assert.Equal(2, error.Line);
        Assert.StartsWith("bad.pkt:2: ", error.Message);
        Assert.Contains(problem, error.Message);
    }
}
