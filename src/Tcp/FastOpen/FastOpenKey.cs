using System.Buffers.Binary;
using System.Globalization;
using NetSim.Sim.Network;

namespace NetSim.Tcp.FastOpen;

/// <summary>
/// A Fast Open server key: the 128-bit SipHash key of Linux's tcp_fastopen_context, from which a
/// client's cookie is made (RFC 7413 §4.1.2 leaves the algorithm to the server).
/// </summary>
public readonly record struct FastOpenKey(ulong K0, ulong K1)
{
    /// <summary>TCP_FASTOPEN_KEY_LENGTH: a key's bytes, as setsockopt(TCP_FASTOPEN_KEY) gives them.</summary>
    public const int Length = 16;

    /// <summary>TCP_FASTOPEN_COOKIE_SIZE: the cookie Linux makes.</summary>
    public const int CookieLength = 8;

    /// <summary>tcp_fastopen_reset_cipher(): the key's two halves, read little-endian from its bytes.</summary>
    public static FastOpenKey FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));

    /// <summary>
    /// One key as the sysctl net.ipv4.tcp_fastopen_key writes it, four 32-bit hex words joined by
    /// dashes (proc_tcp_fastopen_key() stores each word little-endian).
    /// </summary>
    public static bool TryParse(string text, out FastOpenKey key)
    {
        key = default;
        var words = text.Split('-');
        if (words.Length != 4)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Length];
        for (var i = 0; i < 4; i++)
        {
            if (!uint.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var word))
            {
                return false;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes[(4 * i)..], word);
        }

        key = FromBytes(bytes);
        return true;
    }

    /// <summary>
    /// __tcp_fastopen_cookie_gen_cipher() for IPv4: SipHash of the SYN's source and destination
    /// addresses as they sit in its IP header, stored little-endian.
    /// </summary>
    public byte[] Cookie(Ipv4Address source, Ipv4Address destination)
    {
        Span<byte> addresses = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(addresses, source.Value);
        BinaryPrimitives.WriteUInt32BigEndian(addresses[4..], destination.Value);
        var cookie = new byte[CookieLength];
        BinaryPrimitives.WriteUInt64LittleEndian(cookie, SipHash.Hash24(K0, K1, addresses));
        return cookie;
    }
}
