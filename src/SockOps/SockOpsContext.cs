using System.Buffers.Binary;
using NetSim.SockOps.Kernel;
using NetSim.Tcp;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // Field names are the kernel's (struct bpf_sock_ops), so C programs port unchanged.

/// <summary>
/// What a sock_ops program sees: Linux's struct bpf_sock_ops, with its field names and units.
/// Only <see cref="reply"/> (which shares storage with args[0]) and <see cref="sk_txhash"/> are
/// writable. The tcp_sock fields read 0 unless the socket is a full socket. One context is
/// reused for every invocation, zeroed first as tcp_call_bpf() does.
/// </summary>
public sealed partial class SockOpsContext
{
    private readonly uint[] _args = new uint[4];
    private TcpConnection _connection = null!;
    private HelperCallLog? _helperLog;

    internal SockOpsContext(KernelModel kernel, NetSim.SockOps.Maps.BpfMaps maps)
    {
        Kernel = kernel;
        Maps = maps;
    }

    /// <summary>The run's BPF maps by name, shared by every program of the run (as pinned maps are).</summary>
    public NetSim.SockOps.Maps.BpfMaps Maps { get; }

    /// <summary>The modelled kernel: its version decides which helpers and flags exist.</summary>
    public KernelModel Kernel { get; }

    /// <summary>The socket, for C# programs that want more than Linux exposes (read-only use).</summary>
    public TcpConnection Connection => _connection;

    internal void Prepare(TcpConnection connection, SockOp op, uint arg0, uint arg1, uint arg2, SockOpsSkb? segment, HelperCallLog? helperLog)
    {
        _connection = connection;
        _segment = segment;
        this.op = (uint)op;
        _args[0] = arg0;
        _args[1] = arg1;
        _args[2] = arg2;
        _args[3] = 0;
        _helperLog = helperLog;
    }

    public uint op { get; private set; }

    /// <summary>args[0..3]; args[0] is the same storage as <see cref="reply"/>.</summary>
    public uint[] args => _args;

    public uint reply
    {
        get => _args[0];
        set => _args[0] = value;
    }

    /// <summary>replylong[0..3]: the same storage as args.</summary>
    public uint[] replylong => _args;

    public uint family => Linux.AF_INET;

    /// <summary>Network byte order, as the kernel stores it (compare with bpf_ntohl()).</summary>
    public uint remote_ip4 => _connection.RemoteAddress.NetworkOrder;

    public uint local_ip4 => _connection.LocalAddress.NetworkOrder;

    /// <summary>remote_ip6[4]: an AF_INET socket has no IPv6 address; all four words read 0.</summary>
    public uint[] remote_ip6 => new uint[4];

    /// <summary>local_ip6[4]: as <see cref="remote_ip6"/>.</summary>
    public uint[] local_ip6 => new uint[4];

    /// <summary>The port in network byte order in a u32: bpf_ntohl(remote_port) is the port.</summary>
    public uint remote_port => BinaryPrimitives.ReverseEndianness((uint)_connection.RemotePort);

    /// <summary>Host byte order.</summary>
    public uint local_port => _connection.LocalPort;

    public uint is_fullsock => _connection.IsFullSocket ? 1u : 0u;

    /// <summary>BPF_TCP_*; a request socket reads BPF_TCP_NEW_SYN_RECV.</summary>
    public uint state => _connection.IsFullSocket ? (uint)_connection.State : Linux.BPF_TCP_NEW_SYN_RECV;

    /// <summary>sk->sk_txhash: readable and writable on a full socket (the write stays with the socket); 0 otherwise.</summary>
    public uint sk_txhash
    {
        get => Full ? _connection.TxHash : 0;
        set
        {
            if (Full)
            {
                _connection.TxHash = value;
            }
        }
    }

    /// <summary>
    /// The tcp_sock fields read 0 unless the socket is a full one whose lock the op holds
    /// (is_locked_tcp_sock, 6.15): the TX timestamping ops run without it.
    /// </summary>
    private bool Full => _connection.IsFullSocket && IsLockedTcpSock;

    /// <summary>The op runs with the socket locked: every op but the TX timestamping ones (is_locked_tcp_sock_ops()).</summary>
    private bool IsLockedTcpSock => Op < SockOp.TstampSchedCb;

    public uint snd_cwnd => Full ? _connection.Window.Cwnd : 0;
    public uint srtt_us => Full ? (uint)_connection.SrttUs8ForSockOps : 0;
    public uint bpf_sock_ops_cb_flags => Full ? (uint)_connection.CallbackFlags : 0;
    public uint snd_ssthresh => Full ? _connection.Window.Ssthresh : 0;
    public uint rcv_nxt => Full ? _connection.RcvNxt.Value : 0;
    public uint snd_nxt => Full ? _connection.SndNxt.Value : 0;
    public uint snd_una => Full ? _connection.SndUna.Value : 0;
    public uint mss_cache => Full ? (uint)_connection.Mss : 0;
    public uint ecn_flags => Full ? (uint)_connection.EcnFlags : 0;
    public uint packets_out => Full ? (uint)_connection.PacketsOut : 0;
    public uint retrans_out => Full ? (uint)_connection.RetransOut : 0;
    public uint total_retrans => Full ? (uint)_connection.Statistics.TotalRetransmissions : 0;
    public uint segs_in => Full ? (uint)_connection.Statistics.SegmentsIn : 0;
    public uint data_segs_in => Full ? (uint)_connection.Statistics.DataSegmentsIn : 0;
    public uint segs_out => Full ? (uint)_connection.Statistics.SegmentsOut : 0;
    public uint data_segs_out => Full ? (uint)_connection.Statistics.DataSegmentsOut : 0;
    public uint lost_out => Full ? (uint)_connection.LostOut : 0;
    public uint sacked_out => Full ? (uint)_connection.SackedOut : 0;
    public ulong bytes_received => Full ? (ulong)_connection.Statistics.BytesReceived : 0;
    public ulong bytes_acked => Full ? (ulong)_connection.Statistics.BytesAcked : 0;

