using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>link_events.csv: every packet a link direction dropped (queue discipline or channel loss) or marked CE, with the reason and the segment it carried.</summary>
[CsvRecord]
public sealed partial record LinkEventRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("link")] string Link,
    [CsvColumn("event")] string Event,
    [CsvColumn("reason")] string Reason,
    [CsvColumn("source")] string Source,
    [CsvColumn("destination")] string Destination,
    [CsvColumn("seq")] uint Sequence,
    [CsvColumn("payload")] int Payload);
