using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Buffers;

/// <summary>
/// What one SACK block tagged (Linux tcp_sacktag_one() summed over a block): segments newly
/// SACKed; the send times of the first and last of them never retransmitted (first_sackt,
/// last_sackt); the end and start of the last segment covered; the lowest newly SACKed segment never
/// retransmitted (for reordering detection); and the RACK sample.
/// </summary>
public readonly record struct SackTagging(
    int Newly,
    SimTime FirstSent,
    SimTime LastSent,
    SequenceNumber HighestEnd,
    SequenceNumber HighestStart,
    SequenceNumber? LowestOriginal,
    RackSample Rack);
