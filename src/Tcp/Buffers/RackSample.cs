using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// What the segments an ACK delivered tell RACK (Linux tcp_rack_advance(), called per segment in
/// sequence order): the most recently sent of them (RFC 8985 RACK.xmit_ts and RACK.end_seq), and
/// the RTT of the last one processed (RACK.rtt). A retransmitted segment whose RTT is below the
/// minimum is passed over: its original may be what arrived.
/// </summary>
public readonly record struct RackSample(SimTime Sent, SequenceNumber End, long RttUs, bool Advanced)
{
    public static RackSample None { get; } = new(SimTime.Never, default, 0, false);

    /// <summary>Linux tcp_rack_sent_after(): sent later, or at the same time and ending later.</summary>
    public static bool SentAfter(SimTime t1, SimTime t2, SequenceNumber end1, SequenceNumber end2) =>
        t1 > t2 || (t1 == t2 && end1 > end2);

    /// <summary>This sample advanced by one more delivered segment, at <paramref name="now"/>.</summary>
    public RackSample Advance(in SentSegment segment, SimTime now, long minRttUs)
    {
        var rttUs = (now - segment.LastSent).Microseconds;
        if (segment.EverRetransmitted && rttUs < minRttUs)
        {
            return this;
        }

        var later = !Advanced || SentAfter(segment.LastSent, Sent, segment.End, End);
        return new RackSample(later ? segment.LastSent : Sent, later ? segment.End : End, rttUs, true);
    }
}
