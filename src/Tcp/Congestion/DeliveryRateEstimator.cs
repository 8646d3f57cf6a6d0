using NetSim.Sim.Kernel;
using NetSim.Tcp.Buffers;

namespace NetSim.Tcp.Congestion;

/// <summary>
/// The delivery-rate estimator of Linux net/ipv4/tcp_rate.c (draft-cheng-iccrg-delivery-rate-estimation):
/// each segment remembers, when sent, how much had been delivered and when; the ACK that
/// delivers it turns the difference into a rate over the longer of its send and ACK phases.
/// Samples taken while the application left the connection idle are marked app-limited.
/// </summary>
public sealed class DeliveryRateEstimator
{
    /// <summary>tp->app_limited: 0, or the delivered count that ends the app-limited bubble. Starts "everything so far" (~0U).</summary>
    private long _appLimited = -1;

    /// <summary>The sample the current ACK builds.</summary>
    public RateSample Sample { get; } = new();

    /// <summary>The send time of the most recently delivered segment (tp->first_tx_mstamp).</summary>
    public SimTime FirstSent { get; private set; } = SimTime.Never;

    /// <summary>When something was last delivered (tp->delivered_mstamp).</summary>
    public SimTime DeliveredTime { get; private set; } = SimTime.Never;

    /// <summary>The last sample that was not app-limited, or the fastest app-limited one: its segments and interval (tp->rate_delivered, tp->rate_interval_us).</summary>
    public long RateDelivered { get; private set; }

    public long RateIntervalUs { get; private set; }

    public bool RateAppLimited { get; private set; }

    public bool AppLimited => _appLimited != 0;

    /// <summary>
    /// tcp_rate_skb_sent(): with nothing in flight the send phase starts now; the segment records
    /// the connection's delivery state, its lost and delivered_ce counts, and the packets in flight
    /// with itself (tcp_set_tx_in_flight()).
    /// </summary>
    public void SkbSent(ref SentSegment segment, int packetsOut, int packetsInFlight, ConnectionCounts totals, SimTime now)
    {
        if (packetsOut == 0)
        {
            FirstSent = now;
            DeliveredTime = now;
        }

        segment.TxFirstSent = FirstSent;
        segment.TxDeliveredTime = DeliveredTime;
        segment.TxDelivered = totals.Delivered;
        segment.TxAppLimited = _appLimited != 0;
        segment.TxDeliveredCe = totals.DeliveredCe;
        segment.TxLost = totals.Lost;
        segment.TxInFlight = packetsInFlight + 1;
    }

    /// <summary>
    /// tcp_rate_skb_delivered(): the sample follows the most recently sent segment this ACK
    /// delivers; a SACKed segment gives its sample once.
    /// </summary>
    public void SkbDelivered(ref SentSegment segment)
    {
        if (segment.TxDeliveredTime == SimTime.Never)
        {
            return;
        }

        var rs = Sample;
        if (rs.PriorDelivered == 0 || segment.LastSent > FirstSent || (segment.LastSent == FirstSent && segment.End > rs.LastEnd))
        {
            rs.PriorDelivered = segment.TxDelivered;
            rs.PriorTime = segment.TxDeliveredTime;
            rs.IsAppLimited = segment.TxAppLimited;
            rs.IsRetransmission = segment.EverRetransmitted;
            rs.TxInFlight = segment.TxInFlight;
            rs.PriorLost = segment.TxLost;
            rs.PriorDeliveredCe = segment.TxDeliveredCe;
            rs.LastEnd = segment.End;
            FirstSent = segment.LastSent;
            rs.IntervalUs = (FirstSent - segment.TxFirstSent).Microseconds;
        }

        segment.TxDeliveredTime = SimTime.Never;
    }

    /// <summary>
    /// tcp_rate_gen(): the sample for this ACK: <paramref name="delivered"/> and
    /// <paramref name="lost"/> segments newly delivered and marked lost; over the interval, the
    /// delivered, CE-echoed and lost counts; invalid without timing or when the interval is shorter
    /// than the minimum RTT (a spurious retransmission's ACK).
    /// </summary>
    public void Generate(long delivered, long lost, ConnectionCounts totals, SimTime now, long minRttUs)
    {
        var totalDelivered = totals.Delivered;
        var rs = Sample;
        if (_appLimited != 0 && totalDelivered > _appLimited)
        {
            _appLimited = 0;
        }

        if (delivered > 0)
        {
            DeliveredTime = now;
        }

        rs.AckedSacked = delivered;
        rs.Losses = lost;
        if (rs.PriorTime == SimTime.Never)
        {
            rs.Delivered = -1;
            rs.IntervalUs = -1;
            return;
        }

        rs.Delivered = totalDelivered - rs.PriorDelivered;
        rs.DeliveredCe = totals.DeliveredCe - rs.PriorDeliveredCe;
        rs.Lost = totals.Lost - rs.PriorLost;
        rs.IntervalUs = Math.Max(rs.IntervalUs, (now - rs.PriorTime).Microseconds);
        if (rs.IntervalUs < minRttUs)
        {
            rs.IntervalUs = -1;
            return;
        }

        if (!rs.IsAppLimited || rs.Delivered * RateIntervalUs >= RateDelivered * rs.IntervalUs)
        {
            RateDelivered = rs.Delivered;
            RateIntervalUs = rs.IntervalUs;
            RateAppLimited = rs.IsAppLimited;
        }
    }

    /// <summary>
    /// tcp_rate_check_app_limited(): less than a segment left to send, room in cwnd and every lost
    /// segment resent: the application is the limit until what is in flight now is delivered.
    /// </summary>
    public void CheckAppLimited(long unsentBytes, int mss, int packetsInFlight, uint cwnd, int lostOut, int retransOut, long delivered)
    {
        if (unsentBytes < mss && packetsInFlight < cwnd && lostOut <= retransOut)
        {
            SetAppLimited(delivered, packetsInFlight);
        }
    }

    /// <summary>Marks the samples to come app-limited, as BBR does in PROBE_RTT (its low rate is not the path's).</summary>
    public void SetAppLimited(long delivered, int packetsInFlight) => _appLimited = Math.Max(delivered + packetsInFlight, 1);
}
