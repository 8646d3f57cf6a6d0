using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>queue.csv: a link direction's output queue, one row per change.</summary>
[CsvRecord]
public sealed partial record QueueRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("link")] string Link,
    [CsvColumn("packets")] int Packets,
    [CsvColumn("bytes")] long Bytes);
