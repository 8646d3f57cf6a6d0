namespace NetSim.SockOps.Maps;

/// <summary>The update flags of the socket maps (sock_map_update_common(), sock_hash_update_common()).</summary>
internal static class SockMapFlags
{
    /// <summary>0, or -EINVAL for flags beyond BPF_EXIST, -EEXIST for BPF_NOEXIST on a taken key, -ENOENT for BPF_EXIST on a free one.</summary>
    public static int Check(ulong flags, bool present) => flags switch
    {
        > Linux.BPF_EXIST => -Linux.EINVAL,
        Linux.BPF_NOEXIST when present => -Linux.EEXIST,
        Linux.BPF_EXIST when !present => -Linux.ENOENT,
        _ => 0,
    };
}
