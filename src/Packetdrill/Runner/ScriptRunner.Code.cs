using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// <c>%{ }%</c> blocks: packetdrill reads the socket's TCP_INFO at the block's time and runs the
/// Python later, all blocks in one interpreter. Here the statements the suites use to check
/// congestion control are run at the block's time: <c>assert A OP B [OP C...][, message]</c>,
/// <c>name = A</c>, <c>name += A</c> and <c>name -= A</c> (variables keep their values from block
/// to block) and <c>print(...)</c>, which prints nothing; A and B are integer expressions of
/// literals, variables, TCP_INFO fields and constants with <c>+ - * // &amp; |</c> and parentheses. A
/// block with other Python is reported as skipped.
/// </summary>
public sealed partial class ScriptRunner
{
    private readonly Dictionary<string, long> _pythonVariables = [];
    private TcpConnection? _socketUnderTest;

    private void RunCode(CodeEvent code)
    {
        var statements = new List<Match>();
        // Python statements end at a newline or a semicolon; a backslash continues the line.
        foreach (var raw in code.Code.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n', ';'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || PrintCall().IsMatch(line))
            {
                continue;
            }

            var match = Statement().Match(line);
            if (!match.Success || Keyword().IsMatch(line.StartsWith("assert ", StringComparison.Ordinal) ? line[7..] : line))
            {
                _skipped.Add(code.Line);
                return;
            }

            statements.Add(match);
        }

        var connection = _socketUnderTest ?? throw new ScriptFailedException("%{ }%: no connection to read TCP_INFO from yet");
        foreach (var statement in statements)
        {
            if (statement.Groups["name"].Success)
            {
                var value = Evaluate(connection, statement.Groups["value"].Value);
                var name = statement.Groups["name"].Value;
                _pythonVariables[name] = statement.Groups["assign"].Value switch
                {
                    "+=" => Variable(name) + value,
                    "-=" => Variable(name) - value,
                    _ => value,
                };
                continue;
            }

            // A chain a <= b <= c holds when each comparison does, as in Python.
            var parts = Comparison().Split(statement.Groups["test"].Value);
            var values = parts.Where((_, i) => i % 2 == 0).Select(part => Evaluate(connection, part)).ToList();
            for (var i = 1; i < parts.Length; i += 2)
            {
                var (left, op, right) = (values[i / 2], parts[i], values[(i / 2) + 1]);
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
                        $"assertion failed at {Seconds(_simulation.Now)} s: {statement.Groups["test"].Value.Trim()} ({string.Join(' ', parts.Select((p, j) => j % 2 == 0 ? values[j / 2].ToString(CultureInfo.InvariantCulture) : p))})");
                }
            }
        }
    }

    private long Variable(string name) =>
        _pythonVariables.TryGetValue(name, out var value) ? value : throw new ScriptFailedException($"%{{ }}%: '{name}' is used before it is assigned");

    /// <summary>An integer expression in Python: literals, variables, TCP_INFO fields and constants.</summary>
    private long Evaluate(TcpConnection connection, string expression) =>
        IntegerExpression.Evaluate(expression, term => Value(connection, term), IntegerExpression.Python);

    private long Value(TcpConnection connection, string term) =>
        _pythonVariables.TryGetValue(term, out var variable) ? variable
        : TcpInfo.Field(connection, term) ?? SocketMemoryInfo.Field(connection, term) ?? TcpInfo.Constant(term)
        ?? throw new ScriptFailedException($"%{{ }}%: '{term}' is not a TCP_INFO or SO_MEMINFO field or constant the simulator knows, nor a variable");

    /// <summary>An assertion with an optional message, or an assignment; expressions are checked when evaluated.</summary>
    [GeneratedRegex(@"^(?:assert\s+(?<test>[\w\s+\-*/()&|]+?(?:(?:==|!=|<=|>=|<|>)[\w\s+\-*/()&|]+?)+)\s*(,.*)?|(?<name>[A-Za-z_]\w*)\s*(?<assign>\+=|-=|=)\s*(?<value>[\w\s+\-*/()&|]+?))$")]
    private static partial Regex Statement();

    [GeneratedRegex(@"(==|!=|<=|>=|<|>)")]
    private static partial Regex Comparison();

    /// <summary>Python's words that make an expression more than arithmetic.</summary>
    [GeneratedRegex(@"\b(?:and|or|not|in|is|if|else|lambda|for|True|False|None)\b")]
    private static partial Regex Keyword();

    [GeneratedRegex(@"^print\(.*\)$")]
    private static partial Regex PrintCall();
}
