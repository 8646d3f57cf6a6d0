using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// What a cumulative ACK removed from the retransmission queue (Linux tcp_clean_rtx_queue()): the
/// send times of the first and last segments never retransmitted nor SACKed (first_ackt, last_ackt),
/// the RACK sample, the lowest of those segments (reord, for reordering detection), and whether the
/// ACK ended inside a segment, trimming it (the loop's last fully_acked false).
/// </summary>
public readonly record struct AckedSegments(
    int Packets,
    int PreviouslySacked,
    bool RetransmittedDataAcked,
    SimTime OldestFirstSent,
    SimTime NewestFirstSent,
    RackSample Rack,
    SequenceNumber? LowestOriginal,
    bool TrimmedHead);
