using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// FQ-CoDel (RFC 8290): packets are hashed by 5-tuple into flow queues, each with its own CoDel
/// state, served by deficit round robin with a quantum of bytes; flows that have just become
/// active go in a "new" list served before the "old" list, which favours sparse flows (§4.2-4.4).
/// On overflow, Linux fq_codel_drop() drops from the head of the fattest flow, up to half its
/// backlog and at most 64 packets.
/// </summary>
public sealed class FqCoDelQueue : CoDelDiscipline
{
    private const int MaxOverflowBatch = 64;

    private readonly Flow[] _flows;
    private readonly FlowScheduler<Flow> _scheduler;
    private readonly ulong _perturbation;

    public FqCoDelQueue(CoDelParameters parameters, int flows, int quantum, int limit, ulong perturbation)
        : base(parameters)
    {
        if (flows < 1 || quantum < 1 || limit < 1)
        {
            throw new ArgumentException("FQ-CoDel needs at least one flow queue, a positive quantum and a limit of at least one packet");
        }

        _flows = new Flow[flows];
        for (var i = 0; i < flows; i++)
        {
            _flows[i] = new Flow();
        }

        _scheduler = new FlowScheduler<Flow>(quantum);
        Limit = limit;
        _perturbation = perturbation;
    }

    public int Quantum => _scheduler.Quantum;

    public int Limit { get; }

    /// <summary>The flow queue a packet hashes to (RFC 8290 §4.1.1).</summary>
    public int FlowOf(Packet packet) => FlowHash.Of(packet, _perturbation, _flows.Length);

    public override void Enqueue(Packet packet, SimTime now)
    {
        var flow = _flows[FlowOf(packet)];
        Append(flow.State, packet, now);
        _scheduler.Activate(flow);

        if (Count > Limit)
        {
            DropFromFattestFlow();
        }
    }

    /// <summary>RFC 8290 §4.2: deficit round robin over new flows, then old flows, CoDel on each.</summary>
    public override Packet? Dequeue(SimTime now)
    {
        while (_scheduler.Next() is { } flow)
        {
            if (CoDelDequeue(flow.State, now) is { } packet)
            {
                flow.Deficit -= packet.SizeBytes;
                return packet;
            }

            _scheduler.Emptied(flow);
        }

        return null;
    }

    private void DropFromFattestFlow()
    {
        var fattest = _flows[0];
        foreach (var flow in _flows)
        {
            if (flow.State.Bytes > fattest.State.Bytes)
            {
                fattest = flow;
            }
        }

        var threshold = fattest.State.Bytes / 2;
        long dropped = 0;
        for (var i = 0; i < MaxOverflowBatch && dropped < threshold; i++)
        {
            var packet = TakeHead(fattest.State);
            if (packet is null)
            {
                break;
            }

            dropped += packet.SizeBytes;
            Drop(packet, DropReason.FqCoDelOverflow);
        }
    }

    private sealed class Flow : ScheduledFlow<Flow>
    {
        public CoDelState State { get; } = new();
    }
}
