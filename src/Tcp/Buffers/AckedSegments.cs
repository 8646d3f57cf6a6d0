using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>What a cumulative ACK removed from the retransmission queue (Linux tcp_clean_rtx_queue()).</summary>
public readonly record struct AckedSegments(
    int Packets,
    int PreviouslySacked,
    bool RetransmittedDataAcked,
    SimTime OldestFirstSent);