    /// <summary>The last delivery-rate sample's segments and interval (tp->rate_delivered, tp->rate_interval_us).</summary>
    public uint rate_delivered => Full ? (uint)_connection.DeliveryRate.RateDelivered : 0;

    public uint rate_interval_us => Full ? (uint)_connection.DeliveryRate.RateIntervalUs : 0;

    /// <summary>The minimum RTT in us (tcp_min_rtt()); 0 for a request socket.</summary>
    public uint rtt_min => Full ? (uint)_connection.MinRttUs : 0;

    /// <summary>skops->sk (Linux 5.3+): the socket, for helpers such as bpf_tcp_sock() and bpf_sk_storage_get().</summary>
    public BpfSock? sk => Kernel.Version >= new Kernel.KernelVersion(5, 3)
        ? new BpfSock(_connection)
        : throw new SockOpsProgramException($"bpf_sock_ops.sk does not exist in Linux {Kernel.Version} (added in 5.3)");

    /// <summary>
    /// bpf_sock_ops_cb_flags_set() (net/core/filter.c): -EOPNOTSUPP in the TX timestamping ops,
    /// -EINVAL unless a full socket; otherwise
    /// the flags are REPLACED by the bits this kernel supports and the other bits are returned.
    /// </summary>
    public int bpf_sock_ops_cb_flags_set(int argval)
    {
        if (!Kernel.HasCallbackFlagsHelper)
        {
            throw new SockOpsProgramException($"bpf_sock_ops_cb_flags_set does not exist in Linux {Kernel.Version} (added in 4.16)");
        }

        int result;
        if (!IsLockedTcpSock)
        {
            result = -Linux.EOPNOTSUPP;
        }
        else if (!_connection.IsFullSocket)
        {
            result = -Linux.EINVAL;
        }
        else
        {
            var all = Kernel.AllCallbackFlags;
            _connection.CallbackFlags = (SockOpsCallbackFlags)(argval & all);
            result = argval & ~all;
        }

        _helperLog?.Add($"cb_flags_set(0x{argval:x})={result}");
        return result;
    }

    internal Action<SockOpsOutput>? Output { get; set; }

    /// <summary>The program running now, for the records it emits.</summary>
    internal SockOpsProgram? Program { get; set; }

    /// <summary>
    /// Emits a record into the run's results (sockops_output.csv), as a C program would with
    /// bpf_perf_event_output() or bpf_ringbuf_output() to a reader in user space. Returns 0.
    /// </summary>
    public int bpf_output(string record)
    {
        Output?.Invoke(new SockOpsOutput(_connection.Simulation.Now, _connection, Op, Program?.Name ?? string.Empty, record));
        _helperLog?.Add("output");
        return 0;
    }

    /// <summary>bpf_get_prandom_u32(): a pseudo-random number from the run's seeded stream.</summary>
    public uint bpf_get_prandom_u32() => (uint)_connection.Simulation.Random.Get("bpf/prandom").NextInt64(0, 1L << 32);

    /// <summary>bpf_perf_event_output() as a C# program calls it: the record goes to sockops_output.csv, as with <see cref="bpf_output"/>.</summary>
    public int bpf_perf_event_output(string record) => bpf_output(record);

    /// <summary>bpf_ringbuf_output() as a C# program calls it: the record goes to sockops_output.csv, as with <see cref="bpf_output"/>.</summary>
    public int bpf_ringbuf_output(string record) => bpf_output(record);

    /// <summary>The key of a socket's cookie in its per-socket storage.</summary>
    private static readonly object CookieKey = new();

    /// <summary>bpf_get_socket_cookie(skops): the socket's cookie, given on first use from a run-wide counter (sock_gen_cookie()).</summary>
    public ulong bpf_get_socket_cookie()
    {
        if (!_connection.SocketStorage.TryGetValue(CookieKey, out var cookie))
        {
            cookie = Maps.NextSocketCookie();
            _connection.SocketStorage.Add(CookieKey, cookie);
        }

        return (ulong)cookie;
    }

    /// <summary>bpf_ktime_get_ns(): the monotonic clock in ns, here the simulated time since the run began.</summary>
    public ulong bpf_ktime_get_ns() => (ulong)_connection.Simulation.Now.Nanoseconds;

    /// <summary>bpf_printk(): a line for the trace pipe, which the simulator keeps with the program's other records (sockops_output.csv).</summary>
    public int bpf_printk(string line) => bpf_output(line);

    /// <summary>The idiomatic form of <see cref="bpf_sock_ops_cb_flags_set"/>.</summary>
    public int CbFlagsSet(SockOpsCallbackFlags flags) => bpf_sock_ops_cb_flags_set((int)flags);

    /// <summary>The callback flags as an enum, for C# programs.</summary>
    public SockOpsCallbackFlags CallbackFlags => _connection.CallbackFlags;

    public SockOp Op => (SockOp)op;
}
#pragma warning restore IDE1006
