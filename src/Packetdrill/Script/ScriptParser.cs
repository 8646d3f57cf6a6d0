using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Icmp;

namespace NetSim.Packetdrill.Script;

/// <summary>
/// Reads packetdrill scripts (github.com/google/packetdrill, Syntax.md): one event per line, a
/// time, then a segment to inject (<c>&lt;</c>) or expect (<c>&gt;</c>), a socket call with its
/// result, or a shell command in backticks. Comments are <c>//</c> to the end of the line and
/// <c>/* ... */</c>; option lines start with <c>--</c>.
/// </summary>
public static partial class ScriptParser
{
    public static PacketdrillScript ParseFile(string path, IReadOnlyDictionary<string, string>? definitions = null) =>
        Parse(File.ReadAllText(path), path, definitions);

    /// <summary>Parses a script, reading each name of <paramref name="definitions"/> (default <see cref="ScriptDefinitions.KernelSelftests"/>) as its value.</summary>
    public static PacketdrillScript Parse(string text, string file = "<script>", IReadOnlyDictionary<string, string>? definitions = null)
    {
        var events = new List<ScriptEvent>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = Substitute(StripComments(text), definitions ?? ScriptDefinitions.KernelSelftests).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var number = i + 1;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("--", StringComparison.Ordinal))
            {
                var equals = line.IndexOf('=');
                var name = equals < 0 ? line[2..] : line[2..equals];
                var value = equals < 0 ? "" : line[(equals + 1)..];
                if (name is "local_ip" or "remote_ip" && !Ipv4Address.TryParse(value, out _))
                {
                    throw new ScriptSyntaxException(file, number, $"--{name}={value}: not an IPv4 address (IPv6 is not modelled)");
                }

                var sixteenBits = name is "bind_port" or "mss";
                if (name is "tolerance_usecs" or "tcp_ts_tick_usecs" or "bind_port" or "mss"
                    && !(ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var whole) && whole <= (sixteenBits ? ushort.MaxValue : (ulong)long.MaxValue)))
                {
                    throw new ScriptSyntaxException(file, number, $"--{name}={value}: not a {(sixteenBits ? "16-bit number" : "whole number of microseconds")}");
                }

                if (name == "tolerance_percent" && !(double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent <= 100))
                {
                    throw new ScriptSyntaxException(file, number, $"--{name}={value}: not a percentage from 0 to 100");
                }

