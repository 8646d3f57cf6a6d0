using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>flows.csv: one row per flow, from the sender's and the receiver's counters, with the sender's MSS in use (what cwnd plots count in).</summary>
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
    [CsvColumn("ce_received")] long CeReceived,
    [CsvColumn("ecn_reductions")] long EcnReductions,
    [CsvColumn("sender_state")] string SenderState,
    [CsvColumn("receiver_state")] string ReceiverState,
    [CsvColumn("delivery_check")] string DeliveryCheck,
    [CsvColumn("mss")] int Mss);
