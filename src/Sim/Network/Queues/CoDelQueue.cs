using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>CoDel (RFC 8289): one FIFO whose packets are dropped at dequeue when their sojourn time stays above target.</summary>
public sealed class CoDelQueue(CoDelParameters parameters, int limit) : CoDelDiscipline(parameters)
{
    private readonly CoDelState _state = new();

    public int Limit { get; } = limit >= 1 ? limit : throw new ArgumentOutOfRangeException(nameof(limit), "a CoDel queue holds at least one packet");

    public CoDelState State => _state;

    public override void Enqueue(Packet packet, SimTime now)
    {
        if (Count >= Limit)
        {
            Drop(packet, DropReason.QueueFull);
            return;
        }

        Append(_state, packet, now);
    }

    public override Packet? Dequeue(SimTime now) => CoDelDequeue(_state, now);
}
