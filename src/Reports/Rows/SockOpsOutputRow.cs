using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>sockops_output.csv: one record a sock_ops program emitted (its perf-event or ring-buffer output).</summary>
[CsvRecord]
public sealed partial record SockOpsOutputRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("host")] string Host,
    [CsvColumn("op_name")] string OpName,
    [CsvColumn("program")] string Program,
    [CsvColumn("record")] string Record);
