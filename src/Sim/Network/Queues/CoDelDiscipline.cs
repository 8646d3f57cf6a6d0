using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// The CoDel dequeue logic of RFC 8289 §5.3-5.4, shared by <see cref="CoDelQueue"/> and
/// <see cref="FqCoDelQueue"/>. With ECN enabled an ECN-capable packet is marked instead of dropped
/// and sent, and the drop schedule advances as if it had been dropped (Linux codel_dequeue()).
/// </summary>
public abstract class CoDelDiscipline(CoDelParameters parameters) : PacketQueue
{
    public CoDelParameters Parameters { get; } = parameters;

    protected void Append(CoDelState state, Packet packet, SimTime now)
    {
        packet.EnqueuedAt = now;
        state.Packets.Enqueue(packet);
        state.Bytes += packet.SizeBytes;
        Count++;
        Bytes += packet.SizeBytes;
    }

    protected Packet? TakeHead(CoDelState state)
    {
        if (!state.Packets.TryDequeue(out var packet))
        {
            return null;
        }

        state.Bytes -= packet.SizeBytes;
        Count--;
        Bytes -= packet.SizeBytes;
        return packet;
    }

    /// <summary>RFC 8289 dequeue(): returns the packet to send from <paramref name="state"/>'s FIFO, dropping on the control law's schedule.</summary>
    protected Packet? CoDelDequeue(CoDelState state, SimTime now)
    {
        var (packet, okToDrop) = DoDequeue(state, now);
        if (packet is null)
        {
            state.Dropping = false;
            return null;
        }

        if (state.Dropping)
        {
            if (!okToDrop)
            {
                state.Dropping = false;
            }

            while (now >= state.DropNext && state.Dropping)
            {
                state.Count++;
                if (MarkOrDrop(packet!, Parameters.Ecn, DropReason.CoDel))
                {
                    state.DropNext = Parameters.ControlLaw(state.DropNext, state.Count);
                    return packet;
                }

                (packet, okToDrop) = DoDequeue(state, now);
                if (packet is null || !okToDrop)
                {
                    state.Dropping = false;
                }
                else
                {
                    state.DropNext = Parameters.ControlLaw(state.DropNext, state.Count);
                }
            }
        }
        else if (okToDrop)
        {
            var marked = MarkOrDrop(packet, Parameters.Ecn, DropReason.CoDel);
            if (!marked)
            {
                (packet, _) = DoDequeue(state, now);
            }

            state.Dropping = true;
            var delta = state.Count - state.LastCount;
            state.Count = 1;
            if (delta > 1 && now - state.DropNext < Parameters.Interval * 16)
            {
                state.Count = delta;
            }

            state.DropNext = Parameters.ControlLaw(now, state.Count);
            state.LastCount = state.Count;
        }

        return packet;
    }

    /// <summary>RFC 8289 dodequeue(): takes the head and says whether the sojourn time has stayed above TARGET for INTERVAL.</summary>
    private (Packet? Packet, bool OkToDrop) DoDequeue(CoDelState state, SimTime now)
    {
        var packet = TakeHead(state);
        if (packet is null)
        {
            state.FirstAboveTime = SimTime.Zero;
            return (null, false);
        }

        var sojourn = now - packet.EnqueuedAt;
        if (sojourn < Parameters.Target || state.Bytes <= Parameters.MaxPacket)
        {
            state.FirstAboveTime = SimTime.Zero;
            return (packet, false);
        }

        if (state.FirstAboveTime == SimTime.Zero)
        {
            state.FirstAboveTime = now + Parameters.Interval;
            return (packet, false);
        }

        return (packet, now >= state.FirstAboveTime);
    }
}
