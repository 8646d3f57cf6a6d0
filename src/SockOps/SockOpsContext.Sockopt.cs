using System.Buffers.Binary;
using System.Text;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names, so C programs port unchanged.

/// <summary>
/// bpf_setsockopt() and bpf_getsockopt() (net/core/filter.c, __bpf_setsockopt(),
/// sol_tcp_sockopt() and bpf_sol_tcp_setsockopt()) for the options modelled so far:
/// TCP_CONGESTION, TCP_BPF_IW, TCP_BPF_SNDCWND_CLAMP, TCP_BPF_DELACK_MAX, TCP_BPF_RTO_MIN,
/// TCP_BPF_SOCK_OPS_CB_FLAGS, TCP_NODELAY, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT,
/// TCP_SYNCNT, TCP_USER_TIMEOUT, TCP_WINDOW_CLAMP, TCP_MAXSEG, TCP_SAVE_SYN, TCP_SAVED_SYN, IP_TOS, IPV6_TCLASS (refused: the simulated
/// sockets are IPv4), SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE and SO_MAX_PACING_RATE, each from the kernel version that allows it. An option
/// Linux has and this model does not yet is reported as a program error (with connection and
/// op), never answered wrongly.
/// </summary>
public sealed partial class SockOpsContext
{
    /// <summary>The options modelled, with the kernel version whose helpers first took them.</summary>
    private static readonly (int Level, int Name, string Text, Kernel.KernelVersion Since)[] Options =
    [
        (Linux.SOL_TCP, Linux.TCP_CONGESTION, "SOL_TCP, TCP_CONGESTION", new(4, 13)),
        (Linux.SOL_TCP, Linux.TCP_BPF_IW, "SOL_TCP, TCP_BPF_IW", new(4, 13)),
        (Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP, "SOL_TCP, TCP_BPF_SNDCWND_CLAMP", new(4, 13)),
        (Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE, "SOL_SOCKET, SO_MAX_PACING_RATE", new(4, 13)),
        (Linux.SOL_SOCKET, Linux.SO_SNDBUF, "SOL_SOCKET, SO_SNDBUF", new(4, 13)),
        (Linux.SOL_SOCKET, Linux.SO_RCVBUF, "SOL_SOCKET, SO_RCVBUF", new(4, 13)),
        (Linux.SOL_SOCKET, Linux.SO_KEEPALIVE, "SOL_SOCKET, SO_KEEPALIVE", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_KEEPIDLE, "SOL_TCP, TCP_KEEPIDLE", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_KEEPINTVL, "SOL_TCP, TCP_KEEPINTVL", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_KEEPCNT, "SOL_TCP, TCP_KEEPCNT", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_SYNCNT, "SOL_TCP, TCP_SYNCNT", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT, "SOL_TCP, TCP_USER_TIMEOUT", new(5, 9)),
        (Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX, "SOL_TCP, TCP_BPF_DELACK_MAX", new(5, 10)),
        (Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN, "SOL_TCP, TCP_BPF_RTO_MIN", new(5, 10)),
        (Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP, "SOL_TCP, TCP_WINDOW_CLAMP", new(5, 11)),
        (Linux.SOL_TCP, Linux.TCP_SAVE_SYN, "SOL_TCP, TCP_SAVE_SYN", new(5, 0)),
        (Linux.SOL_TCP, Linux.TCP_SAVED_SYN, "SOL_TCP, TCP_SAVED_SYN", new(5, 0)),
        (Linux.SOL_IPV6, Linux.IPV6_TCLASS, "SOL_IPV6, IPV6_TCLASS", new(4, 16)),
        (Linux.SOL_IP, Linux.IP_TOS, "SOL_IP, IP_TOS", new(4, 19)),
        (Linux.SOL_TCP, Linux.TCP_NODELAY, "SOL_TCP, TCP_NODELAY", new(6, 1)),
        (Linux.SOL_TCP, Linux.TCP_MAXSEG, "SOL_TCP, TCP_MAXSEG", new(6, 1)),
        (Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS, "SOL_TCP, TCP_BPF_SOCK_OPS_CB_FLAGS", new(6, 12)),
    ];

    /// <summary>bpf_setsockopt(skops, level, optname, optval, optlen): 0 or -errno.</summary>
    public int bpf_setsockopt(int level, int optname, byte[] optval, int optlen)
    {
        RequireHelper("bpf_setsockopt", 4, 13);
        var result = SetSockOpt(level, optname, optval.AsSpan(0, Math.Clamp(optlen, 0, optval.Length)));
        _helperLog?.Add($"setsockopt({OptionName(level, optname)}, {Describe(optname, optval, optlen)})={result}");
        return result;
    }

