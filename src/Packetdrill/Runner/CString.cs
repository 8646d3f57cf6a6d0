using System.Globalization;

namespace NetSim.Packetdrill.Runner;

/// <summary>A C string literal of a script's call, <c>"\xa1\xb2"</c>, as the bytes it stands for.</summary>
internal static class CString
{
    public static byte[] Decode(string literal)
    {
        var text = literal.Trim();
        if (text.Length < 2 || text[0] != '"' || text[^1] != '"')
        {
            throw new ScriptFailedException($"expected a string in double quotes, got {literal}");
        }

        var bytes = new List<byte>();
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length - 1)
            {
                bytes.Add((byte)text[i]);
                continue;
            }

            var escape = text[++i];
            if (escape == 'x')
            {
                var digits = 0;
                while (digits < 2 && i + 1 + digits < text.Length - 1 && char.IsAsciiHexDigit(text[i + 1 + digits]))
                {
                    digits++;
                }

                if (digits == 0)
                {
                    throw new ScriptFailedException($@"\x without hex digits in {literal}");
                }

                bytes.Add(byte.Parse(text.AsSpan(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += digits;
                continue;
            }

            bytes.Add(escape switch
            {
                'n' => (byte)'\n',
                't' => (byte)'\t',
                'r' => (byte)'\r',
                '0' => 0,
                _ => (byte)escape,
            });
        }

        return [.. bytes];
    }
}
