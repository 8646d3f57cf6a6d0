using NetSim.SockOps.Maps;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names.

/// <summary>
/// bpf_sock_map_update() (4.14) and bpf_sock_hash_update() (4.18), net/core/sock_map.c: a
/// sock_ops program adds its socket to a socket map, but only in ACTIVE_ESTABLISHED_CB,
/// PASSIVE_ESTABLISHED_CB and TCP_LISTEN_CB (sock_map_op_okay()); elsewhere -EOPNOTSUPP.
/// </summary>
public sealed partial class SockOpsContext
{
    public int bpf_sock_map_update(BpfSockMap map, uint key, ulong flags)
    {
        RequireHelper("bpf_sock_map_update", 4, 14);
        var result = SockMapOpOkay ? map.Update(key, _connection, flags) : -Linux.EOPNOTSUPP;
        _helperLog?.Add($"sock_map_update({key})={result}");
        return result;
    }

    public int bpf_sock_hash_update<TKey>(BpfSockHash<TKey> map, TKey key, ulong flags)
        where TKey : notnull
    {
        RequireHelper("bpf_sock_hash_update", 4, 18);
        var result = SockMapOpOkay ? map.Update(key, _connection, flags) : -Linux.EOPNOTSUPP;
        _helperLog?.Add($"sock_hash_update({key})={result}");
        return result;
    }

    private bool SockMapOpOkay => Op is SockOp.ActiveEstablishedCb or SockOp.PassiveEstablishedCb or SockOp.TcpListenCb;
}
