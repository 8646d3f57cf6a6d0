using System.Globalization;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The <c>nstat</c> pipelines of the packetdrill suites (<c>nstat -n</c>, <c>nstat &gt; /dev/null</c>,
/// <c>nstat [-s] | grep NAME [| grep -q " N "]</c>) against the namespace's TCP counters: nstat
/// prints the counters that moved since its history was last updated, as <c>NAME VALUE RATE</c>
/// lines, and updates the history unless told <c>-s</c>; the greps keep the lines that contain
/// their pattern, and the pipeline succeeds when the last one kept any. A pipeline whose grep
/// names no counter the model keeps cannot be checked (<see cref="Outcome.Unknown"/>).
/// </summary>
internal sealed class Nstat(TcpStack stack)
{
    public enum Outcome
    {
        Succeeded,
        Failed,
        Unknown,
    }

    /// <summary>The counters the model keeps, under Linux's names and in /proc/net/netstat's order.</summary>
    private IEnumerable<(string Name, long Value)> Counters()
    {
        yield return ("TcpExtSyncookiesSent", stack.SynCookiesSent);
        yield return ("TcpExtSyncookiesRecv", stack.SynCookiesReceived);
        yield return ("TcpExtSyncookiesFailed", stack.SynCookiesFailed);
        yield return ("TcpExtOutOfWindowIcmps", stack.OutOfWindowIcmps);
        yield return ("TcpExtBeyondWindow", stack.BeyondWindowDrops);
        yield return ("TcpExtListenOverflows", stack.ListenOverflows);
        yield return ("TcpExtTCPRcvQDrop", stack.ReceiveQueueDrops);
        yield return ("TcpExtTCPZeroWindowDrop", stack.ZeroWindowDrops);
    }

    private readonly Dictionary<string, long> _history = [];

    /// <summary>Runs one pipeline; <paramref name="printed"/> is what nstat itself printed, before any grep.</summary>
    public Outcome Run(string pipeline, out string printed)
    {
        printed = string.Empty;
        var commands = pipeline.Replace("> /dev/null", string.Empty, StringComparison.Ordinal)
            .Split('|', StringSplitOptions.TrimEntries);
        var words = commands[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words[0] != "nstat" || commands.Skip(1).Any(c => !c.StartsWith("grep ", StringComparison.Ordinal)))
        {
            return Outcome.Unknown;
        }

        var quiet = words.Contains("-n");
        var keepHistory = words.Contains("-s");
        var lines = new List<string>();
        foreach (var (name, value) in Counters())
        {
            var delta = value - _history.GetValueOrDefault(name);
            if (delta != 0)
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name,-32}{delta,-16}{0.0,6:F1}"));
            }

            if (!keepHistory)
            {
                _history[name] = value;
            }
        }

        printed = string.Join('\n', lines);
        if (quiet)
        {
            return commands.Length == 1 ? Outcome.Succeeded : Outcome.Failed;
        }

        foreach (var grep in commands.Skip(1))
        {
            // A name no counter of the model's holds may be one of Linux's the model does not keep.
            var pattern = Pattern(grep);
            if (!long.TryParse(pattern, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out _)
                && Counters().All(c => !c.Name.Contains(pattern, StringComparison.Ordinal)))
            {
                return Outcome.Unknown;
            }

            lines = lines.Where(l => l.Contains(pattern, StringComparison.Ordinal)).ToList();
        }

        return commands.Length == 1 || lines.Count > 0 ? Outcome.Succeeded : Outcome.Failed;
    }

    /// <summary>The pattern of <c>grep [-q] PATTERN</c>, its double quotes taken off.</summary>
    private static string Pattern(string grep)
    {
        var rest = grep["grep ".Length..].Trim();
        if (rest.StartsWith("-q ", StringComparison.Ordinal))
        {
            rest = rest[3..].TrimStart();
        }

        return rest.Length >= 2 && rest[0] == '"' && rest[^1] == '"' ? rest[1..^1] : rest;
    }
}
