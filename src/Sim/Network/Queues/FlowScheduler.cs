namespace NetSim.Sim.Network.Queues;

/// <summary>A flow queue of a fair-queueing discipline, as its <see cref="FlowScheduler{TFlow}"/> sees it.</summary>
public abstract class ScheduledFlow<TSelf>
    where TSelf : ScheduledFlow<TSelf>
{
    protected ScheduledFlow() => Node = new LinkedListNode<TSelf>((TSelf)this);

    /// <summary>The flow's place in the new or the old list (flowchain), or in none while idle.</summary>
    public LinkedListNode<TSelf> Node { get; }

    /// <summary>The bytes the flow may still send this round.</summary>
    public int Deficit { get; set; }
}

/// <summary>
/// Deficit round robin over flow queues as FQ-CoDel (RFC 8290 §4.2-4.4, Linux fq_codel_dequeue())
/// and FQ-PIE (fq_pie_qdisc_dequeue()) run it: a flow that becomes active joins the new list with
/// a quantum of credit; new flows are served before old ones; a flow out of credit gets another
/// quantum at the tail of the old list; an emptied new flow passes through the old list once,
/// so that none starves, before it leaves.
/// </summary>
public sealed class FlowScheduler<TFlow>(int quantum)
    where TFlow : ScheduledFlow<TFlow>
{
    private readonly LinkedList<TFlow> _newFlows = new();
    private readonly LinkedList<TFlow> _oldFlows = new();

    public int Quantum { get; } = quantum >= 1 ? quantum : throw new ArgumentOutOfRangeException(nameof(quantum), "the quantum is at least a byte");

    /// <summary>A packet arrived for <paramref name="flow"/>: an idle flow joins the new list.</summary>
    public void Activate(TFlow flow)
    {
        if (flow.Node.List is null)
        {
            _newFlows.AddLast(flow.Node);
            flow.Deficit = Quantum;
        }
    }

    /// <summary>The flow to serve next, or null when none is active; the caller takes a packet from it, or reports it <see cref="Emptied"/>.</summary>
    public TFlow? Next()
    {
        while (true)
        {
            var list = _newFlows.Count > 0 ? _newFlows : _oldFlows.Count > 0 ? _oldFlows : null;
            if (list is null)
            {
                return null;
            }

            var flow = list.First!.Value;
            if (flow.Deficit > 0)
            {
                return flow;
            }

            flow.Deficit += Quantum;
            list.RemoveFirst();
            _oldFlows.AddLast(flow.Node);
        }
    }

    /// <summary>The flow <see cref="Next"/> named had nothing to send.</summary>
    public void Emptied(TFlow flow)
    {
        var list = flow.Node.List!;
        list.Remove(flow.Node);
        if (list == _newFlows && _oldFlows.Count > 0)
        {
            _oldFlows.AddLast(flow.Node);
        }
    }
}
