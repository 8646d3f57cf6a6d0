using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>
/// Random Early Detection as Floyd and Jacobson specify it (IEEE/ACM ToN 1993, figure 2), with the
/// gentle variant and the ECN option of RFC 3168: on each arrival the average queue is updated
/// (decayed over an idle period as if m typical packets had left), then the packet is kept, or
/// dropped or marked with probability pa = pb / (1 - count * pb), so that drops are spread evenly.
/// </summary>
public sealed class RedQueue : PacketQueue
{
    private readonly Queue<Packet> _packets = new();
    private readonly System.Random _random;
    private readonly SimTime _typicalTransmission;
    private SimTime _idleSince = SimTime.Zero;
    private bool _idle = true;

    /// <param name="typicalTransmission">Time to send a typical packet on the link ("s" in the paper), for the idle decay.</param>
    public RedQueue(RedParameters parameters, SimTime typicalTransmission, System.Random random)
    {
        parameters.Validate();
        Parameters = parameters;
        _typicalTransmission = typicalTransmission;
        _random = random;
    }

    public RedParameters Parameters { get; }

    /// <summary>The average queue size in packets ("avg").</summary>
    public double Average { get; private set; }

    /// <summary>Packets since the last drop or mark while avg was between the thresholds ("count"; -1 below min_th).</summary>
    public int SinceLastDrop { get; private set; } = -1;

    /// <summary>pb, the base probability, as a function of the average queue (the "RED curve").</summary>
    public static double BaseProbability(RedParameters p, double average)
    {
        if (average < p.MinThreshold)
        {
            return 0;
        }

        if (average < p.MaxThreshold)
        {
            return p.MaxP * (average - p.MinThreshold) / (p.MaxThreshold - p.MinThreshold);
        }

        if (p.Gentle && average < 2 * p.MaxThreshold)
        {
            return p.MaxP + ((1 - p.MaxP) * (average - p.MaxThreshold) / p.MaxThreshold);
        }

        return 1;
    }

    public override void Enqueue(Packet packet, SimTime now)
    {
        UpdateAverage(now);
        var p = Parameters;
        var forced = Average >= (p.Gentle ? 2 * p.MaxThreshold : p.MaxThreshold);
        if (Average < p.MinThreshold)
        {
            SinceLastDrop = -1;
        }
        else if (forced)
        {
            SinceLastDrop = 0;
            if (!MarkOrDrop(packet, p.Ecn, DropReason.RedForced))
            {
                return;
            }
        }
        else
        {
            SinceLastDrop++;
            var pb = BaseProbability(p, Average);
            var denominator = 1 - (SinceLastDrop * pb);
            var pa = denominator <= 0 ? 1 : pb / denominator;
            if (_random.NextDouble() < pa)
            {
                SinceLastDrop = 0;
                if (!MarkOrDrop(packet, p.Ecn, DropReason.RedEarly))
                {
                    return;
                }
            }
        }

        if (Count >= p.Limit)
        {
            Drop(packet, DropReason.QueueFull);
            return;
        }

        _packets.Enqueue(packet);
        Count++;
        Bytes += packet.SizeBytes;
        _idle = false;
    }

    public override Packet? Dequeue(SimTime now)
    {
        if (!_packets.TryDequeue(out var packet))
        {
            return null;
        }

        Count--;
        Bytes -= packet.SizeBytes;
        if (Count == 0)
        {
            _idle = true;
            _idleSince = now;
        }

        return packet;
    }

    /// <summary>avg = (1 - w) avg + w q; after an idle period, avg = (1 - w)^m avg with m = idle time / s.</summary>
    private void UpdateAverage(SimTime now)
    {
        var w = Parameters.Weight;
        if (_idle && Count == 0)
        {
            var m = (double)(now - _idleSince).Nanoseconds / _typicalTransmission.Nanoseconds;
            Average *= Math.Pow(1 - w, m);
        }
        else
        {
            Average = ((1 - w) * Average) + (w * Count);
        }
    }
}
