namespace NetSim.Tcp.Buffers;

/// <summary>Told of each segment the scoreboard marks lost, once tp->lost counts it (Linux tcp_notify_skb_loss_event()).</summary>
public interface ILostSegmentObserver
{
    void SegmentMarkedLost(in SentSegment segment);
}
