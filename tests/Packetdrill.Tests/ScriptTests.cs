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
    private const string Handshake = """
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
}
