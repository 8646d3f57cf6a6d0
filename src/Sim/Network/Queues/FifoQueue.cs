using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>A discipline that serves in arrival order; subclasses decide which arrivals to admit.</summary>
public abstract class FifoQueue : PacketQueue
{
    private InlineQueue<Packet> _packets = new();

    public override Packet? Dequeue(SimTime now)
    {
        if (_packets.Count == 0)
        {
            return null;
        }

        var packet = _packets.Dequeue();
        Count--;
        Bytes -= packet.SizeBytes;
        return packet;
    }

    /// <summary>Queues an admitted packet at the tail.</summary>
    protected void Append(Packet packet)
    {
        _packets.Enqueue(packet);
        Count++;
        Bytes += packet.SizeBytes;
    }
}
