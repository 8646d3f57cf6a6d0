using NetSim.SockOps.Maps;

namespace NetSim.SockOps.Tests;

/// <summary>BPF hash and array maps with the kernel's return codes (kernel/bpf/hashtab.c, arraymap.c).</summary>
public class BpfMapTests
{
    private sealed class Counter
    {
        public long Value;
    }

    [Fact]
    public void AHashMapHonoursTheUpdateFlagsAndItsSize()
    {
        var map = new BpfHashMap<uint, Counter>(2);

        Assert.Equal(0, map.bpf_map_update_elem(1, new Counter(), Linux.BPF_NOEXIST));
        Assert.Equal(-Linux.EEXIST, map.bpf_map_update_elem(1, new Counter(), Linux.BPF_NOEXIST));
        Assert.Equal(-Linux.ENOENT, map.bpf_map_update_elem(2, new Counter(), Linux.BPF_EXIST));
        Assert.Equal(0, map.bpf_map_update_elem(2, new Counter(), Linux.BPF_ANY));
        Assert.Equal(-Linux.E2BIG, map.bpf_map_update_elem(3, new Counter(), Linux.BPF_ANY));
        Assert.Equal(-Linux.EINVAL, map.bpf_map_update_elem(1, new Counter(), 3));
        map.bpf_map_lookup_elem(1)!.Value += 5;
        Assert.Equal(5, map.bpf_map_lookup_elem(1)!.Value);
        Assert.Equal(0, map.bpf_map_delete_elem(1));
        Assert.Equal(-Linux.ENOENT, map.bpf_map_delete_elem(1));
        Assert.Null(map.bpf_map_lookup_elem(1));
    }

    [Fact]
    public void AnArrayMapHasEveryIndexAndNoneCanBeDeleted()
    {
        var map = new BpfArrayMap<Counter>(4);

        Assert.NotNull(map.bpf_map_lookup_elem(3));
        Assert.Null(map.bpf_map_lookup_elem(4));
        Assert.Equal(-Linux.EEXIST, map.bpf_map_update_elem(0, new Counter(), Linux.BPF_NOEXIST));
        Assert.Equal(0, map.bpf_map_update_elem(0, new Counter { Value = 7 }, Linux.BPF_EXIST));
        Assert.Equal(-Linux.E2BIG, map.bpf_map_update_elem(4, new Counter(), Linux.BPF_ANY));
        Assert.Equal(-Linux.EINVAL, map.bpf_map_delete_elem(0));
        Assert.Equal(7, map.bpf_map_lookup_elem(0)!.Value);
    }

    [Fact]
    public void MapsAreSharedByNameAndAMismatchIsAProgramError()
    {
        var maps = new BpfMaps();

        Assert.Same(maps.Array<Counter>("stats", 4), maps.Array<Counter>("stats", 4));
        Assert.Throws<SockOpsProgramException>(() => maps.Array<Counter>("stats", 8));
        Assert.Throws<SockOpsProgramException>(() => maps.Hash<uint, Counter>("stats", 4));
    }
}