    /// <summary>bpf_getsockopt(skops, level, optname, optval, optlen): 0 or -errno; optval is zeroed on failure.</summary>
    public int bpf_getsockopt(int level, int optname, byte[] optval, int optlen)
    {
        RequireHelper("bpf_getsockopt", 4, 15);
        var buffer = optval.AsSpan(0, Math.Clamp(optlen, 0, optval.Length));
        var result = GetSockOpt(level, optname, buffer);
        if (result != 0)
        {
            buffer.Clear();
        }

        _helperLog?.Add($"getsockopt({OptionName(level, optname)})={result}");
        return result;
    }

    /// <summary>setsockopt(SOL_TCP, TCP_CONGESTION, name) for C# programs.</summary>
    public int SetCongestion(string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        return bpf_setsockopt(Linux.SOL_TCP, Linux.TCP_CONGESTION, bytes, bytes.Length);
    }

    /// <summary>setsockopt with an int value for C# programs.</summary>
    public int SetSockOpt(int level, int optname, int value)
    {
        var bytes = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bpf_setsockopt(level, optname, bytes, bytes.Length);
    }

    private int SetSockOpt(int level, int optname, ReadOnlySpan<byte> value)
    {
        if (!OptionAvailable(level, optname, "setsockopt"))
        {
            return -Linux.EINVAL;
        }

        switch (level, optname)
        {
            case (Linux.SOL_TCP, Linux.TCP_CONGESTION):
                // sol_tcp_sockopt_congestion() then do_tcp_setsockopt(): at most TCP_CA_NAME_MAX - 1 characters.
                if (value.Length < 2)
                {
                    return -Linux.EINVAL;
                }

                var name = value[..Math.Min(value.Length, Linux.TCP_CA_NAME_MAX - 1)];
                var end = name.IndexOf((byte)0);
                return _connection.SetCongestionControl(Encoding.ASCII.GetString(end < 0 ? name : name[..end]));
            case (Linux.SOL_TCP, Linux.TCP_BPF_IW):
                // Only before any data was sent.
                return IntOption(value, out var iw) && iw > 0 && _connection.Statistics.DataSegmentsOut == 0
                    ? SetInitialWindow((uint)iw)
                    : -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP):
                if (!IntOption(value, out var clamp) || clamp <= 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.Window.CwndClamp = (uint)clamp;
                _connection.Window.Ssthresh = (uint)clamp;
                return 0;
            case (Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE):
                if (!IntOption(value, out var rate))
                {
                    return -Linux.EINVAL;
                }

                _connection.SetMaxPacingRate(unchecked((uint)rate));
                return 0;
            case (Linux.SOL_SOCKET, Linux.SO_SNDBUF or Linux.SO_RCVBUF):
                // sk_setsockopt(): a hint, never refused; capped at wmem_max / rmem_max and doubled.
                if (!IntOption(value, out var size))
                {
                    return -Linux.EINVAL;
                }

                if (optname == Linux.SO_SNDBUF)
                {
                    _connection.SetSendBufferSize(size);
                }
                else
                {
                    _connection.SetReceiveBufferSize(size);
                }

                return 0;
            case (Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP):
                return IntOption(value, out var windowClamp) ? _connection.SetWindowClamp(windowClamp) : -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_SAVE_SYN):
                return IntOption(value, out var saveSyn) ? _connection.SetSaveSyn(saveSyn) : -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_MAXSEG):
                return IntOption(value, out var maxseg) ? _connection.SetUserMss(maxseg) : -Linux.EINVAL;
            case (Linux.SOL_IP, Linux.IP_TOS):
                return IntOption(value, out var tos) ? _connection.SetTos(tos) : -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_SAVED_SYN):
            case (Linux.SOL_IPV6, Linux.IPV6_TCLASS):
                // TCP_SAVED_SYN is read-only; an IPv6 option on an AF_INET socket is refused (sol_ipv6_sockopt()).
                return -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX or Linux.TCP_BPF_RTO_MIN):
                // A timeout in jiffies, from TCP_TIMEOUT_MIN (2 jiffies) to 200 ms (TCP_DELACK_MAX, TCP_RTO_MIN).
                if (!IntOption(value, out var us) || us < 0)
                {
                    return -Linux.EINVAL;
                }

                var jiffies = _connection.Settings.ToJiffies(Sim.Kernel.SimTime.FromMicroseconds(us));
                if (jiffies < 2 || jiffies > _connection.Settings.ToJiffies(Sim.Kernel.SimTime.FromMilliseconds(200)))
                {
                    return -Linux.EINVAL;
                }

                var timeout = _connection.Settings.FromJiffies(jiffies);
                if (optname == Linux.TCP_BPF_DELACK_MAX)
                {
                    _connection.DelayedAckMax = timeout;
                }
                else
                {
                    _connection.Settings = _connection.Settings with { MinRto = timeout };
                }

                return 0;
            case (Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS):
                // The 6.12 form of cb_flags_set(): unsupported bits refuse the whole request.
                if (!IntOption(value, out var flags) || (flags & ~Kernel.AllCallbackFlags) != 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.CallbackFlags = (Tcp.Hooks.SockOpsCallbackFlags)flags;
                return 0;
            case (Linux.SOL_TCP, Linux.TCP_NODELAY):
                if (!IntOption(value, out var nodelay))
                {
                    return -Linux.EINVAL;
                }

                _connection.NoDelay = nodelay != 0;
                return 0;
            case (Linux.SOL_SOCKET, Linux.SO_KEEPALIVE):
                if (!IntOption(value, out var keepalive))
                {
                    return -Linux.EINVAL;
                }

                _connection.KeepAlive = keepalive != 0;
                return 0;
            case (Linux.SOL_TCP, Linux.TCP_KEEPIDLE or Linux.TCP_KEEPINTVL or Linux.TCP_KEEPCNT):
                return SetKeepaliveOption(optname, value);
            case (Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT):
                return IntOption(value, out var userTimeout) ? _connection.SetUserTimeout(userTimeout) : -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_SYNCNT):
                // tcp_sock_set_syncnt(): 1 to MAX_TCP_SYNCNT (127) SYN retransmissions before giving up.
                if (!IntOption(value, out var syncnt) || syncnt is < 1 or > 127)
                {
                    return -Linux.EINVAL;
                }

                _connection.Settings = _connection.Settings with { SynRetries = syncnt };
                return 0;
            default:
                throw new SockOpsProgramException($"setsockopt({OptionName(level, optname)}) is not modelled yet");
        }
    }

    private int GetSockOpt(int level, int optname, Span<byte> value)
    {
        if (!OptionAvailable(level, optname, "getsockopt"))
        {
            return -Linux.EINVAL;
        }

        switch (level, optname)
        {
            case (Linux.SOL_TCP, Linux.TCP_CONGESTION):
                // The name NUL-terminated within optlen (do_tcp_getsockopt(), after sol_tcp_sockopt_congestion()).
                if (value.Length < 2)
                {
                    return -Linux.EINVAL;
                }

                value.Clear();
                var name = Encoding.ASCII.GetBytes(_connection.Congestion.Name);
                name.AsSpan(0, Math.Min(name.Length, value.Length - 1)).CopyTo(value);
                return 0;
            case (Linux.SOL_TCP, Linux.TCP_BPF_IW):
            case (Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP):
                // Set-only (bpf_sol_tcp_setsockopt()).
                return -Linux.EINVAL;
            case (Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE):
                return IntResult(value, (int)(uint)Math.Min(_connection.MaxPacingRate, uint.MaxValue));
            case (Linux.SOL_SOCKET, Linux.SO_SNDBUF):
                return IntResult(value, _connection.SendBufferSize);
            case (Linux.SOL_SOCKET, Linux.SO_RCVBUF):
                return IntResult(value, _connection.ReceiveBufferSize);
            case (Linux.SOL_TCP, Linux.TCP_WINDOW_CLAMP):
                return IntResult(value, (int)_connection.WindowClamp);
            case (Linux.SOL_TCP, Linux.TCP_SAVE_SYN):
                return IntResult(value, _connection.SaveSyn);
            case (Linux.SOL_TCP, Linux.TCP_MAXSEG):
                return IntResult(value, _connection.MaxSegmentOption);
            case (Linux.SOL_IP, Linux.IP_TOS):
                return IntResult(value, _connection.Tos);
            case (Linux.SOL_TCP, Linux.TCP_SAVED_SYN):
                // bpf_sol_tcp_getsockopt(): the first optlen bytes of the saved headers; -EINVAL without them or when optlen is longer.
                if (_connection.SavedSyn is not { } saved || value.Length > saved.Length)
                {
                    return -Linux.EINVAL;
                }

                saved.AsSpan(0, value.Length).CopyTo(value);
                return 0;
            case (Linux.SOL_IPV6, Linux.IPV6_TCLASS):
                return -Linux.EINVAL;
            case (Linux.SOL_TCP, Linux.TCP_BPF_DELACK_MAX):
                return IntResult(value, (int)_connection.DelayedAckMax.Microseconds);
            case (Linux.SOL_TCP, Linux.TCP_BPF_RTO_MIN):
                return IntResult(value, (int)_connection.Settings.MinRto.Microseconds);
            case (Linux.SOL_TCP, Linux.TCP_BPF_SOCK_OPS_CB_FLAGS):
                return IntResult(value, (int)_connection.CallbackFlags);
            case (Linux.SOL_TCP, Linux.TCP_NODELAY):
                return IntResult(value, _connection.NoDelay ? 1 : 0);
            case (Linux.SOL_SOCKET, Linux.SO_KEEPALIVE):
                return IntResult(value, _connection.KeepAlive ? 1 : 0);
            case (Linux.SOL_TCP, Linux.TCP_KEEPIDLE):
                return IntResult(value, (int)_connection.Settings.KeepAliveTime.TotalSeconds);
            case (Linux.SOL_TCP, Linux.TCP_KEEPINTVL):
                return IntResult(value, (int)_connection.Settings.KeepAliveInterval.TotalSeconds);
            case (Linux.SOL_TCP, Linux.TCP_KEEPCNT):
                return IntResult(value, _connection.Settings.KeepAliveProbes);
            case (Linux.SOL_TCP, Linux.TCP_SYNCNT):
                return IntResult(value, _connection.Settings.SynRetries);
            case (Linux.SOL_TCP, Linux.TCP_USER_TIMEOUT):
                return IntResult(value, (int)_connection.UserTimeout.Milliseconds);
            default:
                throw new SockOpsProgramException($"getsockopt({OptionName(level, optname)}) is not modelled yet");
        }
    }

    /// <summary>tcp_sock_set_keepidle(), TCP_KEEPINTVL, TCP_KEEPCNT: seconds from 1 to MAX_TCP_KEEPIDLE (32767), probes from 1 to 127.</summary>
    private int SetKeepaliveOption(int optname, ReadOnlySpan<byte> value)
    {
        if (!IntOption(value, out var number) || number < 1 || number > (optname == Linux.TCP_KEEPCNT ? 127 : 32767))
        {
            return -Linux.EINVAL;
        }

        var settings = _connection.Settings;
        _connection.Settings = optname switch
        {
            Linux.TCP_KEEPIDLE => settings with { KeepAliveTime = Sim.Kernel.SimTime.FromSeconds(number) },
            Linux.TCP_KEEPINTVL => settings with { KeepAliveInterval = Sim.Kernel.SimTime.FromSeconds(number) },
            _ => settings with { KeepAliveProbes = number },
        };
        return 0;
    }

    private static int IntResult(Span<byte> value, int result)
    {
        if (value.Length != sizeof(int))
        {
            return -Linux.EINVAL;
        }

        BinaryPrimitives.WriteInt32LittleEndian(value, result);
        return 0;
    }

    /// <summary>
    /// __bpf_setsockopt()'s first checks: a full socket, and an option this kernel version's helper
    /// knows (before its version an option is as unknown to the helper: -EINVAL). An option not in
    /// <see cref="Options"/> is not modelled, which is a program error.
    /// </summary>
    private bool OptionAvailable(int level, int optname, string helper)
    {
        if (!_connection.IsFullSocket)
        {
            return false;
        }

        var option = Array.Find(Options, o => o.Level == level && o.Name == optname);
        return option.Text is null
            ? throw new SockOpsProgramException($"{helper}({OptionName(level, optname)}) is not modelled yet")
            : Kernel.Version >= option.Since;
    }

    private int SetInitialWindow(uint segments)
    {
        _connection.Window.Cwnd = segments;
        return 0;
    }

    private static bool IntOption(ReadOnlySpan<byte> value, out int result)
    {
        result = value.Length == sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(value) : 0;
        return value.Length == sizeof(int);
    }

    private void RequireHelper(string helper, int major, int minor)
    {
        if (Kernel.Version < new Kernel.KernelVersion(major, minor))
        {
            throw new SockOpsProgramException($"{helper} does not exist in Linux {Kernel.Version} (added in {major}.{minor})");
        }
    }

    private static string OptionName(int level, int optname) =>
        Array.Find(Options, o => o.Level == level && o.Name == optname).Text ?? $"{level}, {optname}";

    private static string Describe(int optname, byte[] optval, int optlen)
    {
        var length = Math.Clamp(optlen, 0, optval.Length);
        if (optname == Linux.TCP_CONGESTION)
        {
            var end = Array.IndexOf(optval, (byte)0, 0, length);
            return $"\"{Encoding.ASCII.GetString(optval, 0, end < 0 ? length : end)}\"";
        }

        return length == sizeof(int) ? BinaryPrimitives.ReadInt32LittleEndian(optval).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{length} bytes";
    }
}
