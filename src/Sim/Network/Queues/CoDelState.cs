using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>One CoDel instance's state (RFC 8289 §5.2), and its FIFO: a CoDel queue has one, FQ-CoDel one per flow.</summary>
public sealed class CoDelState
{
    public Queue<Packet> Packets { get; } = new();

    public long Bytes { get; set; }

    public SimTime FirstAboveTime { get; set; }

    public SimTime DropNext { get; set; }

    public int Count { get; set; }

    public int LastCount { get; set; }

    public bool Dropping { get; set; }
}
