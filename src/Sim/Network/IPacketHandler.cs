namespace NetSim.Sim.Network;

/// <summary>A transport protocol on a host (TCP): takes ownership of packets addressed to the host.</summary>
public interface IPacketHandler
{
    void HandlePacket(Packet packet);
}
