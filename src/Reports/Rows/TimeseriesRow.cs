using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>timeseries.csv: a sender's congestion and timer variables, one row each time any of them changes.</summary>
[CsvRecord]
public sealed partial record TimeseriesRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("cwnd_bytes")] long CwndBytes,
    [CsvColumn("ssthresh_bytes")] long? SsthreshBytes,
    [CsvColumn("srtt_ms")] decimal? SrttMilliseconds,
    [CsvColumn("rto_ms")] decimal RtoMilliseconds,
    [CsvColumn("bytes_in_flight")] long BytesInFlight);
