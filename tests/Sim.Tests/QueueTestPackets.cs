using NetSim.Sim.Network;

namespace NetSim.Sim.Tests;

/// <summary>Packets for queue tests: 1500 bytes on the wire unless told otherwise.</summary>
internal static class QueueTestPackets
{
    private static readonly PacketPool Pool = new();

    public static Packet Make(int payload = 1460, ushort sourcePort = 1000, EcnCodepoint ecn = EcnCodepoint.NotEct)
    {
        var packet = Pool.Rent();
        packet.Source = Ipv4Address.Parse("10.0.0.1");
        packet.Destination = Ipv4Address.Parse("10.0.0.2");
        packet.SourcePort = sourcePort;
        packet.DestinationPort = 80;
        packet.PayloadLength = payload;
        packet.Ecn = ecn;
        return packet;
    }
}
