namespace NetSim.Sim.Network.Loss;

/// <summary>
/// Exact, scripted losses for reproducible experiments and tests: drops the listed packet ordinals
/// (1-based, counted on the channel it is attached to), the listed TCP segments of a flow, and
/// every packet while <see cref="Outage"/> is set.
/// </summary>
public sealed class ScheduledLoss : ILossModel
{
    private readonly HashSet<long> _ordinals;
    private readonly List<(SegmentMatch Match, uint? Isn, int Dropped)> _segments;

    public ScheduledLoss(params long[] ordinals)
        : this(ordinals, [])
    {
    }

    public ScheduledLoss(IEnumerable<long> ordinals, IEnumerable<SegmentMatch> segments)
    {
        _ordinals = [.. ordinals];
        _segments = [.. segments.Select(s => (s, (uint?)null, 0))];
    }

    /// <summary>Packets seen so far.</summary>
    public long Count { get; private set; }

    /// <summary>While set, the link loses everything (a blackhole or outage).</summary>
    public bool Outage { get; set; }

    public bool ShouldDrop(Packet packet)
    {
        Count++;
        return _ordinals.Contains(Count) || Outage || MatchesSegment(packet);
    }

    private bool MatchesSegment(Packet packet)
    {
        for (var i = 0; i < _segments.Count; i++)
        {
            var (match, isn, dropped) = _segments[i];
            if (packet.Source != match.Source || packet.Destination != match.Destination || packet.DestinationPort != match.DestinationPort)
            {
                continue;
            }

            if ((packet.Flags & TcpFlags.Syn) != 0)
            {
                _segments[i] = (match, packet.SequenceNumber, dropped);
                continue;
            }

            if (isn is { } initial && dropped < match.Times && packet.PayloadLength > 0
                && unchecked(packet.SequenceNumber - initial) == match.RelativeSequence)
            {
                _segments[i] = (match, isn, dropped + 1);
                return true;
            }
        }

        return false;
    }
}
