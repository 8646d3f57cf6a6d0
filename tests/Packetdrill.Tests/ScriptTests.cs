using NetSim.Packetdrill.Runner;

namespace NetSim.Packetdrill.Tests;

/// <summary>Every .pkt script under scripts/ must pass against the simulated endpoint; a failure shows its line, expected and actual segment.</summary>
public class ScriptTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "scripts");

    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Root, "*.pkt", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void ScriptPasses(string script)
    {
        var result = ScriptRunner.RunFile(Path.Combine(Root, script));

        Assert.True(result.Passed, result.ToString());
    }
}

/// <summary>Python in <c>%{ }%</c> blocks: statements end at a newline or a semicolon, and each assert is checked.</summary>
public class CodeBlockTests
{
    /// <summary>A listener's handshake up to accept() = 4, the preamble of the inline scripts.</summary>
    internal const string Handshake = """
        0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
        +0  bind(3, ..., ...) = 0
        +0  listen(3, 1) = 0
        +0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
        +0  > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
        +.1 < . 1:1(0) ack 1 win 257
        +0  accept(3, ..., ...) = 4

        """;

    [Theory]
    [InlineData("%{ assert tcpi_snd_cwnd == 10; assert tcpi_ca_state == 0 }%", true)]
    [InlineData("%{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd; assert tcpi_ca_state == 3 }%", false)]
    [InlineData("%{\nassert tcpi_snd_cwnd == 10\nassert tcpi_snd_cwnd == 11\n}%", false)]
    public void EveryAssertStatementIsChecked(string block, bool passes)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(Handshake + block + "\n"));

        Assert.Equal(passes, result.Passed);
    }

    /// <summary>The statements the suites check congestion control with: variables kept from block to block, arithmetic, print.</summary>
    [Theory]
    [InlineData("%{ print(tcpi_snd_cwnd); cwnd = 10 }%\n%{ cwnd += 2; assert tcpi_snd_cwnd + 2 == cwnd, 'cwnd=%d' % cwnd }%", true)]
    [InlineData("%{ cwnd = 4 * (2 + 1) - 2 }%\n%{ assert tcpi_snd_cwnd == cwnd }%", true)]
    [InlineData("%{ cwnd = 21 // 2 }%\n%{ cwnd -= 1; assert tcpi_snd_cwnd == cwnd }%", false)]
    [InlineData("%{ assert tcpi_snd_cwnd == cwnd }%", false)]
    [InlineData("%{ assert 9 <= tcpi_snd_cwnd <= 10;\\\n   assert tcpi_snd_cwnd < 11 }%", true)]
    [InlineData("%{ assert 9 <= tcpi_snd_cwnd <= 10 < 10 }%", false)]
    public void VariablesAndArithmeticAreEvaluated(string blocks, bool passes)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(Handshake + blocks + "\n"));

        Assert.Equal(passes, result.Passed);
        Assert.Empty(result.SkippedLines);
    }

    /// <summary>
    /// A second socket listening on the port fails as inet_csk_get_port() makes listen() fail
    /// (EADDRINUSE), a result the script can expect; a value too big for what takes it fails the
    /// script at its line rather than stopping the runner, and so does a result Linux would not
    /// give (listen() again on a listener only changes its backlog; a connected socket is EINVAL).
    /// </summary>
    [Theory]
    [InlineData("+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 5\n+0 bind(5, ..., ...) = 0\n+0 listen(5, 1) = -1 EADDRINUSE (Address already in use)\n", true, 0)]
    [InlineData("+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 5\n+0 bind(5, ..., ...) = 0\n+0 listen(5, 1) = 0\n", false, 10)]
    [InlineData("+0 listen(3, 99999999999) = 0\n", false, 8)]
    [InlineData("+0 listen(3, 4) = 0\n+0 listen(4, 4) = 0\n", false, 9)]
    public void ScriptMistakesAreFailuresAtTheirLine(string lines, bool passes, int failingLine)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(Handshake + lines.Replace("\\n", "\n", StringComparison.Ordinal)));

        Assert.Equal(passes, result.Passed);
        if (!passes)
        {
            Assert.Equal(failingLine, result.Failure!.Line);
        }
    }

    /// <summary>
    /// An <c>ip route</c> line sets the route's metrics when its destination takes in the remote
    /// address (here an initial window of 20); one the runner cannot read is skipped, not a crash.
    /// </summary>
    [Theory]
    [InlineData("192.0.2.0/24", 20, false)]
    [InlineData("default", 20, false)]
    [InlineData("198.51.100.0/24", 10, false)]
    [InlineData("192.0.2.0/xx", 10, true)]
    [InlineData("192.0.2.0/33", 10, true)]
    [InlineData("192.0.2", 10, true)]
    public void AnIpRouteLineSetsTheRouteOrIsSkipped(string destination, int cwnd, bool skipped)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(
            $"`ip route add {destination} dev tun0 initcwnd 20`\n" + Handshake + $"%{{ assert tcpi_snd_cwnd == {cwnd}, tcpi_snd_cwnd }}%\n"));

        Assert.True(result.Passed, result.Failure?.Message);
        Assert.Equal(skipped, result.SkippedLines.Count == 1);
    }

    [Fact]
    public void OtherPythonIsSkippedNotFailed()
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(Handshake + "%{ assert tcpi_snd_cwnd == 10 and tcpi_ca_state == 0 }%\n"));

        Assert.True(result.Passed);
        Assert.Equal([8], result.SkippedLines);
    }
}

