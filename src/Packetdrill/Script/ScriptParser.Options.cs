using System.Globalization;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Script;

/// <summary>
/// The TCP options of a scripted segment, between angle brackets: mss, sackOK, wscale, TS
/// val/ecr, sack blocks, nop, eol, Fast Open (FO, and FOEXP in the experimental option), the
/// Accurate ECN option (ECN with its fields) and an MD5 signature (md5 with its digest).
/// </summary>
public static partial class ScriptParser
{
    private static List<TcpOption> ParseOptions(string file, int line, string text)
    {
        var options = new List<TcpOption>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var words = part.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            options.Add(words[0] switch
            {
                "nop" => TcpOption.Nop,
                "eol" => new TcpOption(TcpOptionKind.End),
                "sackOK" => new TcpOption(TcpOptionKind.SackPermitted),
                "mss" when words.Length == 2 => new TcpOption(TcpOptionKind.Mss, Number(file, line, words[1])),
                "wscale" when words.Length == 2 => new TcpOption(TcpOptionKind.WindowScale, Number(file, line, words[1])),
                "TS" when words.Length == 5 && words[1] == "val" && words[3] == "ecr" =>
                    new TcpOption(TcpOptionKind.Timestamps, Number(file, line, words[2]), Number(file, line, words[4])),
                "sack" => new TcpOption(TcpOptionKind.Sack, Blocks: [.. words.Skip(1).Select(w => SackBlockOf(file, line, w))]),
                "FO" when words.Length <= 2 => new TcpOption(TcpOptionKind.FastOpen, FastOpen: FastOpenOf(file, line, words, experimental: false)),
                "FOEXP" when words.Length <= 2 => new TcpOption(TcpOptionKind.Experimental, FastOpen: FastOpenOf(file, line, words, experimental: true)),
                "ECN" => AccEcnOf(file, line, words),
                "md5" when words.Length == 2 && words[1].Length == 32 && words[1].All(char.IsAsciiHexDigit) =>
                    new TcpOption(TcpOptionKind.Md5Signature, Digest: Convert.FromHexString(words[1])),
                _ => throw new ScriptSyntaxException(file, line, $"unsupported TCP option '{part}' (supported: mss, sackOK, TS val ecr, nop, eol, wscale, sack, FO, FOEXP, ECN, md5 with 32 hex digits)"),
            });
        }

        return options;
    }

    /// <summary>
    /// <c>ECN e1b 1 ceb 0 e0b 1</c>: the Accurate ECN option with its fields in wire order, the
    /// first naming the kind (e0b first: 172, e1b first: 174); <c>ECN</c> alone is kind 174 with
    /// no field, the kind Linux sends.
    /// </summary>
    private static TcpOption AccEcnOf(string file, int line, string[] words)
    {
        var kind = words.Length > 1 && words[1] == "e0b" ? TcpOptionKind.AccEcnOrder0 : TcpOptionKind.AccEcnOrder1;
        var fields = new List<uint>();
        for (var i = 1; i < words.Length; i += 2)
        {
            var index = fields.Count;
            if (index >= 3 || words[i] != TcpOption.AccEcnFieldName(kind, index) || i + 1 >= words.Length)
            {
                var names = string.Join(", ", Enumerable.Range(0, 3).Select(n => TcpOption.AccEcnFieldName(kind, n)));
                throw new ScriptSyntaxException(file, line, $"ECN option: expected at most {names}, in that order, each with a value, got '{string.Join(' ', words)}'");
            }

            fields.Add(Number(file, line, words[i + 1]) & 0xFFFFFF);
        }

        return new TcpOption(kind, Fields: fields);
    }

    /// <summary><c>FO</c> (a cookie request) or <c>FO 3021b9d889017eeb</c>: the cookie in hex, an even count of digits.</summary>
    private static FastOpenOption FastOpenOf(string file, int line, string[] words, bool experimental)
    {
        var hex = words.Length == 2 ? words[1] : string.Empty;
        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ScriptSyntaxException(file, line, $"{words[0]}: expected a cookie in hex digits, got '{hex}' (a name such as TFO_COOKIE needs its definition)");
        }

        return new FastOpenOption(Convert.FromHexString(hex), experimental);
    }

    private static SackBlock SackBlockOf(string file, int line, string word)
    {
        var colon = word.IndexOf(':');
        return colon < 0
            ? throw new ScriptSyntaxException(file, line, $"bad SACK block '{word}' (expected start:end)")
            : new SackBlock(Number(file, line, word[..colon]), Number(file, line, word[(colon + 1)..]));
    }

    private static uint Number(string file, int line, string word) =>
        uint.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ScriptSyntaxException(file, line, $"expected a number, got '{word}'");
}
