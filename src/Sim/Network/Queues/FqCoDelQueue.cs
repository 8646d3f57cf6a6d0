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
    private readonly LinkedList<Flow> _newFlows = new();
    private readonly LinkedList<Flow> _oldFlows = new();
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

        Quantum = quantum;
        Limit = limit;
        _perturbation = perturbation;
    }

    public int Quantum { get; }

    public int Limit { get; }

    /// <summary>
    /// The flow queue a packet hashes to (RFC 8290 §4.1.1): its 5-tuple, perturbed by a seed from
    /// the run, mixed with SplitMix64's finalizer so that every input bit reaches the low bits.
    /// </summary>
    public int FlowOf(Packet packet)
    {
        var hash = _perturbation;
        hash = Mix(hash ^ packet.Source.Value);
        hash = Mix(hash ^ packet.Destination.Value);
        hash = Mix(hash ^ (((ulong)packet.SourcePort << 16) | packet.DestinationPort));
        hash = Mix(hash ^ 6);
        return (int)(hash % (ulong)_flows.Length);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public override void Enqueue(Packet packet, SimTime now)
    {
        var flow = _flows[FlowOf(packet)];
        Append(flow.State, packet, now);
        if (flow.Node.List is null)
        {
            _newFlows.AddLast(flow.Node);
            flow.Deficit = Quantum;
        }

        if (Count > Limit)
        {
            DropFromFattestFlow();
        }
    }

    /// <summary>RFC 8290 §4.2: deficit round robin over new flows, then old flows, CoDel on each.</summary>
    public override Packet? Dequeue(SimTime now)
    {
        while (true)
        {
            var list = _newFlows.Count > 0 ? _newFlows : _oldFlows.Count > 0 ? _oldFlows : null;
            if (list is null)
            {
                return null;
            }

            var flow = list.First!.Value;
            if (flow.Deficit <= 0)
            {
                flow.Deficit += Quantum;
                list.RemoveFirst();
                _oldFlows.AddLast(flow.Node);
                continue;
            }

            var packet = CoDelDequeue(flow.State, now);
            if (packet is null)
            {
                list.RemoveFirst();
                if (list == _newFlows && _oldFlows.Count > 0)
                {
                    _oldFlows.AddLast(flow.Node);
                }

                continue;
            }

            flow.Deficit -= packet.SizeBytes;
            return packet;
        }
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

    private sealed class Flow
    {
        public Flow() => Node = new LinkedListNode<Flow>(this);

        public CoDelState State { get; } = new();

        public LinkedListNode<Flow> Node { get; }

        public int Deficit { get; set; }
    }
}
