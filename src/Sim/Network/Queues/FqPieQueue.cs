using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// FQ-PIE as Linux's sch_fq_pie: packets are hashed by 5-tuple into flow queues, each with its own
/// PIE controller (<see cref="PieController"/>, updated every tupdate on the flow's own backlog),
/// served by deficit round robin with new flows before old ones as in FQ-CoDel. An arrival is
/// dropped when the whole queue holds its limit, or early by its flow's probability; with ECN an
/// ECN-capable one is marked instead while that probability is at most <see cref="EcnProbability"/>%.
/// </summary>
public sealed class FqPieQueue : PacketQueue
{
    private readonly Flow[] _flows;
    private readonly FlowScheduler<Flow> _scheduler;
    private readonly ulong _perturbation;
    private readonly int _mtu;
    private readonly Random _random;

    /// <param name="parameters">Each flow's PIE parameters; their limit is the whole queue's (sch_fq_pie's default 10,240).</param>
    /// <param name="mtu">The link's MTU (psched_mtu()), PIE's unit of backlog.</param>
    public FqPieQueue(PieParameters parameters, int flows, int quantum, int ecnProbability, int mtu, Random random)
    {
        parameters.Validate();
        if (flows < 1 || ecnProbability is < 0 or > 100)
        {
            throw new ArgumentException("FQ-PIE needs at least one flow queue and an ECN probability from 0 to 100%");
        }

        _flows = new Flow[flows];
        for (var i = 0; i < flows; i++)
        {
            _flows[i] = new Flow(parameters);
        }

        Parameters = parameters;
        _scheduler = new FlowScheduler<Flow>(quantum);
        EcnProbability = ecnProbability;
        _mtu = mtu;
        _random = random;
        _perturbation = (ulong)random.NextInt64();
    }

    public PieParameters Parameters { get; }

    public int Quantum => _scheduler.Quantum;

    /// <summary>ecn_prob: the highest drop probability, in percent, at which an ECN-capable packet is marked instead.</summary>
    public int EcnProbability { get; }

    /// <summary>The controller of the flow queue <paramref name="packet"/> hashes to.</summary>
    public PieController ControllerOf(Packet packet) => _flows[FlowHash.Of(packet, _perturbation, _flows.Length)].Controller;

    /// <summary>fq_pie_qdisc_enqueue().</summary>
    public override void Enqueue(Packet packet, SimTime now)
    {
        var flow = _flows[FlowHash.Of(packet, _perturbation, _flows.Length)];
        var controller = flow.Controller;
        controller.RunDueUpdates(now, flow.Backlog);
        if (Count >= Parameters.Limit)
        {
            controller.ForgetAccumulatedProbability();
            Drop(packet, DropReason.QueueFull);
            return;
        }

        // An early drop becomes a CE mark for an ECN-capable packet while the flow's probability is at most ecn_prob.
        if (controller.DropEarly(flow.Backlog, packet.SizeBytes, _mtu, _random)
            && !(Parameters.Ecn && controller.ProbabilityAtMost(EcnProbability) && TryMarkCe(packet, DropReason.PieEarly)))
        {
            controller.ForgetAccumulatedProbability();
            Drop(packet, DropReason.PieEarly);
            return;
        }

        packet.EnqueuedAt = now;
        flow.Packets.Enqueue(packet);
        Count++;
        Bytes += packet.SizeBytes;
        _scheduler.Activate(flow);
        flow.Backlog += packet.SizeBytes;
    }

    /// <summary>fq_pie_qdisc_dequeue(): deficit round robin over new flows, then old flows.</summary>
    public override Packet? Dequeue(SimTime now)
    {
        while (_scheduler.Next() is { } flow)
        {
            if (flow.Packets.Count == 0)
            {
                _scheduler.Emptied(flow);
                continue;
            }

            flow.Controller.RunDueUpdates(now, flow.Backlog);
            var packet = flow.Packets.Dequeue();
            Count--;
            Bytes -= packet.SizeBytes;
            flow.Deficit -= packet.SizeBytes;
            flow.Backlog -= packet.SizeBytes;
            flow.Controller.Dequeued(now, packet.EnqueuedAt, flow.Backlog, packet.SizeBytes);
            return packet;
        }

        return null;
    }

    private sealed class Flow(PieParameters parameters) : ScheduledFlow<Flow>
    {
        public PieController Controller { get; } = new(parameters);

        public InlineQueue<Packet> Packets = new();

        /// <summary>The flow's bytes queued (flow->backlog), which its PIE reads.</summary>
        public long Backlog { get; set; }
    }
}
