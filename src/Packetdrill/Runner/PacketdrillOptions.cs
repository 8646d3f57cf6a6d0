using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>How the runner sets up the endpoint under test and judges timing.</summary>
public sealed record PacketdrillOptions
{
    /// <summary>
    /// The endpoint's settings before any shell line: the Linux profile with the buffers the kernel's
    /// packetdrill selftests set (tools/testing/selftests/net/packetdrill/defaults.sh): tcp_rmem
    /// "4096 540000 15 MiB", of whose default buffer tcp_full_space() offers half and whose maximum
    /// sets window scale 8; tcp_wmem default 256 KiB, at most 4 MiB; tcp_syn_retries 5; and TCP
    /// Small Queues never holding, as tun orphans each skb it is given (tun_net_xmit()). A script's own
    /// <c>./defaults.sh</c> line applies the rest of that file.
    /// </summary>
    public TcpSettings Settings { get; init; } = TcpSettings.Linux with
    {
        ReceiveBuffer = 540_000 / 2,
        ReceiveBufferMax = 15 << 20,
        SendBuffer = 256 << 10,
        SendBufferMax = 4 << 20,
        SmallQueues = false,
        SynRetries = 5,
    };

    /// <summary>How far an outbound segment may be from its scripted time (packetdrill --tolerance_usecs, default 4 ms).</summary>
    public long ToleranceMicroseconds { get; init; } = 4000;

    /// <summary>packetdrill's -D symbols, read as their values wherever the script names them (default: the kernel selftests').</summary>
    public IReadOnlyDictionary<string, string> Definitions { get; init; } = Script.ScriptDefinitions.KernelSelftests;

    /// <summary>The seed of the simulation (the hosts' secrets, from which initial sequence numbers and timestamp offsets come).</summary>
    public ulong Seed { get; init; } = 1;
}
