using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>request_failures.csv: one row per exchange that never completed, with when it failed and why (EADDRNOTAVAIL: no local port; ETIMEDOUT, ECONNRESET: the connection failed).</summary>
[CsvRecord]
public sealed partial record RequestFailureRow(
    [CsvColumn("flow")] string Flow,
    [CsvColumn("request")] int Request,
    [CsvColumn("failed_s")] decimal FailedSeconds,
    [CsvColumn("error")] string Error);
