namespace NetSim.Sim.Network.Queues;

/// <summary>First-in first-out with a limit in packets; an arriving packet that finds it full is dropped.</summary>
public sealed class DropTailQueue : IPacketQueue
{
    private readonly Queue<Packet> _packets = new();

    public DropTailQueue(int capacityPackets)
    {
        if (capacityPackets < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPackets), "a drop-tail queue holds at least one packet");
        }

        CapacityPackets = capacityPackets;
    }

    public int CapacityPackets { get; }

    public int Count => _packets.Count;

    public long Bytes { get; private set; }

    public bool TryEnqueue(Packet packet)
    {
        if (_packets.Count >= CapacityPackets)
        {
            return false;
        }

        _packets.Enqueue(packet);
        Bytes += packet.SizeBytes;
        return true;
    }

    public Packet? Dequeue()
    {
        if (!_packets.TryDequeue(out var packet))
        {
            return null;
        }

        Bytes -= packet.SizeBytes;
        return packet;
    }
}
