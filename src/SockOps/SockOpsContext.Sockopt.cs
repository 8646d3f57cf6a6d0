using System.Buffers.Binary;
using System.Text;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // The helpers keep the kernel's names, so C programs port unchanged.

/// <summary>
/// bpf_setsockopt() and bpf_getsockopt() (net/core/filter.c: __bpf_setsockopt(), and from 6.1
/// sol_socket_sockopt(), sol_tcp_sockopt(), sol_ip_sockopt(), sol_ipv6_sockopt()) for the options
/// of <see cref="SockoptSupport.All"/>, each from the kernel version that allows it. An option
/// Linux has and this model does not is reported as a program error (with connection and op),
/// never answered wrongly. The SOL_SOCKET and SOL_TCP options are in their own files.
/// </summary>
public sealed partial class SockOpsContext
{
    /// <summary>bpf_setsockopt(skops, level, optname, optval, optlen): 0 or -errno.</summary>
    public int bpf_setsockopt(int level, int optname, byte[] optval, int optlen)
    {
        RequireHelper("bpf_setsockopt", 4, 13);
        var result = !IsLockedTcpSock ? -Linux.EOPNOTSUPP : SetSockOpt(level, optname, optval.AsSpan(0, Math.Clamp(optlen, 0, optval.Length)));
        _helperLog?.Add($"setsockopt({OptionName(level, optname)}, {Describe(optname, optval, optlen)})={result}");
        return result;
    }

    /// <summary>bpf_getsockopt(skops, level, optname, optval, optlen): 0 or -errno; optval is zeroed on failure.</summary>
    public int bpf_getsockopt(int level, int optname, byte[] optval, int optlen)
    {
        RequireHelper("bpf_getsockopt", 4, 15);
        var buffer = optval.AsSpan(0, Math.Clamp(optlen, 0, optval.Length));
        int result;
        if (!IsLockedTcpSock)
        {
            result = -Linux.EOPNOTSUPP;
            buffer.Clear();
        }
        // bpf_sock_ops_getsockopt() reads the SYN headers before __bpf_getsockopt()'s full-socket check.
        else if (level == Linux.SOL_TCP && optname is >= Linux.TCP_BPF_SYN and <= Linux.TCP_BPF_SYN_MAC
            && SockoptSupport.Find(level, optname)?.GetSince is { } since && Kernel.Version >= since)
        {
            result = GetSynHeaders(optname, buffer);
        }
        else
        {
            result = GetSockOpt(level, optname, buffer);
            if (result != 0)
            {
                buffer.Clear();
            }
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
        if (!OptionAvailable(level, optname, "setsockopt", o => o.SetSince))
        {
            return -Linux.EINVAL;
        }

        return level switch
        {
            Linux.SOL_SOCKET => SetSocketOption(optname, value),
            Linux.SOL_TCP => SetTcpOption(optname, value),
            Linux.SOL_IP => IntOption(value, out var tos) ? _connection.SetTos(tos) : -Linux.EINVAL,

            // sol_ipv6_sockopt(): an IPv6 option on an AF_INET socket is refused.
            _ => -Linux.EINVAL,
        };
    }

    private int GetSockOpt(int level, int optname, Span<byte> value)
    {
        if (!OptionAvailable(level, optname, "getsockopt", o => o.GetSince))
        {
            return -Linux.EINVAL;
        }

        return level switch
        {
            Linux.SOL_SOCKET => GetSocketOption(optname, value),
            Linux.SOL_TCP => GetTcpOption(optname, value),
            Linux.SOL_IP => IntResult(value, _connection.Tos),
            _ => -Linux.EINVAL,
        };
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
    /// knows in this direction (before its version an option is as unknown to the helper: -EINVAL).
    /// An option not in <see cref="SockoptSupport.All"/> is not modelled, which is a program error.
    /// </summary>
    private bool OptionAvailable(int level, int optname, string helper, Func<SockoptSupport, Kernel.KernelVersion?> since)
    {
        var option = SockoptSupport.Find(level, optname)
            ?? throw new SockOpsProgramException($"{helper}({OptionName(level, optname)}) is not modelled yet");
        return _connection.IsFullSocket && since(option) is { } version && Kernel.Version >= version;
    }

    /// <summary>A name as the kernel copies one in: at most <paramref name="size"/> - 1 characters, up to the first NUL.</summary>
    private static string CString(ReadOnlySpan<byte> value, int size)
    {
        var name = value[..Math.Min(value.Length, size - 1)];
        var end = name.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
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

    private static string OptionName(int level, int optname) => SockoptSupport.NameOf(level, optname);

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
