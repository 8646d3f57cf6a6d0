namespace NetSim.Sim.Network;

/// <summary>
/// Recycles packets so that forwarding allocates nothing once the pool holds the peak number of
/// packets in flight. One pool per simulation; not thread-safe, like the simulation itself.
/// </summary>
public sealed class PacketPool
{
    private readonly Stack<Packet> _free = new();
    private long _nextId;

    public Packet Rent()
    {
        var packet = _free.Count > 0 ? _free.Pop() : new Packet();
        packet.Reset();
        packet.Id = ++_nextId;
        return packet;
    }

    /// <summary>Takes back a packet at the end of its life; a sender still counting it is told it is freed.</summary>
    public void Return(Packet packet)
    {
        packet.CompleteTransmission();
        _free.Push(packet);
    }
}
