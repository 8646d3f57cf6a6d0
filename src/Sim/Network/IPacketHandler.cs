namespace NetSim.Sim.Network;

/// <summary>A transport protocol on a host (TCP): takes ownership of packets addressed to the host, and of ICMP errors about its own.</summary>
public interface IPacketHandler
{
    void HandlePacket(Packet packet);

    /// <summary>Takes ownership of an ICMP error addressed to the host (<see cref="Packet.Icmp"/> set): Linux icmp_socket_deliver().</summary>
    void HandleIcmp(Packet packet);
}
