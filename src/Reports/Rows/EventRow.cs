using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>events.csv: retransmissions and retransmission timeouts, for timelines and plot markers.</summary>
[CsvRecord]
public sealed partial record EventRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("host")] string Host,
    [CsvColumn("event")] string Event,
    [CsvColumn("seq")] uint? Sequence,
    [CsvColumn("length")] int? Length,
    [CsvColumn("detail")] string Detail);
