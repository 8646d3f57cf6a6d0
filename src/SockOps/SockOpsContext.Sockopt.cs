using System.Buffers.Binary;
using System.Text;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names, so C programs port unchanged.

/// <summary>
/// bpf_setsockopt() and bpf_getsockopt() (net/core/filter.c, __bpf_setsockopt() and
/// sol_tcp_sockopt()) for the options modelled so far: TCP_CONGESTION, TCP_BPF_IW,
/// TCP_BPF_SNDCWND_CLAMP and SO_MAX_PACING_RATE. An option Linux has and this model does not yet
/// is reported as a program error (with connection and op), never answered wrongly.
/// </summary>
public sealed partial class SockOpsContext
{
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
        if (!_connection.IsFullSocket)
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
            default:
                throw new SockOpsProgramException($"setsockopt({OptionName(level, optname)}) is not modelled yet");
        }
    }

    private int GetSockOpt(int level, int optname, Span<byte> value)
    {
        if (!_connection.IsFullSocket)
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
                if (value.Length != sizeof(int))
                {
                    return -Linux.EINVAL;
                }

                BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)Math.Min(_connection.MaxPacingRate, uint.MaxValue));
                return 0;
            default:
                throw new SockOpsProgramException($"getsockopt({OptionName(level, optname)}) is not modelled yet");
        }
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

    private static string OptionName(int level, int optname) => (level, optname) switch
    {
        (Linux.SOL_TCP, Linux.TCP_CONGESTION) => "SOL_TCP, TCP_CONGESTION",
        (Linux.SOL_TCP, Linux.TCP_BPF_IW) => "SOL_TCP, TCP_BPF_IW",
        (Linux.SOL_TCP, Linux.TCP_BPF_SNDCWND_CLAMP) => "SOL_TCP, TCP_BPF_SNDCWND_CLAMP",
        (Linux.SOL_SOCKET, Linux.SO_MAX_PACING_RATE) => "SOL_SOCKET, SO_MAX_PACING_RATE",
        _ => $"{level}, {optname}",
    };

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
