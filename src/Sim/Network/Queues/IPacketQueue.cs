namespace NetSim.Sim.Network.Queues;

/// <summary>A link's output queue: holds packets while the transmitter is busy.</summary>
public interface IPacketQueue
{
    int Count { get; }

    long Bytes { get; }

    /// <summary>Accepts the packet, or returns false when the discipline drops it on arrival.</summary>
    bool TryEnqueue(Packet packet);

    Packet? Dequeue();
}
