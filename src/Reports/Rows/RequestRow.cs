using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>requests.csv: one row per completed request/response exchange, with its flow completion time.</summary>
[CsvRecord]
public sealed partial record RequestRow(
    [CsvColumn("flow")] string Flow,
    [CsvColumn("request")] int Request,
    [CsvColumn("sent_s")] decimal SentSeconds,
    [CsvColumn("completed_s")] decimal CompletedSeconds,
    [CsvColumn("completion_ms")] decimal CompletionMilliseconds,
    [CsvColumn("request_bytes")] long RequestBytes,
    [CsvColumn("response_bytes")] long ResponseBytes);
