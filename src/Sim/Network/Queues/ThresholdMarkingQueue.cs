using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// Step marking at a threshold K, the queue a DCTCP data centre runs (RFC 8257 §3.1): an arrival
/// that finds more than K packets queued is marked CE when ECN-capable, and dropped otherwise, as a
/// RED queue with both thresholds at K, probability 1 and the instantaneous length does; arrivals at
/// the limit are dropped.
/// </summary>
public sealed class ThresholdMarkingQueue : FifoQueue
{
    public ThresholdMarkingQueue(int thresholdPackets, int limitPackets)
    {
        if (thresholdPackets < 0 || limitPackets < 1 || thresholdPackets >= limitPackets)
        {
            throw new ArgumentException($"the marking threshold ({thresholdPackets}) lies in [0, limit) and the limit ({limitPackets}) holds at least one packet");
        }

        ThresholdPackets = thresholdPackets;
        LimitPackets = limitPackets;
    }

    public int ThresholdPackets { get; }

    public int LimitPackets { get; }

    public override void Enqueue(Packet packet, SimTime now)
    {
        if (Count >= LimitPackets)
        {
            Drop(packet, DropReason.QueueFull);
            return;
        }

        if (Count > ThresholdPackets && !MarkOrDrop(packet, ecn: true, DropReason.Threshold))
        {
            return;
        }

        Append(packet);
    }
}
