using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>throughput.csv: each flow's goodput at its receiver over each trace interval, stamped with the interval's end.</summary>
[CsvRecord]
public sealed partial record ThroughputRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("goodput_mbps")] decimal GoodputMbps);