/// <summary>poll(): a revents the endpoint does not give, or a malformed call, fails the script at its line.</summary>
public class PollCallTests
{
    [Theory]
    [InlineData("poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 1, 0) = 1", null)]
    [InlineData("poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLIN|POLLOUT}], 1, 0) = 1", "revents POLLOUT, expected POLLIN|POLLOUT")]
    [InlineData("poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 2, 0) = 1", "nfds 2 but 1 descriptors listed")]
    [InlineData("poll([{fd=9, events=POLLOUT, revents=POLLOUT}], 1, 0) = 1", "fd 9 is not open")]
    [InlineData("poll([{fd=4, events=POLLSOON, revents=0}], 1, 0) = 0", "unknown event POLLSOON")]
    [InlineData("poll([{fd=4, events=POLLOUT, revents=POLLOUT}], 1, 0) = 0", "returned 1, expected 0")]
    public void WrongReventsAndMistakesAreReportedAtTheirLine(string call, string? failure)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(CodeBlockTests.Handshake + "+0  " + call + "\n"));

        Assert.Equal(failure is null, result.Passed);
        if (failure is not null)
        {
            Assert.Equal(8, result.Failure!.Line);
            Assert.Contains(failure, result.Failure.Message);
        }
    }
}

/// <summary>IP-level socket options: IP_TOS is the model's; IP_MTU_DISCOVER has nothing to act on, so its line is reported skipped.</summary>
public class IpOptionCallTests
{
    [Theory]
    [InlineData("setsockopt(4, SOL_IP, IP_TOS, [4], 1) = 0", true, false)]
    [InlineData("setsockopt(4, SOL_IP, IP_TOS, [4], 1) = -1 EINVAL (Invalid argument)", false, false)]
    [InlineData("setsockopt(4, SOL_IP, IP_MTU_DISCOVER, [IP_PMTUDISC_DONT], 1) = 0", true, true)]
    public void AreTakenOrReportedSkipped(string call, bool passes, bool skipped)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(CodeBlockTests.Handshake + "+0  " + call + "\n"));

        Assert.Equal(passes, result.Passed);
        Assert.Equal(skipped, result.SkippedLines.Contains(8));
    }
}

/// <summary>
/// packetdrill's TSval check: with --tcp_ts_tick_usecs each TSval sent, counted from the
/// connection's first as the script counts from its own, must be within tolerance_usecs worth of
/// ticks, or tolerance_percent of the time since the script began when that is more; without it
/// TSvals are not checked.
/// </summary>
public class TimestampValueTests
{
    private const string ActiveOpen = """
        0   socket(..., SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP) = 3
        +0  connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)
        +0  > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>
        +.1 < S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,TS val 700 ecr 100,nop,wscale 8>

        """;

    [Theory]
    [InlineData("", 300, true)]
    [InlineData("--tcp_ts_tick_usecs=1000\n", 200, true)]
    [InlineData("--tcp_ts_tick_usecs=1000\n", 204, true)]
    [InlineData("--tcp_ts_tick_usecs=1000\n", 196, true)]
    [InlineData("--tcp_ts_tick_usecs=1000\n", 205, false)]
    [InlineData("--tcp_ts_tick_usecs=1000\n--tolerance_percent=10\n", 210, true)]
    [InlineData("--tcp_ts_tick_usecs=1000\n--tolerance_percent=10\n", 211, false)]
    public void ATsValIsCheckedWithinTheTolerance(string options, int scriptedTsVal, bool passes)
    {
        var script = options + ActiveOpen + $"+0  > . 1:1(0) ack 1 <nop,nop,TS val {scriptedTsVal} ecr 700>\n";

        var result = ScriptRunner.Run(Script.ScriptParser.Parse(script));

        Assert.True(passes == result.Passed, result.ToString());
        if (!passes)
        {
            Assert.Contains("TSval: 200 counted from the connection's first", result.ToString());
        }
    }
}

/// <summary>getsockopt(TCP_CONGESTION): the name, and the length given back as do_tcp_getsockopt() cuts it.</summary>
public class CongestionNameTests
{
    [Theory]
    [InlineData("\"cubic\", [16]", null)]
    [InlineData("\"cu\", [2]", null)]
    [InlineData("\"reno\", [16]", "getsockopt(TCP_CONGESTION) gave \"cubic\", expected \"reno\"")]
    [InlineData("\"cubic\", [32]", "getsockopt(TCP_CONGESTION) gave length [16], expected [32]")]
    [InlineData("\"cubic\", [-1]", "getsockopt(TCP_CONGESTION) gave length [16], expected [-1]")]
    public void TheNameAndTheLengthAreChecked(string arguments, string? failure)
    {
        var result = ScriptRunner.Run(Script.ScriptParser.Parse(CodeBlockTests.Handshake + $"+0  getsockopt(4, SOL_TCP, TCP_CONGESTION, {arguments}) = 0\n"));

        Assert.Equal(failure is null, result.Passed);
        Assert.Contains(failure ?? "passed", result.ToString());
    }
}
