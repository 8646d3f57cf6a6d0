namespace NetSim.SockOps.Maps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names.

/// <summary>
/// A BPF_MAP_TYPE_HASH map (kernel/bpf/hashtab.c): at most <see cref="MaxEntries"/> keys;
/// bpf_map_update_elem() with BPF_ANY, BPF_NOEXIST (-EEXIST if present) or BPF_EXIST (-ENOENT if
/// absent), -E2BIG when full; lookup returns the value, which the program may change in place.
/// </summary>
public sealed class BpfHashMap<TKey, TValue>(int maxEntries) : BpfMap
    where TKey : notnull
    where TValue : class
{
    private readonly Dictionary<TKey, TValue> _entries = [];

    public override int MaxEntries { get; } = maxEntries > 0 ? maxEntries : throw new ArgumentOutOfRangeException(nameof(maxEntries), "a map holds at least one entry");

    public int Count => _entries.Count;

    /// <summary>bpf_map_lookup_elem(): the value, or null.</summary>
    public TValue? bpf_map_lookup_elem(TKey key) => _entries.GetValueOrDefault(key);

    /// <summary>bpf_map_update_elem(): 0 or -errno.</summary>
    public int bpf_map_update_elem(TKey key, TValue value, ulong flags)
    {
        if (flags > Linux.BPF_EXIST)
        {
            return -Linux.EINVAL;
        }

        var present = _entries.ContainsKey(key);
        if (flags == Linux.BPF_NOEXIST && present)
        {
            return -Linux.EEXIST;
        }

        if (flags == Linux.BPF_EXIST && !present)
        {
            return -Linux.ENOENT;
        }

        if (!present && _entries.Count >= MaxEntries)
        {
            return -Linux.E2BIG;
        }

        _entries[key] = value;
        return 0;
    }

    /// <summary>bpf_map_delete_elem(): 0, or -ENOENT when absent.</summary>
    public int bpf_map_delete_elem(TKey key) => _entries.Remove(key) ? 0 : -Linux.ENOENT;
}
