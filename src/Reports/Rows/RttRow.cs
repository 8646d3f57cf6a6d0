using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>rtt.csv: every valid RTT sample with the smoothed RTT and RTO that followed.</summary>
[CsvRecord]
public sealed partial record RttRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("host")] string Host,
    [CsvColumn("rtt_ms")] decimal RttMilliseconds,
    [CsvColumn("srtt_ms")] decimal SrttMilliseconds,
    [CsvColumn("rto_ms")] decimal RtoMilliseconds);
