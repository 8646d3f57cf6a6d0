using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// PIE (RFC 8033), Linux's sch_pie: one FIFO of at most a limit of packets that drops arrivals
/// early, with the probability its <see cref="PieController"/> recomputes every update interval;
/// with ECN an ECN-capable packet is marked instead while the probability is at most 10%.
/// </summary>
/// <remarks>
/// Linux runs the update from a timer, first half a second after the qdisc is made (pie_init())
/// and then every tupdate; here the controller runs the updates that fell due when the queue is
/// next used (<see cref="PieController.RunDueUpdates"/>): the same results, and no events for an
/// idle link.
/// </remarks>
public sealed class PieQueue : FifoQueue
{
    private readonly int _mtu;
    private readonly Random _random;

    /// <param name="mtu">The link's MTU (psched_mtu()): no early drop below two of them queued, and byte mode's unit.</param>
    /// <param name="random">The direction's seeded stream, for the drop decisions.</param>
    public PieQueue(PieParameters parameters, int mtu, Random random)
    {
        parameters.Validate();
        Controller = new PieController(parameters);
        _mtu = mtu;
        _random = random;
    }

    public PieController Controller { get; }

    public override void Enqueue(Packet packet, SimTime now)
    {
        Controller.RunDueUpdates(now, Bytes);
        var parameters = Controller.Parameters;
        if (Count >= parameters.Limit)
        {
            Controller.ForgetAccumulatedProbability();
            Drop(packet, DropReason.QueueFull);
            return;
        }

        // pie_qdisc_enqueue(): an early drop becomes a CE mark for an ECN-capable packet while the probability is at most 10%.
        if (Controller.DropEarly(Bytes, packet.SizeBytes, _mtu, _random)
            && !(parameters.Ecn && Controller.MayMark && TryMarkCe(packet, DropReason.PieEarly)))
        {
            Controller.ForgetAccumulatedProbability();
            Drop(packet, DropReason.PieEarly);
            return;
        }

        packet.EnqueuedAt = now;
        Append(packet);
    }

    public override Packet? Dequeue(SimTime now)
    {
        Controller.RunDueUpdates(now, Bytes);
        var packet = base.Dequeue(now);
        if (packet is not null)
        {
            Controller.Dequeued(now, packet.EnqueuedAt, Bytes, packet.SizeBytes);
        }

        return packet;
    }
}
