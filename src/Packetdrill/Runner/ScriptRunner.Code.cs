using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// <c>%{ }%</c> blocks: packetdrill reads the socket's TCP_INFO at the block's time and runs the
/// Python later. Here each <c>assert tcpi_x OP value</c> statement is checked at the block's time;
/// a block with other Python is reported as skipped.
/// </summary>
public sealed partial class ScriptRunner
{
    private TcpConnection? _socketUnderTest;

    private void RunCode(CodeEvent code)
    {
        var assertions = new List<Match>();
        // Python statements end at a newline or a semicolon.
        foreach (var raw in code.Code.Split('\n', ';'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var match = Assertion().Match(line);
            if (!match.Success)
            {
                _skipped.Add(code.Line);
                return;
            }

            assertions.Add(match);
        }

        var connection = _socketUnderTest ?? throw new ScriptFailedException("%{ }%: no connection to read TCP_INFO from yet");
        foreach (var assertion in assertions)
        {
            var left = Value(connection, assertion.Groups["left"].Value);
            var right = Value(connection, assertion.Groups["right"].Value);
            var op = assertion.Groups["op"].Value;
            var holds = op switch
            {
                "==" => left == right,
                "!=" => left != right,
                "<" => left < right,
                "<=" => left <= right,
                ">" => left > right,
                _ => left >= right,
            };
            if (!holds)
            {
                throw new ScriptFailedException(
                    $"assertion failed at {Seconds(_simulation.Now)} s: {assertion.Groups["left"].Value} {op} {assertion.Groups["right"].Value} ({left} {op} {right})");
            }
        }
    }

    private static long Value(TcpConnection connection, string term) =>
        long.TryParse(term, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number
        : TcpInfo.Field(connection, term) ?? TcpInfo.Constant(term)
        ?? throw new ScriptFailedException($"%{{ }}%: '{term}' is not a TCP_INFO field or constant the simulator knows");

    [GeneratedRegex(@"^assert\s+(?<left>[A-Za-z_][A-Za-z0-9_]*|-?\d+)\s*(?<op>==|!=|<=|>=|<|>)\s*(?<right>[A-Za-z_][A-Za-z0-9_]*|-?\d+)\s*(,.*)?$")]
    private static partial Regex Assertion();
}
