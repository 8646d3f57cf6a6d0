using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// What a cumulative ACK removed from the retransmission queue (Linux tcp_clean_rtx_queue()): the
/// send times of the first and last segments never retransmitted nor SACKed (first_ackt, last_ackt),
/// the RACK sample, and the lowest of those segments (reord, for reordering detection).
/// </summary>
public readonly record struct AckedSegments(
    int Packets,
    int PreviouslySacked,
    bool RetransmittedDataAcked,
    SimTime OldestFirstSent,
    SimTime NewestFirstSent,
    RackSample Rack,
    SequenceNumber? LowestOriginal);
