namespace NetSim.SockOps.Maps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names.

/// <summary>
/// A BPF_MAP_TYPE_ARRAY map (kernel/bpf/arraymap.c): <see cref="MaxEntries"/> preallocated
/// values indexed from 0; every index exists, so BPF_NOEXIST fails with -EEXIST and deletion
/// with -EINVAL; an index out of range is -E2BIG on update and null on lookup.
/// </summary>
public sealed class BpfArrayMap<TValue> : BpfMap
    where TValue : class, new()
{
    private readonly TValue[] _values;

    public BpfArrayMap(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _values = [.. Enumerable.Range(0, maxEntries).Select(_ => new TValue())];
    }

    public override int MaxEntries => _values.Length;

    /// <summary>bpf_map_lookup_elem(): the value at the index, or null past the end.</summary>
    public TValue? bpf_map_lookup_elem(uint index) => index < _values.Length ? _values[index] : null;

    /// <summary>bpf_map_update_elem(): 0 or -errno.</summary>
    public int bpf_map_update_elem(uint index, TValue value, ulong flags)
    {
        if (flags > Linux.BPF_EXIST)
        {
            return -Linux.EINVAL;
        }

        if (index >= _values.Length)
        {
            return -Linux.E2BIG;
        }

        if (flags == Linux.BPF_NOEXIST)
        {
            return -Linux.EEXIST;
        }

        _values[index] = value;
        return 0;
    }

    /// <summary>bpf_map_delete_elem(): array elements cannot be deleted.</summary>
    public int bpf_map_delete_elem(uint index) => -Linux.EINVAL;
}
