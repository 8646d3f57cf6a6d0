using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>How the runner sets up the endpoint under test and judges timing.</summary>
public sealed record PacketdrillOptions
{
    /// <summary>
    /// The endpoint's settings: the Linux profile with a Linux socket's default buffer (tcp_rmem[1],
    /// 128 KiB, of which tcp_full_space() offers 64 KiB) and tcp_rmem[2] = 6 MiB, which sets window
    /// scale 7, as a 6.x kernel configured by packetdrill's defaults.
    /// </summary>
    public TcpSettings Settings { get; init; } = TcpSettings.Linux with { ReceiveBuffer = 65536, ReceiveBufferMax = 6 << 20 };

    /// <summary>How far an outbound segment may be from its scripted time (packetdrill --tolerance_usecs, default 4 ms).</summary>
    public long ToleranceMicroseconds { get; init; } = 4000;

    /// <summary>The seed of the simulation (initial sequence numbers, timestamp offsets).</summary>
    public ulong Seed { get; init; } = 1;
}
