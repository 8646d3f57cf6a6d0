using NetSim.Tcp;

namespace NetSim.SockOps.Maps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names.

/// <summary>
/// A BPF_MAP_TYPE_SOCKHASH (net/core/sock_map.c): sockets by key, filled from sock_ops with
/// bpf_sock_hash_update() in the ESTABLISHED and LISTEN callbacks. A socket leaves the map when the
/// application closes it or it reaches CLOSED (sock_map_close(), sock_map_unhash()). The simulator runs no sk_msg or sk_skb programs, so the map holds sockets for lookup
/// and counting; nothing is redirected through it.
/// </summary>
public sealed class BpfSockHash<TKey>(int maxEntries) : BpfMap
    where TKey : notnull
{
    private readonly Dictionary<TKey, TcpConnection> _entries = [];

    public override int MaxEntries { get; } = maxEntries > 0 ? maxEntries : throw new ArgumentOutOfRangeException(nameof(maxEntries), "a map holds at least one entry");

    /// <summary>The sockets still open in the map.</summary>
    public int Count
    {
        get
        {
            Prune();
            return _entries.Count;
        }
    }

    /// <summary>bpf_map_lookup_elem(): the socket, or null (also once it has closed).</summary>
    public TcpConnection? bpf_map_lookup_elem(TKey key)
    {
        Prune();
        return _entries.GetValueOrDefault(key);
    }

    /// <summary>bpf_map_delete_elem(): 0, or -ENOENT when absent.</summary>
    public int bpf_map_delete_elem(TKey key)
    {
        Prune();
        return _entries.Remove(key) ? 0 : -Linux.ENOENT;
    }

    /// <summary>sock_hash_update_common(): BPF_ANY, BPF_NOEXIST (-EEXIST) or BPF_EXIST (-ENOENT); -E2BIG when full; -EINVAL for other flags.</summary>
    internal int Update(TKey key, TcpConnection socket, ulong flags)
    {
        Prune();
        var present = _entries.ContainsKey(key);
        var result = SockMapFlags.Check(flags, present);
        if (result != 0)
        {
            return result;
        }

        if (!present && _entries.Count >= MaxEntries)
        {
            return -Linux.E2BIG;
        }

        _entries[key] = socket;
        return 0;
    }

    /// <summary>sock_map_close() and sock_map_unhash(): closed sockets are gone.</summary>
    private void Prune()
    {
        foreach (var (key, socket) in _entries)
        {
            if (socket.State == TcpState.Closed || socket.IsOrphaned)
            {
                _entries.Remove(key);
            }
        }
    }
}
