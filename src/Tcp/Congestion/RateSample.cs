namespace NetSim.Tcp.Congestion;

/// <summary>
/// What one ACK says about the delivery rate (Linux struct rate_sample, include/net/tcp.h): the
/// segments delivered over an interval that spans the send and ACK phases of the most recently
/// sent segment it covers. A model-based algorithm (BBR) takes one on every ACK.
/// </summary>
public sealed class RateSample
{
    /// <summary>tp->delivered when the sampled segment was sent; 0 while none has been picked.</summary>
    public long PriorDelivered { get; internal set; }

    /// <summary>When that segment's send phase began (prior_mstamp); Never without timing.</summary>
    public Sim.Kernel.SimTime PriorTime { get; internal set; }

    /// <summary>Segments delivered over the interval; -1 when the sample is invalid.</summary>
    public long Delivered { get; internal set; }

    /// <summary>The longer of the send and ACK phases, in us; -1 when invalid.</summary>
    public long IntervalUs { get; internal set; }

    /// <summary>Segments newly acknowledged or SACKed by this ACK.</summary>
    public long AckedSacked { get; internal set; }

    /// <summary>Segments newly marked lost while this ACK was processed.</summary>
    public long Losses { get; internal set; }

    /// <summary>Segments marked lost over the sampled interval: since the sampled segment was sent (rs->lost).</summary>
    public long Lost { get; internal set; }

    /// <summary>Segments delivered with an ECE echo over the interval (rs->delivered_ce).</summary>
    public long DeliveredCe { get; internal set; }

    /// <summary>Packets in flight when the sampled segment was sent, itself included (rs->tx_in_flight).</summary>
    public int TxInFlight { get; internal set; }

    /// <summary>Packets in flight before this ACK.</summary>
    public int PriorInFlight { get; internal set; }

    /// <summary>RTT of the last segment (S)ACKed, in us, or -1.</summary>
    public long RttUs { get; internal set; }

    /// <summary>The sampled segment was sent while the application was the limit.</summary>
    public bool IsAppLimited { get; internal set; }

    /// <summary>The sampled segment was a retransmission.</summary>
    public bool IsRetransmission { get; internal set; }

    /// <summary>The ACK looks like a delayed ACK for one small segment (FLAG_ACK_MAYBE_DELAYED).</summary>
    public bool IsAckDelayed { get; internal set; }

    /// <summary>The ACK carried ECE (FLAG_ECE).</summary>
    public bool IsEce { get; internal set; }

    /// <summary>The ACK reaches exactly a loss probe's retransmission: it may be for the original or the probe (rs->is_acking_tlp_retrans_seq).</summary>
    public bool IsAckingTlpRetransSeq { get; internal set; }

    /// <summary>tp->lost and tp->delivered_ce when the sampled segment was sent.</summary>
    internal long PriorLost { get; set; }

    internal long PriorDeliveredCe { get; set; }

    /// <summary>End of the sampled segment, to order segments sent at the same instant.</summary>
    internal SequenceNumber LastEnd { get; set; }

    /// <summary>A fresh sample at the start of an ACK.</summary>
    internal void Reset(int priorInFlight)
    {
        PriorDelivered = 0;
        PriorTime = Sim.Kernel.SimTime.Never;
        Delivered = -1;
        IntervalUs = -1;
        AckedSacked = 0;
        Losses = 0;
        Lost = 0;
        DeliveredCe = 0;
        TxInFlight = 0;
        PriorLost = 0;
        PriorDeliveredCe = 0;
        PriorInFlight = priorInFlight;
        RttUs = -1;
        IsAppLimited = false;
        IsRetransmission = false;
        IsAckDelayed = false;
        IsEce = false;
        IsAckingTlpRetransSeq = false;
        LastEnd = default;
    }
}
