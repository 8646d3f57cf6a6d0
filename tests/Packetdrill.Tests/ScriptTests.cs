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
