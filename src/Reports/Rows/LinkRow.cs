using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>links.csv: one row per link direction.</summary>
[CsvRecord]
public sealed partial record LinkRow(
    [CsvColumn("link")] string Link,
    [CsvColumn("rate_bps")] long RateBitsPerSecond,
    [CsvColumn("packets_transmitted")] long PacketsTransmitted,
    [CsvColumn("bytes_transmitted")] long BytesTransmitted,
    [CsvColumn("queue_drops")] long QueueDrops,
    [CsvColumn("ecn_marks")] long EcnMarks,
    [CsvColumn("channel_losses")] long ChannelLosses,
    [CsvColumn("utilisation")] decimal Utilisation);
