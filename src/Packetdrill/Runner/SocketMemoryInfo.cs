using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// The SO_MEMINFO fields packetdrill gives a script's <c>%{ }%</c> blocks as SK_MEMINFO_* (sk_get_meminfo()):
/// the buffer sizes, which the model keeps as Linux does. The memory charged (rmem_alloc, wmem_queued,
/// forward_alloc) is skb truesize, which the model does not count, so those are not offered.
/// </summary>
internal static class SocketMemoryInfo
{
    public static long? Field(TcpConnection c, string name) => name switch
    {
        "SK_MEMINFO_RCVBUF" => c.ReceiveBufferSize,
        "SK_MEMINFO_SNDBUF" => c.SendBufferSize,
        _ => null,
    };
}
