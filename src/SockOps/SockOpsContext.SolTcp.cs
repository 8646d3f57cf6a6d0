using System.Text;

namespace NetSim.SockOps;

/// <summary>
/// The SOL_TCP options of bpf_setsockopt()/bpf_getsockopt(): do_tcp_setsockopt() and
/// do_tcp_getsockopt() as sol_tcp_sockopt() reaches them, and the BPF-only options of
/// bpf_sol_tcp_setsockopt() (TCP_BPF_IW, TCP_BPF_SNDCWND_CLAMP, TCP_BPF_DELACK_MAX,
/// TCP_BPF_RTO_MIN, TCP_BPF_SOCK_OPS_CB_FLAGS).
/// </summary>
public sealed partial class SockOpsContext
{
    private int SetTcpOption(int optname, ReadOnlySpan<byte> value)
    {
        if (optname == Linux.TCP_CONGESTION)
        {
            // sol_tcp_sockopt_congestion() then do_tcp_setsockopt(): at most TCP_CA_NAME_MAX - 1 characters.
            if (value.Length < 2)
            {
                return -Linux.EINVAL;
            }

            return _connection.SetCongestionControl(CString(value, Linux.TCP_CA_NAME_MAX));
        }

        if (!IntOption(value, out var number))
        {
            return -Linux.EINVAL;
        }

        switch (optname)
        {
            case Linux.TCP_BPF_IW:
                // Only before any data was sent.
                if (number <= 0 || _connection.Statistics.DataSegmentsOut != 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.Window.Cwnd = (uint)number;
                return 0;
            case Linux.TCP_BPF_SNDCWND_CLAMP:
                if (number <= 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.Window.CwndClamp = (uint)number;
                _connection.Window.Ssthresh = (uint)number;
                return 0;
            case Linux.TCP_BPF_DELACK_MAX or Linux.TCP_BPF_RTO_MIN:
                return SetBpfTimeout(optname, number);
            case Linux.TCP_BPF_SOCK_OPS_CB_FLAGS:
                // The 6.12 form of cb_flags_set(): unsupported bits refuse the whole request.
                if ((number & ~Kernel.AllCallbackFlags) != 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.CallbackFlags = (Tcp.Hooks.SockOpsCallbackFlags)number;
                return 0;
            case Linux.TCP_NODELAY:
                _connection.NoDelay = number != 0;
                return 0;
            case Linux.TCP_KEEPIDLE or Linux.TCP_KEEPINTVL or Linux.TCP_KEEPCNT:
                return SetKeepaliveOption(optname, number);
            case Linux.TCP_USER_TIMEOUT:
                return _connection.SetUserTimeout(number);
            case Linux.TCP_SYNCNT:
                // tcp_sock_set_syncnt(): 1 to MAX_TCP_SYNCNT (127) SYN retransmissions before giving up.
                if (number is < 1 or > 127)
                {
                    return -Linux.EINVAL;
                }

                _connection.Settings = _connection.Settings with { SynRetries = number };
                return 0;
            case Linux.TCP_WINDOW_CLAMP:
                return _connection.SetWindowClamp(number);
            case Linux.TCP_SAVE_SYN:
                // __bpf_setsockopt() took 0 or 1; do_tcp_setsockopt(), from 6.1, also 2 (with the link-layer header).
                return number > 1 && Kernel.Version < new Kernel.KernelVersion(6, 1) ? -Linux.EINVAL : _connection.SetSaveSyn(number);
            case Linux.TCP_MAXSEG:
                return _connection.SetUserMss(number);
            case Linux.TCP_NOTSENT_LOWAT:
                _connection.SetNotSentLowWatermark(number);
                return 0;
            default:
                // TCP_THIN_LINEAR_TIMEOUTS: 0 or 1.
                if (number is < 0 or > 1)
                {
                    return -Linux.EINVAL;
                }

                _connection.ThinLinearTimeouts = number == 1;
                return 0;
        }
    }

    private int GetTcpOption(int optname, Span<byte> value)
    {
        switch (optname)
        {
            case Linux.TCP_CONGESTION:
                // The name NUL-terminated within optlen (do_tcp_getsockopt(), after sol_tcp_sockopt_congestion()).
                if (value.Length < 2)
                {
                    return -Linux.EINVAL;
                }

                value.Clear();
                var name = Encoding.ASCII.GetBytes(_connection.Congestion.Name);
                name.AsSpan(0, Math.Min(name.Length, value.Length - 1)).CopyTo(value);
                return 0;
            case Linux.TCP_SAVED_SYN:
                // The first optlen bytes of the saved headers; -EINVAL without them or when optlen is longer.
                if (_connection.SavedSyn is not { } saved || value.Length > saved.Length)
                {
                    return -Linux.EINVAL;
                }

                saved.AsSpan(0, value.Length).CopyTo(value);
                return 0;
            default:
                return IntResult(value, optname switch
                {
                    Linux.TCP_WINDOW_CLAMP => (int)_connection.WindowClamp,
                    Linux.TCP_SAVE_SYN => _connection.SaveSyn,
                    Linux.TCP_MAXSEG => _connection.MaxSegmentOption,
                    Linux.TCP_BPF_DELACK_MAX => (int)_connection.DelayedAckMax.Microseconds,
                    Linux.TCP_BPF_RTO_MIN => (int)_connection.Settings.MinRto.Microseconds,
                    Linux.TCP_BPF_SOCK_OPS_CB_FLAGS => (int)_connection.CallbackFlags,
                    Linux.TCP_NODELAY => _connection.NoDelay ? 1 : 0,
                    Linux.TCP_KEEPIDLE => (int)_connection.Settings.KeepAliveTime.TotalSeconds,
                    Linux.TCP_KEEPINTVL => (int)_connection.Settings.KeepAliveInterval.TotalSeconds,
                    Linux.TCP_KEEPCNT => _connection.Settings.KeepAliveProbes,
                    Linux.TCP_SYNCNT => _connection.Settings.SynRetries,
                    Linux.TCP_USER_TIMEOUT => (int)_connection.UserTimeout.Milliseconds,
                    Linux.TCP_NOTSENT_LOWAT => unchecked((int)_connection.NotSentLowWatermark),
                    _ => _connection.ThinLinearTimeouts ? 1 : 0,
                });
        }
    }

    /// <summary>A timeout in jiffies, from TCP_TIMEOUT_MIN (2 jiffies) to 200 ms (TCP_DELACK_MAX, TCP_RTO_MIN).</summary>
    private int SetBpfTimeout(int optname, int us)
    {
        if (us < 0)
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
    }

    /// <summary>tcp_sock_set_keepidle(), TCP_KEEPINTVL, TCP_KEEPCNT: seconds from 1 to MAX_TCP_KEEPIDLE (32767), probes from 1 to 127.</summary>
    private int SetKeepaliveOption(int optname, int number)
    {
        if (number < 1 || number > (optname == Linux.TCP_KEEPCNT ? 127 : 32767))
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
}
