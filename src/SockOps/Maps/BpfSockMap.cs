using NetSim.Tcp;

namespace NetSim.SockOps.Maps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names.

/// <summary>
/// A BPF_MAP_TYPE_SOCKMAP (net/core/sock_map.c): sockets in slots 0 to max_entries - 1, filled from
/// sock_ops with bpf_sock_map_update() in the ESTABLISHED and LISTEN callbacks. A socket leaves its
/// slot when the application closes it or it reaches CLOSED. As with <see cref="BpfSockHash{TKey}"/>, nothing is redirected through it.
/// </summary>
public sealed class BpfSockMap(int maxEntries) : BpfMap
{
    private readonly TcpConnection?[] _slots = new TcpConnection?[maxEntries > 0 ? maxEntries : throw new ArgumentOutOfRangeException(nameof(maxEntries), "a map holds at least one entry")];

    public override int MaxEntries => _slots.Length;

    /// <summary>bpf_map_lookup_elem(): the socket in the slot, or null (also once it has closed).</summary>
    public TcpConnection? bpf_map_lookup_elem(uint key) => key < _slots.Length && _slots[key] is { State: not TcpState.Closed, IsOrphaned: false } socket ? socket : null;

    /// <summary>bpf_map_delete_elem(): 0; -ENOENT for an empty slot; -EINVAL beyond the map.</summary>
    public int bpf_map_delete_elem(uint key)
    {
        if (key >= _slots.Length)
        {
            return -Linux.EINVAL;
        }

        var present = bpf_map_lookup_elem(key) is not null;
        _slots[key] = null;
        return present ? 0 : -Linux.ENOENT;
    }

    /// <summary>sock_map_update_common(): -E2BIG beyond the map, then the flags as <see cref="SockMapFlags.Check"/>.</summary>
    internal int Update(uint key, TcpConnection socket, ulong flags)
    {
        if (key >= _slots.Length)
        {
            return -Linux.E2BIG;
        }

        var result = SockMapFlags.Check(flags, bpf_map_lookup_elem(key) is not null);
        if (result == 0)
        {
            _slots[key] = socket;
        }

        return result;
    }
}