                options[name] = value;
                continue;
            }

            var backtick = line.IndexOf('`');
            if (backtick >= 0 && line.IndexOf('`', backtick + 1) < 0)
            {
                // A shell command may run over several lines to its closing backtick.
                var first = i;
                while (++i < lines.Length && !lines[i].Contains('`'))
                {
                }

                var command = string.Join('\n', lines[first..Math.Min(i + 1, lines.Length)]).Trim();
                events.Add(new ShellEvent(number, new ScriptTime(ScriptTimeKind.Any, 0, 0, null), command));
                continue;
            }

            var codeStart = line.IndexOf("%{", StringComparison.Ordinal);
            if (codeStart >= 0)
            {
                // A code block runs to the line that closes it with }%.
                var code = new System.Text.StringBuilder(line[(codeStart + 2)..]);
                while (!code.ToString().Contains("}%", StringComparison.Ordinal))
                {
                    if (++i >= lines.Length)
                    {
                        throw new ScriptSyntaxException(file, number, "a %{ code block is not closed with }%");
                    }

                    code.Append('\n').Append(lines[i]);
                }

                var body = code.ToString();
                var time = line[..codeStart].Trim();
                events.Add(new CodeEvent(number, time.Length == 0 ? new ScriptTime(ScriptTimeKind.Any, 0, 0, null) : ParseTime(file, number, time), line,
                    body[..body.IndexOf("}%", StringComparison.Ordinal)]));
                continue;
            }

            // A call's arguments may run over several lines, as sendmsg()'s message does.
            while (OpenBrackets(line) > 0 && i + 1 < lines.Length)
            {
                line += " " + lines[++i].Trim();
            }

            try
            {
                events.Add(ParseEvent(file, number, line));
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new ScriptSyntaxException(file, number, $"a value does not parse: {e.Message}");
            }
        }

        return new PacketdrillScript(file, events, options);
    }

    /// <summary>
    /// Blanks out comments, keeping line breaks so that line numbers stay right. Python in
    /// <c>%{ }%</c> and shell in backticks are kept whole, as packetdrill's lexer takes them
    /// (<c>//</c> there is Python's floor division, or part of a command).
    /// </summary>
    private static string StripComments(string text)
    {
        var result = new System.Text.StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var verbatimEnd = text[i] == '`' ? text.IndexOf('`', i + 1) + 1
                : text[i] == '%' && i + 1 < text.Length && text[i + 1] == '{' ? text.IndexOf("}%", i + 2, StringComparison.Ordinal) + 2
                : -1;
            if (verbatimEnd > i)
            {
                result.Append(text, i, verbatimEnd - i);
                i = verbatimEnd;
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                i += 2;
                while (i < text.Length && !(text[i] == '*' && i + 1 < text.Length && text[i + 1] == '/'))
                {
                    if (text[i] == '\n')
                    {
                        result.Append('\n');
                    }

                    i++;
                }

                i += 2;
            }
            else
            {
                result.Append(text[i] == '\r' ? ' ' : text[i]);
                i++;
            }
        }

        return result.ToString();
    }

    private static ScriptEvent ParseEvent(string file, int line, string text)
    {
        if (text.StartsWith('`'))
        {
            return new ShellEvent(line, new ScriptTime(ScriptTimeKind.Any, 0, 0, null), text);
        }

        // A blocking call's end may stand apart from its start: +.002 ... 0.004 connect(...).
        text = SpacedBlockingTime().Replace(text, "$1...$2 ", 1);

        // So may a time range's ends: +.02 ~ +1.1 > S 0:0(0).
        text = SpacedTimeRange().Replace(text, "$1~$2 ", 1);
        var space = text.IndexOfAny([' ', '\t']);
        if (space < 0)
        {
            throw new ScriptSyntaxException(file, line, $"expected a time and an event, got '{text}'");
        }

        var time = ParseTime(file, line, text[..space]);
        var rest = text[space..].Trim();
        if (rest.StartsWith('`'))
        {
            return new ShellEvent(line, time, rest);
        }

        if ((rest.StartsWith('<') || rest.StartsWith('>')) && IsIcmp(rest[1..]))
        {
            return rest[0] == '<'
                ? ParseIcmp(file, line, time, text, rest[1..].Trim())
                : throw new ScriptSyntaxException(file, line, "the endpoint sends no ICMP: only inbound ('<') icmp lines are supported");
        }

        if (rest.StartsWith('<') || rest.StartsWith('>'))
        {
            return new PacketEvent(line, time, text, rest[0] == '<', ParseSegment(file, line, rest[1..].Trim(), rest[0] == '<'));
        }

        return ParseSyscall(file, line, time, text, rest);
    }

    /// <summary>An ICMP line: <c>icmp</c> first, after an optional <c>[ecn]</c> field.</summary>
    private static bool IsIcmp(string text)
    {
        var tokens = text.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        return tokens.Length > 0 && (tokens[0] == "icmp" || (tokens.Length > 1 && tokens[0].StartsWith('[') && tokens[1] == "icmp"));
    }

    /// <summary>
    /// packetdrill's icmp_packet_spec: <c>icmp TYPE [CODE] [mtu N] [[start:end(length)]]</c>, the
    /// bracket naming the segment the error quotes.
    /// </summary>
    private static IcmpEvent ParseIcmp(string file, int line, ScriptTime time, string text, string spec)
    {
        uint quoted = 0;
        var open = spec.IndexOf('[', spec.IndexOf("icmp", StringComparison.Ordinal));
        if (open >= 0)
        {
            var close = spec.IndexOf(']', open);
            var range = close > open ? SequenceRange().Match(spec[(open + 1)..close].Trim()) : null;
            if (range is null || !range.Success)
            {
                throw new ScriptSyntaxException(file, line, $"bad quoted segment '{spec[open..]}' (expected [start:end(length)])");
            }

            quoted = uint.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture);
            spec = spec[..open];
        }

        var tokens = spec.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).SkipWhile(t => t != "icmp").Skip(1).ToList();
        if (tokens.Count == 0)
        {
            throw new ScriptSyntaxException(file, line, "an icmp line needs a type (unreachable, time_exceeded, parameter_problem, source_quench)");
        }

        var mtu = 0;
        var mtuAt = tokens.IndexOf("mtu");
        if (mtuAt >= 0)
        {
            if (mtuAt + 1 >= tokens.Count || !int.TryParse(tokens[mtuAt + 1], NumberStyles.None, CultureInfo.InvariantCulture, out mtu))
            {
                throw new ScriptSyntaxException(file, line, "'mtu' needs a number");
            }

            tokens.RemoveRange(mtuAt, 2);
        }

        var type = tokens[0] switch
        {
            "unreachable" or "dest_unreachable" => IcmpType.DestinationUnreachable,
            "time_exceeded" => IcmpType.TimeExceeded,
            "parameter_problem" => IcmpType.ParameterProblem,
            "source_quench" => IcmpType.SourceQuench,
            _ => throw new ScriptSyntaxException(file, line, $"unknown ICMP type '{tokens[0]}' (expected unreachable, time_exceeded, parameter_problem or source_quench)"),
        };
        var code = tokens.Count > 1 ? IcmpCode(file, line, type, tokens[1]) : (byte)0;
        return new IcmpEvent(line, time, text, type, code, mtu, quoted);
    }

    private static byte IcmpCode(string file, int line, IcmpType type, string name) => (type, name) switch
    {
        (IcmpType.DestinationUnreachable, "net_unreachable") => (byte)IcmpUnreachableCode.NetUnreachable,
        (IcmpType.DestinationUnreachable, "host_unreachable") => (byte)IcmpUnreachableCode.HostUnreachable,
        (IcmpType.DestinationUnreachable, "protocol_unreachable") => (byte)IcmpUnreachableCode.ProtocolUnreachable,
        (IcmpType.DestinationUnreachable, "port_unreachable") => (byte)IcmpUnreachableCode.PortUnreachable,
        (IcmpType.DestinationUnreachable, "frag_needed") => (byte)IcmpUnreachableCode.FragmentationNeeded,
        (IcmpType.DestinationUnreachable, "source_route_failed") => (byte)IcmpUnreachableCode.SourceRouteFailed,
        (IcmpType.DestinationUnreachable, "net_unknown") => (byte)IcmpUnreachableCode.NetUnknown,
        (IcmpType.DestinationUnreachable, "host_unknown") => (byte)IcmpUnreachableCode.HostUnknown,
        (IcmpType.DestinationUnreachable, "source_host_isolated") => (byte)IcmpUnreachableCode.HostIsolated,
        (IcmpType.DestinationUnreachable, "net_prohibited") => (byte)IcmpUnreachableCode.NetProhibited,
        (IcmpType.DestinationUnreachable, "host_prohibited") => (byte)IcmpUnreachableCode.HostProhibited,
        (IcmpType.DestinationUnreachable, "net_unreachable_for_tos") => (byte)IcmpUnreachableCode.NetUnreachableForTos,
        (IcmpType.DestinationUnreachable, "host_unreachable_for_tos") => (byte)IcmpUnreachableCode.HostUnreachableForTos,
        (IcmpType.DestinationUnreachable, "packet_filtered") => (byte)IcmpUnreachableCode.PacketFiltered,
        (IcmpType.DestinationUnreachable, "precedence_violation") => (byte)IcmpUnreachableCode.PrecedenceViolation,
        (IcmpType.DestinationUnreachable, "precedence_cutoff") => (byte)IcmpUnreachableCode.PrecedenceCutoff,
        (IcmpType.TimeExceeded, "ttl_exceeded") => 0,
        (IcmpType.TimeExceeded, "frag_reassembly_time_exceeded") => 1,
        _ => throw new ScriptSyntaxException(file, line, $"unknown code '{name}' for ICMP {type}"),
    };

    internal static ScriptTime ParseTime(string file, int line, string token)
    {
        if (token == "*")
        {
            return new ScriptTime(ScriptTimeKind.Any, 0, 0, null);
        }

        var ellipsis = token.IndexOf("...", StringComparison.Ordinal);
        if (ellipsis >= 0)
        {
            var start = ParseTime(file, line, token[..ellipsis]);
            var end = Seconds(file, line, token[(ellipsis + 3)..].TrimStart('+'));
            return start with { BlockingEnd = end };
        }

        var tilde = token.IndexOf('~');
        if (tilde >= 0)
        {
            var low = token[..tilde];
            var high = token[(tilde + 1)..];
            var relative = low.StartsWith('+');
            return new ScriptTime(relative ? ScriptTimeKind.RelativeRange : ScriptTimeKind.AbsoluteRange,
                Seconds(file, line, low.TrimStart('+')), Seconds(file, line, high.TrimStart('+')), null);
        }

        return token.StartsWith('+')
            ? new ScriptTime(ScriptTimeKind.Relative, Seconds(file, line, token[1..]), 0, null)
            : new ScriptTime(ScriptTimeKind.Absolute, Seconds(file, line, token), 0, null);
    }

    private static long Seconds(string file, int line, string token)
    {
        if (!decimal.TryParse(token, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ScriptSyntaxException(file, line, $"bad time '{token}'");
        }

        return (long)decimal.Round(seconds * 1_000_000m);
    }

    /// <summary><c>S. 0:0(0) ack 1 win 65535 &lt;mss 1460,sackOK,nop,nop&gt;</c></summary>
    private static SegmentSpec ParseSegment(string file, int line, string text, bool inbound)
    {
        string? optionText = null;
        var open = text.IndexOf('<');
        if (open >= 0)
        {
            var close = text.LastIndexOf('>');
            if (close < open)
            {
                throw new ScriptSyntaxException(file, line, "unterminated TCP option list ('<' without '>')");
            }

            optionText = text[(open + 1)..close];
            text = text[..open].Trim();
        }

        var tokens = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        ScriptEcn? ecn = null;
        if (tokens.Length > 0 && tokens[0].StartsWith('[') && tokens[0].EndsWith(']'))
        {
            ecn = ScriptEcnCodepoints.Parse(tokens[0][1..^1])
                ?? throw new ScriptSyntaxException(file, line, $"unknown IP ECN field '{tokens[0]}' (expected [noecn], [ect0], [ect1], [ect01] or [ce])");
            if (inbound && ecn == ScriptEcn.Ect01)
            {
                throw new ScriptSyntaxException(file, line, "an inbound segment needs one ECN codepoint, not [ect01]");
            }

            tokens = tokens[1..];
        }

        if (tokens.Length < 2)
        {
            throw new ScriptSyntaxException(file, line, $"a segment needs flags and a sequence range, got '{text}'");
        }

        var flags = ParseFlags(file, line, tokens[0]);
        var range = SequenceRange().Match(tokens[1]);
        if (!range.Success)
        {
            throw new ScriptSyntaxException(file, line, $"bad sequence range '{tokens[1]}' (expected start:end(length))");
        }

        var start = uint.Parse(range.Groups[1].Value, CultureInfo.InvariantCulture);
        var end = uint.Parse(range.Groups[2].Value, CultureInfo.InvariantCulture);
        var length = int.Parse(range.Groups[3].Value, CultureInfo.InvariantCulture);
        if (unchecked(end - start) != (uint)length)
        {
            throw new ScriptSyntaxException(file, line, $"sequence range {tokens[1]}: end - start is {unchecked(end - start)}, not {length}");
        }

        uint? ack = null;
        ushort? window = null;
        for (var i = 2; i < tokens.Length; i++)
        {
            if (i + 1 >= tokens.Length)
            {
                throw new ScriptSyntaxException(file, line, $"'{tokens[i]}' needs a value");
            }

            switch (tokens[i])
            {
                case "ack":
                    ack = uint.Parse(tokens[++i], CultureInfo.InvariantCulture);
                    break;
                case "win":
                    window = ushort.Parse(tokens[++i], CultureInfo.InvariantCulture);
                    break;
                case "urg":
                    i++;
                    break;
                default:
                    throw new ScriptSyntaxException(file, line, $"unknown segment field '{tokens[i]}' (expected ack, win, urg or <options>)");
            }
        }

        if (ack is not null)
        {
            flags |= TcpFlags.Ack;
        }

        if (inbound && window is null)
        {
            throw new ScriptSyntaxException(file, line, "an inbound segment needs 'win'");
        }

        // <...> accepts any options (packetdrill FLAG_OPTIONS_NOCHECK).
        var options = optionText is null || optionText.Trim() == "..." ? null : ParseOptions(file, line, optionText);
        return new SegmentSpec(flags, start, end, length, ack, window, options, ecn);
    }

    /// <summary>
    /// packetdrill's flag letters, A for AE (Accurate ECN); a digit 0 to 7 among them writes the
    /// three ACE bits at once (AE, CWR, ECE from high to low: <c>.6</c> and <c>P5.</c>); <c>-</c>
    /// alone is a segment with no flag at all.
    /// </summary>
    private static readonly char[] AceDigits = ['0', '1', '2', '3', '4', '5', '6', '7'];

    private static TcpFlags ParseFlags(string file, int line, string token)
    {
        var flags = TcpFlags.None;
        if (token == "-")
        {
            return flags;
        }

        var digit = token.IndexOfAny(AceDigits);
        if (digit >= 0)
        {
            var ace = token[digit] - '0';
            flags |= ((ace & 4) != 0 ? TcpFlags.Ae : 0) | ((ace & 2) != 0 ? TcpFlags.Cwr : 0) | ((ace & 1) != 0 ? TcpFlags.Ece : 0);
            token = token.Remove(digit, 1);
        }

        foreach (var c in token)
        {
            flags |= c switch
            {
                'S' => TcpFlags.Syn,
                'F' => TcpFlags.Fin,
                'R' => TcpFlags.Rst,
                'P' => TcpFlags.Psh,
                '.' => TcpFlags.Ack,
                'U' => TcpFlags.Urg,
                'E' => TcpFlags.Ece,
                'W' => TcpFlags.Cwr,
                'A' => TcpFlags.Ae,
                _ => throw new ScriptSyntaxException(file, line, $"unknown TCP flag '{c}' in '{token}' (valid: S F R P . U E W A and an ACE digit 0-7, or - for none)"),
            };
        }

        return flags;
    }

    /// <summary>Each whole word that a definition names, replaced by its value.</summary>
    private static string Substitute(string text, IReadOnlyDictionary<string, string> definitions) =>
        definitions.Count == 0
            ? text
            : Regex.Replace(text, @"\b(" + string.Join('|', definitions.Keys.Order(StringComparer.Ordinal).Select(Regex.Escape)) + @")\b", m => definitions[m.Value]);

    /// <summary><c>write(4, ..., 1000) = 1000</c> or <c>connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)</c>.</summary>
    private static SyscallEvent ParseSyscall(string file, int line, ScriptTime time, string text, string rest)
    {
        var open = rest.IndexOf('(');
        var close = MatchingParenthesis(rest, open);
        if (open <= 0 || close < 0)
        {
            throw new ScriptSyntaxException(file, line, $"expected a segment (< or >), a socket call name(args) = result, or `command`; got '{rest}'");
        }

        var name = rest[..open].Trim();
        var arguments = SplitArguments(rest[(open + 1)..close]);
        var result = rest[(close + 1)..].Trim();
        if (!result.StartsWith('='))
        {
            throw new ScriptSyntaxException(file, line, $"{name}(): expected '= result' after the call");
        }

        // A result may be written in hex, as fcntl(F_GETFL)'s flags are: = 0x2 (flags O_RDWR).
        var words = result[1..].Trim().Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        var hex = words.Length > 0 && words[0].StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (words.Length == 0 || !(hex
            ? long.TryParse(words[0].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            : long.TryParse(words[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)))
        {
            throw new ScriptSyntaxException(file, line, $"{name}(): expected a number after '='");
        }

        // = -1 EINVAL (Invalid argument), or ECONNRESET(Connection reset by peer) unspaced; a note
        // alone in parentheses names no errno to check.
        var errno = value == -1 && words.Length > 1 && !words[1].StartsWith('(') ? words[1].Split('(')[0] : null;
        return new SyscallEvent(line, time, text, name, arguments, value, errno);
    }

    /// <summary>Brackets ( [ { opened and not yet closed in <paramref name="text"/>.</summary>
    private static int OpenBrackets(string text)
    {
        var depth = 0;
        foreach (var c in text)
        {
            depth += c switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
        }

        return depth;
    }

    private static int MatchingParenthesis(string text, int open)
    {
        if (open < 0)
        {
            return -1;
        }

        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<string> SplitArguments(string text)
    {
        var arguments = new List<string>();
        var depth = 0;
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            // Commas and brackets inside a string literal belong to it.
            if (text[i] == '"' && (i == 0 || text[i - 1] != '\\'))
            {
                quoted = !quoted;
            }

            if (quoted)
            {
                continue;
            }

            depth += text[i] switch { '(' or '[' or '{' => 1, ')' or ']' or '}' => -1, _ => 0 };
            if (text[i] == ',' && depth == 0)
            {
                arguments.Add(text[start..i].Trim());
                start = i + 1;
            }
        }

        if (text.Trim().Length > 0)
        {
            arguments.Add(text[start..].Trim());
        }

        return arguments;
    }

    [GeneratedRegex(@"^([^\s.]\S*?)\s+\.\.\.\s*([0-9.+]+)\s")]
    private static partial Regex SpacedBlockingTime();

    [GeneratedRegex(@"^(\+?[\d.]+)\s*~\s*(\+?[\d.]+)\s")]
    private static partial Regex SpacedTimeRange();

    [GeneratedRegex(@"^(\d+):(\d+)\((\d+)\)$")]
    private static partial Regex SequenceRange();
}
