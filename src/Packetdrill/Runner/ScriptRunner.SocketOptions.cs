using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// setsockopt() and getsockopt() as a script calls them (packetdrill run_system_call.c): on the
/// socket's connection or listener, or kept for the connection to come and applied before its SYN.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>The options set on a socket before it listened or connected; a listener's children take them as they are cloned.</summary>
    private static void ApplyPendingOptions(ScriptSocket socket, TcpConnection connection)
    {
        connection.ReadsOnArrival = false;
        connection.NoDelay = socket.PendingNoDelay;
        if (socket.PendingCork)
        {
            connection.Cork = true;
        }

        if (socket.PendingTos is { } tos)
        {
            connection.SetTos(tos);
        }
        connection.KeepAlive = socket.PendingKeepAlive;
        if (socket.PendingReceiveLowWatermark is { } receiveLowWatermark)
        {
            connection.SetReceiveLowWatermark(receiveLowWatermark, throughSocketLayer: true);
        }

        if (socket.PendingNotSentLowWatermark is { } notSentLowWatermark)
        {
            connection.SetNotSentLowWatermark(notSentLowWatermark);
        }

        if (socket.PendingUserMss is { } userMss)
        {
            connection.SetUserMss(userMss);
        }

        if (socket.PendingUserTimeout is { } userTimeout)
        {
            connection.SetUserTimeout(userTimeout);
        }

        if (socket.PendingLinger is { } linger)
        {
            connection.SetLinger(linger.OnOff, linger.Seconds);
        }

        if (socket.PendingLinger2 is { } linger2)
        {
            connection.SetLinger2(linger2);
        }

        if (socket.PendingPriority is { } priority)
        {
            connection.Priority = priority;
        }

        if (socket.PendingMaxPacingRate is { } maxPacingRate)
        {
            connection.SetMaxPacingRate(maxPacingRate);
        }

        if (socket.PendingThinLinearTimeouts is { } thinLinearTimeouts)
        {
            connection.ThinLinearTimeouts = thinLinearTimeouts;
        }

        if (socket.PendingWindowClamp is { } windowClamp)
        {
            connection.SetWindowClamp(windowClamp);
        }

        if (socket.PendingTimestamping is { } timestamping)
        {
            connection.SetTimestamping(timestamping);
            CollectTimestamps(socket, connection);
        }
    }

    /// <summary>
    /// setsockopt(SO_LINGER, {onoff=N, linger=S}): struct linger, on the socket's connection or
    /// listener or kept for the one to come (sk_setsockopt(); EINVAL for a shorter optlen).
    /// </summary>
    private SyscallOutcome SetLinger(SyscallEvent call, ScriptSocket socket)
    {
        var value = call.Arguments.Count > 3 ? call.Arguments[3] : "";
        var onoff = LingerPattern().Match(value) is { Success: true } on ? on : null;
        var linger = LingerTimePattern().Match(value) is { Success: true } time ? time : null;
        if (onoff is null || linger is null)
        {
            throw new ScriptFailedException($"setsockopt(SO_LINGER): expected {{onoff=N, linger=S}}, got {value}");
        }

        if (call.Arguments.Count > 4 && ScriptNumber(call.Arguments[4]) is < 8)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        var (onValue, seconds) = (int.Parse(onoff.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(linger.Groups[1].Value, CultureInfo.InvariantCulture));
        if ((socket.Connection ?? socket.Listener) is { } connection)
        {
            connection.SetLinger(onValue, seconds);
        }
        else
        {
            socket.PendingLinger = (onValue, seconds);
        }

        return SyscallOutcome.Return(0);
    }

    /// <summary>getsockopt(SO_LINGER, {onoff=N, linger=S}): SOCK_LINGER as 0 or 1, and sk_lingertime in seconds.</summary>
    private static SyscallOutcome GetLinger(SyscallEvent call, ScriptSocket socket, TcpConnection? connection)
    {
        var expected = call.Arguments.Count > 3 ? call.Arguments[3] : "";
        var (on, seconds) = connection?.Linger ?? (socket.PendingLinger is { } pending ? (pending.OnOff != 0, pending.Seconds) : (false, 0));
        var actual = $"{{onoff={(on ? 1 : 0)}, linger={seconds}}}";
        var expectedOn = LingerPattern().Match(expected);
        var expectedTime = LingerTimePattern().Match(expected);
        return expectedOn.Success && expectedTime.Success && expectedOn.Groups[1].Value == (on ? "1" : "0") && expectedTime.Groups[1].Value == Number(seconds)
            ? SyscallOutcome.Return(0)
            : throw new ScriptFailedException($"getsockopt(SO_LINGER) gave {actual}, expected {expected}");
    }

    /// <summary>
    /// setsockopt(TCP_CONGESTION, "name", len) (tcp_set_congestion_control()): the algorithm replaces
    /// the connection's at once, and is the one the socket's later connections and children start
    /// with; ENOENT for a name the model does not have.
    /// </summary>
    private SyscallOutcome SetCongestion(SyscallEvent call, ScriptSocket socket)
    {
        var name = call.Arguments.Count > 3 ? call.Arguments[3].Trim().Trim('"') : "";
        if (!Tcp.Congestion.CongestionControlRegistry.Names.Contains(name))
        {
            return SyscallOutcome.Fail("ENOENT");
        }

        var connection = socket.Connection ?? socket.Listener;
        var settings = SettingsOf(socket) with { Congestion = name };
        socket.PendingSettings = settings;
        if (connection is not null)
        {
            connection.Settings = settings;
            connection.SetCongestionControl(name);
        }

        return SyscallOutcome.Return(0);
    }

    [GeneratedRegex(@"onoff\s*=\s*(-?\d+)")]
    private static partial Regex LingerPattern();

    [GeneratedRegex(@"linger\s*=\s*(-?\d+)")]
    private static partial Regex LingerTimePattern();

    /// <summary>setsockopt(fd, level, name, [value], length): the options a TCP test sets.</summary>
    private SyscallOutcome SetSocketOption(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var name = call.Arguments.Count > 2 ? call.Arguments[2] : "";
        if (name == "IP_MTU_DISCOVER")
        {
            // The model's TCP always does path MTU discovery (IP_PMTUDISC_WANT, DF set): the call succeeds and its line is reported skipped.
            _skipped.Add(call.Line);
            return SyscallOutcome.Return(0);
        }

        if (name == "TCP_FASTOPEN_KEY")
        {
            return SetFastOpenKey(call, socket);
        }

        if (name == "TCP_FASTOPEN_CONNECT")
        {
            return SetFastOpenConnect(socket, call.Arguments.Count > 3 ? BracketedNumber(call, call.Arguments[3]) : 0);
        }

        if (name == "TCP_SYNCNT" && BracketedNumber(call, call.Arguments[3]) is < 1 or > 127)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        if (name == "TCP_MAXSEG")
        {
            return SetUserMss(socket, (int)BracketedNumber(call, call.Arguments[3]));
        }

        if (name == "TCP_USER_TIMEOUT")
        {
            return SetUserTimeout(socket, (int)BracketedNumber(call, call.Arguments[3]));
        }

        if (name == "SO_TIMESTAMPING")
        {
            return SetTimestamping(call, socket);
        }

        if (name == "SO_LINGER")
        {
            return SetLinger(call, socket);
        }

        if (name == "TCP_CONGESTION")
        {
            return SetCongestion(call, socket);
        }

        if (name == "IP_LOCAL_PORT_RANGE")
        {
            return SetLocalPortRange(socket, call.Arguments.Count > 3 ? BracketedNumber(call, call.Arguments[3]) : 0);
        }

        var value = call.Arguments.Count > 3 ? BracketedNumber(call, call.Arguments[3]) : 0;
        var connection = socket.Connection ?? socket.Listener;
        var settings = SettingsOf(socket);

        // do_tcp_setsockopt(): TCP_RTO_MAX_MS from 1 s to TCP_RTO_MAX (120 s); TCP_RTO_MIN_US from
        // TCP_TIMEOUT_MIN (2 jiffies) to TCP_RTO_MIN (200 ms), in whole jiffies rounded up.
        var rtoMin = name == "TCP_RTO_MIN_US" && value >= 0 ? settings.FromJiffies(settings.ToJiffies(SimTime.FromMicroseconds(value))) : SimTime.Zero;
        if ((name == "TCP_RTO_MAX_MS" && value is < 1000 or > 120_000)
            || (name == "TCP_RTO_MIN_US" && (value < 0 || settings.ToJiffies(rtoMin) < 2 || rtoMin > SimTime.FromMilliseconds(200))))
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        // do_tcp_setsockopt(): TCP_THIN_LINEAR_TIMEOUTS is 0 or 1.
        if (name == "TCP_THIN_LINEAR_TIMEOUTS" && value is < 0 or > 1)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        TcpSettings? changed = name switch
        {
            "SO_REUSEADDR" or "SO_REUSEPORT" or "SO_MARK" => null,

            // IP_BIND_ADDRESS_NO_PORT defers bind()'s port to connect(), where the model chooses it anyway.
            "IP_BIND_ADDRESS_NO_PORT" => null,
            "SO_ZEROCOPY" => null,
            "SO_RCVLOWAT" or "TCP_NOTSENT_LOWAT" => null,
            "TCP_NODELAY" or "TCP_CORK" or "TCP_INQ" or "IP_TOS" or "TCP_FASTOPEN" => null,
            "SO_KEEPALIVE" => null,
            "SO_PRIORITY" or "SO_MAX_PACING_RATE" or "TCP_QUICKACK" or "TCP_WINDOW_CLAMP" or "TCP_THIN_LINEAR_TIMEOUTS" or "TCP_LINGER2" => null,

            "TCP_KEEPIDLE" => settings with { KeepAliveTime = SimTime.FromSeconds(value) },
            "TCP_KEEPINTVL" => settings with { KeepAliveInterval = SimTime.FromSeconds(value) },
            "TCP_KEEPCNT" => settings with { KeepAliveProbes = (int)value },
            "TCP_RTO_MAX_MS" => settings with { MaxRto = SimTime.FromMilliseconds(value) },
            "TCP_RTO_MIN_US" => settings with { MinRto = rtoMin },

            // tcp_sock_set_syncnt(): 1 to MAX_TCP_SYNCNT (127) SYN retries for this socket.
            "TCP_SYNCNT" => settings with { SynRetries = (int)value },
            // SOCK_RCVBUF_LOCK: the buffer no longer grows, and its space clamps the window, so
            // the window scale offered too (tcp_openreq_init_rwin(), tcp_select_initial_window()).
            "SO_RCVBUF" => settings with { ReceiveBuffer = settings.ReceiveBufferFor((int)value), ReceiveBufferMax = settings.ReceiveBufferFor((int)value) },
            "SO_SNDBUF" => settings with { SendBuffer = settings.SendBufferFor((int)value), SendBufferMax = null },
            _ => throw new ScriptFailedException($"setsockopt(): option {name} not supported by the simulator"),
        };

        if (name == "TCP_NODELAY")
        {
            socket.PendingNoDelay = value != 0;
            connection?.NoDelay = value != 0;
        }
        else if (name == "IP_TOS")
        {
            // do_ip_setsockopt() keeps the low byte (inet->tos is a u8).
            socket.PendingTos = (int)(value & 0xFF);
            connection?.SetTos(socket.PendingTos.Value);
        }
        else if (name == "SO_PRIORITY")
        {
            socket.PendingPriority = (int)value;
            connection?.Priority = (int)value;
        }
        else if (name == "SO_MAX_PACING_RATE")
        {
            // sk_setsockopt(): the rate is a u32 (~0U for none).
            socket.PendingMaxPacingRate = unchecked((uint)value);
            connection?.SetMaxPacingRate(unchecked((uint)value));
        }
        else if (name == "TCP_LINGER2")
        {
            socket.PendingLinger2 = (int)value;
            connection?.SetLinger2((int)value);
        }
        else if (name == "TCP_QUICKACK")
        {
            connection?.SetQuickAck((int)value);
        }
        else if (name == "TCP_THIN_LINEAR_TIMEOUTS")
        {
            socket.PendingThinLinearTimeouts = value == 1;
            connection?.ThinLinearTimeouts = value == 1;
        }
        else if (name == "TCP_WINDOW_CLAMP")
        {
            if (connection is null)
            {
                socket.PendingWindowClamp = (int)value;
            }
            else if (connection.SetWindowClamp((int)value) != 0)
            {
                return SyscallOutcome.Fail("EINVAL");
            }
        }
        else if (name == "TCP_INQ")
        {
            socket.ReceiveQueueHint = value != 0;
        }
        else if (name == "SO_ZEROCOPY")
        {
            // sk_setsockopt(): 0 or 1, the SOCK_ZEROCOPY flag.
            if (value is < 0 or > 1)
            {
                return SyscallOutcome.Fail("EINVAL");
            }

            socket.ZeroCopy = value == 1;
        }
        else if (name == "TCP_FASTOPEN")
        {
            // do_tcp_setsockopt(): on a socket that is neither closed nor listening, -EINVAL.
            if (socket.Listener is { } fastOpenListener)
            {
                return ErrnoOf(fastOpenListener.SetFastOpenQueue((int)value));
            }

            if (!socket.InClose || value < 0)
            {
                return SyscallOutcome.Fail("EINVAL");
            }

            socket.PendingFastOpenQueue = (int)value;
        }
        else if (name == "TCP_CORK")
        {
            socket.PendingCork = value != 0;
            connection?.Cork = value != 0;
        }
        else if (name == "SO_KEEPALIVE")
        {
            socket.PendingKeepAlive = value != 0;
            connection?.KeepAlive = value != 0;
        }
        else if (changed is not null)
        {
            socket.PendingSettings = changed;
            connection?.Settings = changed;
        }

        // A live socket's buffers resize in place.
        if (name == "SO_RCVBUF")
        {
            connection?.SetReceiveBufferSize((int)value);
        }
        else if (name == "SO_SNDBUF")
        {
            connection?.SetSendBufferSize((int)value);
        }
        else if (name == "SO_RCVLOWAT")
        {
            SetOrKeep(connection, c => c.SetReceiveLowWatermark((int)value, throughSocketLayer: true), () => socket.PendingReceiveLowWatermark = (int)value);
        }
        else if (name == "TCP_NOTSENT_LOWAT")
        {
            SetOrKeep(connection, c => c.SetNotSentLowWatermark((int)value), () => socket.PendingNotSentLowWatermark = (int)value);
        }

        return SyscallOutcome.Return(0);
    }

    /// <summary>
    /// do_ip_setsockopt(): IP_LOCAL_PORT_RANGE packs the first port in its low 16 bits and the last in
    /// its high ones (0 leaves an end to the host's range; both set and reversed is EINVAL).
    /// </summary>
    private static SyscallOutcome SetLocalPortRange(ScriptSocket socket, long value)
    {
        var low = (ushort)(value & 0xFFFF);
        var high = (ushort)((value >> 16) & 0xFFFF);
        if (low != 0 && high != 0 && low > high)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        socket.Binding = socket.Binding with { Range = new PortRange(low, high) };
        return SyscallOutcome.Return(0);
    }

    /// <summary>setsockopt(TCP_MAXSEG): on the socket, or kept for the connection to come (its SYN's MSS option).</summary>
    private static SyscallOutcome SetUserMss(ScriptSocket socket, int value)
    {
        if ((socket.Connection ?? socket.Listener) is { } connection)
        {
            return ErrnoOf(connection.SetUserMss(value));
        }

        if (!TcpConnection.IsValidUserMss(value))
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        socket.PendingUserMss = value;
        return SyscallOutcome.Return(0);
    }

    /// <summary>setsockopt(TCP_USER_TIMEOUT): milliseconds on the socket, or kept for the connection to come.</summary>
    private static SyscallOutcome SetUserTimeout(ScriptSocket socket, int milliseconds)
    {
        if ((socket.Connection ?? socket.Listener) is { } connection)
        {
            return ErrnoOf(connection.SetUserTimeout(milliseconds));
        }

        if (milliseconds < 0)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        socket.PendingUserTimeout = milliseconds;
        return SyscallOutcome.Return(0);
    }

    /// <summary>A kernel return value: 0, or a negative errno as the call's failure.</summary>
    private static SyscallOutcome ErrnoOf(int result) => result switch
    {
        0 => SyscallOutcome.Return(0),
        TcpConnection.InvalidArgument => SyscallOutcome.Fail("EINVAL"),
        _ => throw new ScriptFailedException($"unexpected kernel result {result}"),
    };

    /// <summary>
    /// getsockopt(fd, SOL_SOCKET, SO_ERROR, [errno], [4]) checks the pending error and clears it;
    /// TCP_NODELAY, TCP_CORK, SO_KEEPALIVE, TCP_KEEPIDLE/INTVL/CNT and SO_SNDBUF (sk_sndbuf, the doubled
    /// request) read back what the socket holds.
    /// </summary>
    private SyscallOutcome GetSocketOption(SyscallEvent call)
    {
        var socket = SocketOf(call);
        var name = call.Arguments.Count > 2 ? call.Arguments[2] : "";
        var expected = call.Arguments.Count > 3 ? call.Arguments[3].Trim('[', ']', ' ') : "";
        var connection = socket.Connection ?? socket.Listener;
        var settings = SettingsOf(socket);
        if (name == "SO_LINGER")
        {
            return GetLinger(call, socket, connection);
        }

        if (name == "TCP_CONGESTION")
        {
            return GetCongestion(call, connection?.Congestion.Name ?? settings.Congestion);
        }

        string actual;
        switch (name)
        {
            case "SO_ERROR":
                actual = TakeError(socket) ?? socket.Connection?.TakeSoftError() ?? "0";
                break;
            case "TCP_NODELAY":
                actual = (socket.Connection?.NoDelay ?? socket.PendingNoDelay) ? "1" : "0";
                break;
            case "TCP_CORK":
                actual = (socket.Connection?.Cork ?? socket.PendingCork) ? "1" : "0";
                break;
            case "SO_KEEPALIVE":
                actual = (connection?.KeepAlive ?? socket.PendingKeepAlive) ? "1" : "0";
                break;
            case "TCP_KEEPIDLE":
                actual = Number((long)settings.KeepAliveTime.TotalSeconds);
                break;
            case "TCP_KEEPINTVL":
                actual = Number((long)settings.KeepAliveInterval.TotalSeconds);
                break;
            case "TCP_KEEPCNT":
                actual = Number(settings.KeepAliveProbes);
                break;
            case "TCP_RTO_MAX_MS":
                actual = Number(settings.MaxRto.Milliseconds);
                break;
            case "TCP_WINDOW_CLAMP":
                actual = Number(connection?.WindowClamp ?? (uint)(socket.PendingWindowClamp ?? 0));
                break;
            case "TCP_LINGER2":
                // do_tcp_getsockopt(): -1 when negative, else TCP_LINGER2 or tcp_fin_timeout in seconds.
                var linger2 = connection?.Linger2 ?? (socket.PendingLinger2 is { } pendingLinger2 ? SimTime.FromSeconds(pendingLinger2 < 0 ? -1 : pendingLinger2) : SimTime.Zero);
                actual = Number(linger2 < SimTime.Zero ? -1 : ((linger2 > SimTime.Zero ? linger2 : settings.FinTimeout).Milliseconds / 1000));
                break;
            case "TCP_QUICKACK":
                actual = connection is { InPingpongMode: true } ? "0" : "1";
                break;
            case "TCP_THIN_LINEAR_TIMEOUTS":
                actual = (connection?.ThinLinearTimeouts ?? socket.PendingThinLinearTimeouts ?? false) ? "1" : "0";
                break;
            case "SO_PRIORITY":
                actual = Number(connection?.Priority ?? socket.PendingPriority ?? 0);
                break;
            case "SO_MAX_PACING_RATE":
                // A four-byte read gets the rate capped to a u32 (sk_getsockopt()).
                actual = Number((long)Math.Min(connection?.MaxPacingRate ?? socket.PendingMaxPacingRate ?? uint.MaxValue, uint.MaxValue));
                break;
            case "SO_RCVBUF":
                actual = Number(connection?.ReceiveBufferSize ?? settings.ReceiveBuffer * 2);
                break;
            case "TCP_RTO_MIN_US":
                actual = Number(settings.MinRto.Microseconds);
                break;
            case "SO_SNDBUF":
                actual = Number(connection?.SendBufferSize ?? settings.SendBuffer);
                break;
            case "TCP_FASTOPEN":
                actual = Number(socket.Listener?.FastOpenQueueLimit ?? socket.PendingFastOpenQueue ?? 0);
                break;
            case "TCP_FASTOPEN_CONNECT":
                actual = socket.FastOpenConnect ? "1" : "0";
                break;
            case "TCP_USER_TIMEOUT":
                actual = Number((long)((socket.Connection ?? socket.Listener)?.UserTimeout.Milliseconds ?? socket.PendingUserTimeout ?? 0));
                break;
            case "TCP_MAXSEG":
                // A socket not yet connected reports TCP_MAXSEG's value, or mss_cache's first, TCP_MSS_DEFAULT.
                actual = Number((socket.Connection ?? socket.Listener)?.MaxSegmentOption ?? socket.PendingUserMss ?? TcpConnection.DefaultMss);
                break;
            case "TCP_NOTSENT_LOWAT":
                actual = Number(socket.Connection?.NotSentLowWatermark ?? (uint)(socket.PendingNotSentLowWatermark ?? 0));
                break;
            default:
                throw new ScriptFailedException($"getsockopt(): option {name} not supported by the simulator");
        }

        // A value may be written in hex ([0xffffffff]).
        var same = actual == expected || (ScriptNumber(expected) is { } number && number.ToString(CultureInfo.InvariantCulture) == actual);
        return same ? SyscallOutcome.Return(0) : throw new ScriptFailedException($"getsockopt({name}) gave [{actual}], expected [{expected}]");
    }

    /// <summary>
    /// getsockopt(TCP_CONGESTION, "name", [len]) (do_tcp_getsockopt()): the length comes back cut to
    /// TCP_CA_NAME_MAX as an unsigned number (a negative one gives the maximum), and that many bytes
    /// of the name's NUL-padded array are copied; packetdrill checks both the name and that the
    /// length came back as the script wrote it.
    /// </summary>
    private static SyscallOutcome GetCongestion(SyscallEvent call, string algorithm)
    {
        const int caNameMax = 16;
        var expected = call.Arguments.Count > 3 ? call.Arguments[3].Trim().Trim('"') : "";
        var length = call.Arguments.Count > 4 ? BracketedNumber(call, call.Arguments[4]) : caNameMax;
        var returned = Math.Min((uint)length, caNameMax);
        var actual = algorithm[..(int)Math.Min(returned, algorithm.Length)];
        if (actual != expected)
        {
            throw new ScriptFailedException($"getsockopt(TCP_CONGESTION) gave \"{actual}\", expected \"{expected}\"");
        }

        return returned == length
            ? SyscallOutcome.Return(0)
            : throw new ScriptFailedException($"getsockopt(TCP_CONGESTION) gave length [{Number(returned)}], expected [{Number(length)}]");
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
