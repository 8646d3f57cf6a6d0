using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>
/// sockops.csv: one sock_ops invocation. <c>cb_flags</c> is the socket's callback flags when the
/// op was invoked (what gated it), <c>cb_flags_after</c> what the programs left.
/// </summary>
[CsvRecord]
public sealed partial record SockOpsRow(
    [CsvColumn("time_s")] decimal TimeSeconds,
    [CsvColumn("flow")] string Flow,
    [CsvColumn("host")] string Host,
    [CsvColumn("op")] int Op,
    [CsvColumn("op_name")] string OpName,
    [CsvColumn("args")] string Args,
    [CsvColumn("cb_flags")] string CallbackFlags,
    [CsvColumn("reply")] uint Reply,
    [CsvColumn("result")] int Result,
    [CsvColumn("cb_flags_after")] string CallbackFlagsAfter,
    [CsvColumn("is_fullsock")] int IsFullSocket,
    [CsvColumn("scope")] string Scope,
    [CsvColumn("helpers")] string Helpers,
    [CsvColumn("error")] string Error);
