using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>First-in first-out with a limit in packets or in bytes; an arrival that would exceed it is dropped.</summary>
public sealed class DropTailQueue : FifoQueue
{
    public DropTailQueue(int? capacityPackets, long? capacityBytes = null)
    {
        if (capacityPackets is < 1 || capacityBytes is < 1 || (capacityPackets is null && capacityBytes is null))
        {
            throw new ArgumentException("a drop-tail queue holds at least one packet or byte, in packets or in bytes");
        }

        CapacityPackets = capacityPackets;
        CapacityBytes = capacityBytes;
    }

    public int? CapacityPackets { get; }

    public long? CapacityBytes { get; }

    public override void Enqueue(Packet packet, SimTime now)
    {
        if (Count >= CapacityPackets || Bytes + packet.SizeBytes > CapacityBytes)
        {
            Drop(packet, DropReason.QueueFull);
            return;
        }

        Append(packet);
    }
}
