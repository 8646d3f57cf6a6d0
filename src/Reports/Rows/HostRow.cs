using CsvHelper;

namespace NetSim.Reports.Rows;

/// <summary>
/// hosts.csv: one row per host, its TCP's connections and timewait sockets: connect() calls and
/// those that found no port, SYNs its listeners took, the most timewait sockets held at once and
/// those left at the end, and those whose 4-tuple was used again, by connect() (tcp_tw_reuse) or
/// by the peer's new SYN; then its listeners under load: SYNs answered with a SYN cookie, cookies
/// that came back good and ACKs whose cookie was not, SYNs dropped for a full request queue with
/// cookies off, and SYNs and cookie ACKs dropped for a full accept queue.
/// </summary>
[CsvRecord]
public sealed partial record HostRow(
    [CsvColumn("host")] string Host,
    [CsvColumn("active_opens")] long ActiveOpens,
    [CsvColumn("ports_exhausted")] long PortsExhausted,
    [CsvColumn("passive_opens")] long PassiveOpens,
    [CsvColumn("time_wait_peak")] int TimeWaitPeak,
    [CsvColumn("time_wait_at_end")] int TimeWaitAtEnd,
    [CsvColumn("time_wait_taken_over")] long TimeWaitTakenOver,
    [CsvColumn("time_wait_reopened")] long TimeWaitReopened,
    [CsvColumn("syn_cookies_sent")] long SynCookiesSent,
    [CsvColumn("syn_cookies_received")] long SynCookiesReceived,
    [CsvColumn("syn_cookies_failed")] long SynCookiesFailed,
    [CsvColumn("request_queue_drops")] long RequestQueueDrops,
    [CsvColumn("listen_overflows")] long ListenOverflows);
