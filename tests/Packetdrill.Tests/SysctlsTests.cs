using NetSim.Packetdrill.Runner;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Tests;

/// <summary>Sysctl lines as the kernel's selftests write them, and which of them the model takes.</summary>
public class SysctlsTests
{
    [Fact]
    public void EveryWayASelftestWritesASysctlIsFound()
    {
        const string shell = "`./defaults.sh\nsysctl -q net.ipv4.tcp_ecn=1  # fully enabled\n./set_sysctls.py /proc/sys/net/ipv4/tcp_min_tso_segs=10\nsysctl -q net.ipv4.tcp_rmem=\"4096 131072 6291456\"`";

        Assert.Equal(
            [new("tcp_ecn", "1"), new("tcp_min_tso_segs", "10"), new("tcp_rmem", "4096 131072 6291456")],
            Sysctls.In(shell));
    }

    [Fact]
    public void ArithmeticInAValueIsExpandedAsTheShellWould()
    {
        const string shell = "`./defaults.sh\nsysctl -q net.ipv4.tcp_rmem=\"4096 131072 $((32*1024*1024))\"\nsysctl -q net.ipv4.tcp_wmem=\"4096 $(( (1 + 15) / 3 )) $((X*2))\"`";

        Assert.Equal(
            [new("tcp_rmem", "4096 131072 33554432"), new("tcp_wmem", "4096 5 $((X*2))")],
            Sysctls.In(shell));
    }

    [Theory]
    [InlineData("0", false, false)]
    [InlineData("1", true, true)]
    [InlineData("2", true, false)]
    public void TcpTimestampsTwoTimestampsWithoutTheRandomOffset(string value, bool timestamps, bool offsets)
    {
        Assert.True(Sysctls.TryApply(TcpSettings.Linux with { Timestamps = !timestamps }, new("tcp_timestamps", value), out var applied));
        Assert.Equal((timestamps, offsets), (applied.Timestamps, applied.TimestampOffsets));
    }

    [Fact]
    public void KnownSysctlsChangeTheirSettings()
    {
        var settings = TcpSettings.Linux;
        Assert.True(Sysctls.TryApply(settings, new("tcp_early_retrans", "2"), out var noProbe));
        Assert.True(Sysctls.TryApply(settings, new("tcp_rmem", "4096 131072 6291456"), out var buffers));
        Assert.True(Sysctls.TryApply(settings, new("tcp_congestion_control", "reno"), out var reno));
        Assert.True(Sysctls.TryApply(settings, new("tcp_min_tso_segs", "10"), out var bigPackets));
        Assert.True(Sysctls.TryApply(settings, new("tcp_mtu_probing", "1"), out var blackHoleDetection));
        Assert.True(Sysctls.TryApply(settings, new("tcp_base_mss", "536"), out var smallBase));
        Assert.True(Sysctls.TryApply(settings, new("tcp_tw_reuse", "1"), out var reuse));
        Assert.True(Sysctls.TryApply(settings, new("tcp_tw_reuse_delay", "1"), out var quickReuse));
        Assert.True(Sysctls.TryApply(settings, new("ip_local_port_range", "1024 2047"), out var lowPorts));
        Assert.True(Sysctls.TryApply(settings, new("tcp_rfc1337", "1"), out var rfc1337));
        Assert.True(Sysctls.TryApply(settings, new("tcp_tso_win_divisor", "100"), out var hardlyDeferring));
        Assert.True(Sysctls.TryApply(settings, new("tcp_moderate_rcvbuf", "0"), out var fixedReceiveBuffer));
        Assert.True(Sysctls.TryApply(settings, new("tcp_rcvbuf_low_rtt", "200000"), out var lowRtt));
        Assert.True(Sysctls.TryApply(settings, new("tcp_shrink_window", "1"), out var shrinking));

        Assert.Equal((3, 100), (settings.TsoWinDivisor, hardlyDeferring.TsoWinDivisor));
        Assert.Equal((true, false), (settings.ModerateReceiveBuffer, fixedReceiveBuffer.ModerateReceiveBuffer));
        Assert.Equal((false, true), (settings.ShrinkWindow, shrinking.ShrinkWindow));
        Assert.Equal(SimTime.FromMilliseconds(200), lowRtt.ReceiveBufferLowRtt);

        Assert.Equal((0, 1), (settings.MtuProbing, blackHoleDetection.MtuProbing));
        Assert.Equal(536, smallBase.BaseMss);
        Assert.Equal((2, 1), (settings.TimeWaitReuse, reuse.TimeWaitReuse));
        Assert.Equal(SimTime.FromMilliseconds(1), quickReuse.TimeWaitReuseDelay);
        Assert.Equal(new PortRange(1024, 2047), lowPorts.LocalPortRange);
        Assert.True(rfc1337.Rfc1337);
        Assert.False(noProbe.TailLossProbe);
        Assert.Equal((65536, 6291456), (buffers.ReceiveBuffer, buffers.ReceiveBufferMax));
        Assert.Equal("reno", reno.Congestion);
        Assert.Equal(10u, bigPackets.MinTsoSegments);
    }

