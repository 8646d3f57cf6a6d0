namespace NetSim.Tcp.FastOpen;

/// <summary>
/// The keys a Fast Open server checks cookies against (tcp_fastopen_context): the primary, which
/// makes new cookies, and an optional backup still accepted during a key rotation.
/// </summary>
public sealed record FastOpenKeys(FastOpenKey Primary, FastOpenKey? Backup = null)
{
    /// <summary>net.ipv4.tcp_fastopen_key: one key, or a primary and a backup separated by a comma.</summary>
    public static bool TryParse(string text, out FastOpenKeys? keys)
    {
        keys = null;
        var parts = text.Split(',');
        if (parts.Length > 2 || !FastOpenKey.TryParse(parts[0], out var primary))
        {
            return false;
        }

        FastOpenKey? backup = null;
        if (parts.Length == 2)
        {
            if (!FastOpenKey.TryParse(parts[1], out var second))
            {
                return false;
            }

            backup = second;
        }

        keys = new FastOpenKeys(primary, backup);
        return true;
    }

    /// <summary>setsockopt(TCP_FASTOPEN_KEY): 16 bytes for a primary key, 32 for a primary and a backup; null for any other length (EINVAL).</summary>
    public static FastOpenKeys? FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        FastOpenKey.Length => new FastOpenKeys(FastOpenKey.FromBytes(bytes)),
        2 * FastOpenKey.Length => new FastOpenKeys(FastOpenKey.FromBytes(bytes), FastOpenKey.FromBytes(bytes[FastOpenKey.Length..])),
        _ => null,
    };
}
