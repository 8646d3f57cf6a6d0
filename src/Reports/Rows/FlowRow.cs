using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>
/// flows.csv: one row per flow, from the sender's and the receiver's counters, with the sender's
/// MSS in use (what cwnd plots count in). ECN: the feedback negotiated (off, rfc3168, accecn), the
/// CE-marked data segments the receiver got, and those the sender counted delivered CE-marked
/// from its feedback (tp->delivered_ce: under RFC 3168 every segment an ECE ACK covers, under
/// Accurate ECN the ACE field's count).
/// </summary>
[CsvRecord]
public sealed partial record FlowRow(
    [CsvColumn("flow")] string Flow,
    [CsvColumn("from")] string From,
    [CsvColumn("to")] string To,
    [CsvColumn("bytes_delivered")] long BytesDelivered,
    [CsvColumn("goodput_mbps")] decimal GoodputMbps,
    [CsvColumn("segments_sent")] long SegmentsSent,
    [CsvColumn("data_segments_sent")] long DataSegmentsSent,
    [CsvColumn("retransmissions")] long Retransmissions,
    [CsvColumn("fast_retransmits")] long FastRetransmits,
    [CsvColumn("rto_count")] long RtoCount,
    [CsvColumn("undos")] long Undos,
    [CsvColumn("spurious_rtos")] long SpuriousRtos,
    [CsvColumn("ecn")] string Ecn,
    [CsvColumn("ce_received")] long CeReceived,
    [CsvColumn("ce_delivered")] long CeDelivered,
    [CsvColumn("ecn_reductions")] long EcnReductions,
    [CsvColumn("sender_state")] string SenderState,
    [CsvColumn("receiver_state")] string ReceiverState,
    [CsvColumn("delivery_check")] string DeliveryCheck,
    [CsvColumn("mss")] int Mss);
