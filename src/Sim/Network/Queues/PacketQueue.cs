using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// A link's queueing discipline (Linux: its qdisc). Every packet the link sends passes through it,
/// even when the transmitter is idle, so an AQM sees every arrival and departure. A discipline that
/// drops a packet, on arrival or on departure, hands it to <see cref="Dropped"/>; a packet it
/// marks with ECN Congestion Experienced instead of dropping is reported to <see cref="Marked"/>.
/// </summary>
public abstract class PacketQueue
{
    public int Count { get; protected set; }

    public long Bytes { get; protected set; }

    /// <summary>Takes ownership of a dropped packet (the link counts it and returns it to the pool).</summary>
    public Action<Packet, DropReason> Dropped { get; set; } = (_, _) => { };

    /// <summary>Told of each packet marked CE instead of dropped. Null costs nothing.</summary>
    public Action<Packet, DropReason>? Marked { get; set; }

    public abstract void Enqueue(Packet packet, SimTime now);

    public abstract Packet? Dequeue(SimTime now);

    protected void Drop(Packet packet, DropReason reason) => Dropped(packet, reason);

    /// <summary>RFC 3168 §5: with ECN enabled, an ECN-capable packet is marked CE rather than dropped. Returns true when the packet stays.</summary>
    protected bool MarkOrDrop(Packet packet, bool ecn, DropReason reason)
    {
        if (ecn && TryMarkCe(packet, reason))
        {
            return true;
        }

        Drop(packet, reason);
        return false;
    }

    /// <summary>INET_ECN_set_ce(): an ECN-capable packet is marked Congestion Experienced; returns false for one that is not.</summary>
    protected bool TryMarkCe(Packet packet, DropReason reason)
    {
        if (packet.Ecn is not (EcnCodepoint.Ect0 or EcnCodepoint.Ect1 or EcnCodepoint.Ce))
        {
            return false;
        }

        packet.Ecn = EcnCodepoint.Ce;
        Marked?.Invoke(packet, reason);
        return true;
    }
}
