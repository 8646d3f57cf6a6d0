using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Tcp;
using NetSim.Tcp.Timestamping;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// SO_TIMESTAMPING (Documentation/networking/timestamping.rst): setsockopt() with the SOF_
/// flags written as an expression, kept until the connection exists, inherited by accepted
/// sockets; each transmit timestamp the connection reports goes on the socket's error queue as
/// a wake-up, for recvmsg(MSG_ERRQUEUE) to check with its SCM_TIMESTAMPING time.
/// </summary>
public sealed partial class ScriptRunner
{
    private static readonly IntegerExpression.Dialect FlagExpression = new("/", RoundsDown: false, "setsockopt(SO_TIMESTAMPING)");

    /// <summary>The SOF_TIMESTAMPING_ names of include/uapi/linux/net_tstamp.h.</summary>
    private static readonly Dictionary<string, TimestampingFlags> TimestampingNames = new(StringComparer.Ordinal)
    {
        ["SOF_TIMESTAMPING_TX_HARDWARE"] = TimestampingFlags.TxHardware,
        ["SOF_TIMESTAMPING_TX_SOFTWARE"] = TimestampingFlags.TxSoftware,
        ["SOF_TIMESTAMPING_RX_HARDWARE"] = TimestampingFlags.RxHardware,
        ["SOF_TIMESTAMPING_RX_SOFTWARE"] = TimestampingFlags.RxSoftware,
        ["SOF_TIMESTAMPING_SOFTWARE"] = TimestampingFlags.Software,
        ["SOF_TIMESTAMPING_SYS_HARDWARE"] = TimestampingFlags.SysHardware,
        ["SOF_TIMESTAMPING_RAW_HARDWARE"] = TimestampingFlags.RawHardware,
        ["SOF_TIMESTAMPING_OPT_ID"] = TimestampingFlags.OptId,
        ["SOF_TIMESTAMPING_TX_SCHED"] = TimestampingFlags.TxSched,
        ["SOF_TIMESTAMPING_TX_ACK"] = TimestampingFlags.TxAck,
        ["SOF_TIMESTAMPING_OPT_CMSG"] = TimestampingFlags.OptCmsg,
        ["SOF_TIMESTAMPING_OPT_TSONLY"] = TimestampingFlags.OptTsOnly,
        ["SOF_TIMESTAMPING_OPT_STATS"] = TimestampingFlags.OptStats,
        ["SOF_TIMESTAMPING_OPT_PKTINFO"] = TimestampingFlags.OptPktInfo,
        ["SOF_TIMESTAMPING_OPT_TX_SWHW"] = TimestampingFlags.OptTxSwHw,
        ["SOF_TIMESTAMPING_BIND_PHC"] = TimestampingFlags.BindPhc,
        ["SOF_TIMESTAMPING_OPT_ID_TCP"] = TimestampingFlags.OptIdTcp,
        ["SOF_TIMESTAMPING_OPT_RX_FILTER"] = TimestampingFlags.OptRxFilter,
        ["SOF_TIMESTAMPING_TX_COMPLETION"] = TimestampingFlags.TxCompletion,
    };

    /// <summary>setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, [flags], 4): on the connection, or kept for the one to come.</summary>
    private static SyscallOutcome SetTimestamping(SyscallEvent call, ScriptSocket socket)
    {
        var text = call.Arguments.Count > 3 ? call.Arguments[3].Trim().TrimStart('[').TrimEnd(']') : "0";
        var flags = (TimestampingFlags)IntegerExpression.Evaluate(text, TimestampingFlag, FlagExpression);
        if ((socket.Connection ?? socket.Listener) is { } connection)
        {
            var result = connection.SetTimestamping(flags);
            if (result == 0 && socket.Connection is not null)
            {
                CollectTimestamps(socket, socket.Connection);
            }

            return ErrnoOf(result);
        }

        if (!TcpConnection.TimestampingAccepted(flags, unconnected: true))
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        socket.PendingTimestamping = flags;
        return SyscallOutcome.Return(0);
    }

    private static long TimestampingFlag(string name) => TimestampingNames.TryGetValue(name, out var flag)
        ? (long)flag
        : throw new ScriptFailedException($"setsockopt(SO_TIMESTAMPING): unknown flag {name}");

    /// <summary>The connection's transmit timestamps go on the socket's error queue, each a wake-up (sk_error_report()).</summary>
    private static void CollectTimestamps(ScriptSocket socket, TcpConnection connection)
    {
        if (socket.CollectsTimestamps || connection.TimestampingFlags == TimestampingFlags.None)
        {
            return;
        }

        socket.CollectsTimestamps = true;
        connection.TxTimestamped += (_, report) =>
        {
            socket.ErrorQueue.Add(ErrorQueueEntry.Timestamp((uint)report.Point, report.Id, report.Time));
            socket.ErrorReports++;
        };
    }

    /// <summary>SCM_TSTAMP_SND, SCM_TSTAMP_SCHED and SCM_TSTAMP_ACK, indexed by their ee_info values.</summary>
    private static readonly string[] TimestampPointNames = ["SCM_TSTAMP_SND", "SCM_TSTAMP_SCHED", "SCM_TSTAMP_ACK"];

    /// <summary>The ee_info value an SCM_TSTAMP_ name stands for, or null for another name.</summary>
    private static long? TimestampPoint(string name) => Array.IndexOf(TimestampPointNames, name) is var point and >= 0 ? point : null;

    private static string TimestampPointName(uint point) => TimestampPointNames[point];

    /// <summary>
    /// The SCM_TIMESTAMPING control message a script writes (<c>scm_sec=0,scm_nsec=20000000</c>,
    /// script time): the queued timestamp's software time must lie within the tolerance of it.
    /// </summary>
    private void CheckTimestampControlMessage(SyscallEvent call, ErrorQueueEntry entry)
    {
        if (TimestampFields().Match(call.Arguments[1]) is not { Success: true } written)
        {
            return;
        }

        if (entry.Time is not { } time)
        {
            throw new ScriptFailedException($"recvmsg(): the script expects a timestamp, but {Describe(entry)} is queued");
        }

        var expectedUs = (long.Parse(written.Groups["sec"].Value, CultureInfo.InvariantCulture) * 1_000_000)
            + (long.Parse(written.Groups["nsec"].Value, CultureInfo.InvariantCulture) / 1000);
        if (Math.Abs(time.Microseconds - expectedUs) > _tolerance)
        {
            throw new ScriptFailedException($"recvmsg(): {Describe(entry)}, expected at {Seconds(expectedUs)} s (tolerance {_tolerance} us)");
        }
    }

    [GeneratedRegex(@"scm_sec\s*=\s*(?<sec>\d+)\s*,\s*scm_nsec\s*=\s*(?<nsec>\d+)")]
    private static partial Regex TimestampFields();
}