    [Theory]
    [InlineData("tcp_tso_win_divisor", "256")]
    [InlineData("tcp_shrink_window", "2")]
    [InlineData("tcp_rcvbuf_low_rtt", "-1")]
    [InlineData("tcp_min_tso_segs", "0")]
    [InlineData("tcp_recovery", "4")]
    [InlineData("tcp_ecn", "6")]
    [InlineData("tcp_ecn_option", "4")]
    [InlineData("tcp_mtu_probing", "3")]
    [InlineData("tcp_base_mss", "47")]
    [InlineData("tcp_congestion_control", "no_such_algorithm")]
    [InlineData("tcp_rmem", "4096 131072")]
    [InlineData("tcp_tw_reuse", "3")]
    [InlineData("tcp_rfc1337", "2")]
    [InlineData("tcp_tw_reuse_delay", "0")]
    [InlineData("ip_local_port_range", "1023 2000")]
    [InlineData("ip_local_port_range", "3000 2000")]
    [InlineData("ip_local_port_range", "40000")]
    public void WhatTheModelCannotTakeIsRefused(string name, string value)
    {
        Assert.False(Sysctls.TryApply(TcpSettings.Linux, new(name, value), out var unchanged));
        Assert.Same(TcpSettings.Linux, unchanged);
    }

    /// <summary>defaults.sh is the suites' configuration, not a stock kernel's: among others, no ECN (tcp_ecn 0 where a kernel has 2).</summary>
    [Theory]
    [InlineData("`./defaults.sh`\n", "S.")]
    [InlineData("`../common/defaults.sh`\n", "S.")]
    [InlineData("", "SE.")]
    [InlineData("`./defaults.sh\nsysctl -q net.ipv4.tcp_ecn=2`\n", "SE.")]
    public void DefaultsShSetsTheSuitesSysctls(string shell, string synAckFlags)
    {
        var script = shell + """
            0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
            +0  bind(3, ..., ...) = 0
            +0  listen(3, 1) = 0
            +0  < SEW 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>

            """ + $"+0  > {synAckFlags} 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n";

        var result = ScriptRunner.Run(ScriptParser.Parse(script));

        Assert.True(result.Passed, result.ToString());
        Assert.Empty(result.SkippedLines);
    }

    /// <summary>
    /// An fq qdisc on the tun device paces the sockets created after it: once ACKed, the eight
    /// segments cwnd lets go leave as TSO packets a few milliseconds apart, not all at once as
    /// under defaults.sh's pfifo.
    /// </summary>
    [Theory]
    [InlineData("tc qdisc replace dev tun0 root fq", false)]
    [InlineData("tc qdisc add dev tun0 root pfifo", true)]
    public void AnFqQdiscOnTheTunDevicePaces(string qdisc, bool allAtOnce)
    {
        var script = $"`./defaults.sh\n{qdisc}`\n" + CodeBlockTests.Handshake + """
            +0  write(4, ..., 20000) = 20000
            +0  > P. 1:10001(10000) ack 1
            +.1 < . 1:1(0) ack 4001 win 257
            +0  > P. 10001:18001(8000) ack 1

            """;

        var result = ScriptRunner.Run(ScriptParser.Parse(script));

        Assert.Equal(allAtOnce, result.Passed);
    }

    [Fact]
    public void TheIpEcnFieldIsReadBeforeTheFlags()
    {
        var script = ScriptParser.Parse("+0 > [ect01] P. 1:1001(1000) ack 1\n+0 < [ce] . 1:1001(1000) ack 1 win 100");

        Assert.Equal([ScriptEcn.Ect01, ScriptEcn.Ce], script.Events.Cast<PacketEvent>().Select(p => p.Segment.Ecn));
        Assert.Throws<ScriptSyntaxException>(() => ScriptParser.Parse("+0 < [ect01] . 1:1(0) ack 1 win 100"));
        Assert.Throws<ScriptSyntaxException>(() => ScriptParser.Parse("+0 > [tos] . 1:1(0) ack 1"));
    }

    [Fact]
    public void ABlockingCallsEndMayStandApart()
    {
        var call = Assert.IsType<SyscallEvent>(Assert.Single(ScriptParser.Parse("+.002 ... 0.004 connect(4, ..., ...) = 0").Events));

        Assert.Equal(new ScriptTime(ScriptTimeKind.Relative, 2_000, 0, 4_000L), call.Time);
    }
}
