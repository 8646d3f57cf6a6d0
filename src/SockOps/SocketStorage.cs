using NetSim.Tcp;

namespace NetSim.SockOps;

/// <summary>
/// Per-socket storage, like a BPF_MAP_TYPE_SK_STORAGE map: each socket has its own value,
/// created on first use with BPF_SK_STORAGE_GET_F_CREATE and gone with the socket.
/// </summary>
public sealed class SocketStorage<T>
    where T : class, new()
{
    /// <summary>bpf_sk_storage_get(&amp;map, sk, 0, create ? BPF_SK_STORAGE_GET_F_CREATE : 0).</summary>
    public T? Get(SockOpsContext skops, bool create) => Get(skops.Connection, create);

    public T? Get(TcpConnection connection, bool create)
    {
        if (connection.SocketStorage.TryGetValue(this, out var value))
        {
            return (T)value;
        }

        if (!create)
        {
            return null;
        }

        var created = new T();
        connection.SocketStorage.Add(this, created);
        return created;
    }

    /// <summary>bpf_sk_storage_delete(&amp;map, sk): 0, or -ENOENT when the socket has no value.</summary>
    public int Delete(SockOpsContext skops) => skops.Connection.SocketStorage.Remove(this) ? 0 : -Linux.ENOENT;
}
