namespace NetSim.Sim.Network;

/// <summary>
/// Hears when a packet its sender charged to itself is freed: its first device has put it on the
/// wire, or it was dropped before (Linux's skb destructor, tcp_wfree(), which TCP Small Queues
/// count the bytes below a socket by). Set on a packet by its sender; cleared as it is told.
/// </summary>
public interface ITransmitCompletion
{
    void OnTransmitCompleted(Packet packet);
}
