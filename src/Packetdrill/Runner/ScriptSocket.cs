using NetSim.Tcp;
using NetSim.Tcp.Timestamping;

namespace NetSim.Packetdrill.Runner;

/// <summary>A file descriptor of the script: a socket before connect or listen, a listener, a connection, or a regular file.</summary>
internal sealed class ScriptSocket(int fd)
{
    public int Fd { get; } = fd;

    public bool NonBlocking { get; set; }

    public TcpConnection? Connection { get; set; }

    public TcpConnection? Listener { get; set; }

    /// <summary>sock->state: what a connect() on the descriptor answers.</summary>
    public SocketState State { get; set; }

    /// <summary>
    /// sk_state is TCP_CLOSE: the socket never connected, or its connection is gone (reset, timed
    /// out, dissolved by connect(AF_UNSPEC)), and it does not listen. Such a socket may connect,
    /// and take TCP_FASTOPEN and TCP_FASTOPEN_CONNECT, as a new one may.
    /// </summary>
    public bool InClose => Listener is not { State: TcpState.Listen } && Connection is null or { State: TcpState.Closed };

    /// <summary>A regular file open()ed by the script, for sendfile(), in place of a socket.</summary>
    public ScriptFile? File { get; set; }

    /// <summary>The local port bind() gave and the range IP_LOCAL_PORT_RANGE set, which connect() chooses from.</summary>
    public LocalBinding Binding { get; set; }

    /// <summary>Socket options set before the connection exists (setsockopt before connect or listen).</summary>
    public TcpSettings? PendingSettings { get; set; }

    public bool PendingNoDelay { get; set; }

    public bool PendingCork { get; set; }

    /// <summary>IP_TOS set before the connection exists.</summary>
    public int? PendingTos { get; set; }

    /// <summary>TCP_INQ: recvmsg() reports the bytes left to read (TCP_CM_INQ).</summary>
    public bool ReceiveQueueHint { get; set; }

    public bool PendingKeepAlive { get; set; }

    /// <summary>SO_RCVLOWAT and TCP_NOTSENT_LOWAT set before the connection exists.</summary>
    public int? PendingReceiveLowWatermark { get; set; }

    public int? PendingNotSentLowWatermark { get; set; }

    /// <summary>TCP_MAXSEG set before connect or listen (tp->rx_opt.user_mss).</summary>
    public int? PendingUserMss { get; set; }

    /// <summary>TCP_USER_TIMEOUT set before connect or listen, in milliseconds (icsk_user_timeout).</summary>
    public int? PendingUserTimeout { get; set; }

    /// <summary>SO_LINGER set before connect or listen (struct linger).</summary>
    public (int OnOff, int Seconds)? PendingLinger { get; set; }

    /// <summary>TCP_LINGER2 set before connect or listen, in seconds (tp->linger2).</summary>
    public int? PendingLinger2 { get; set; }

    /// <summary>SO_PRIORITY set before connect or listen (sk_priority).</summary>
    public int? PendingPriority { get; set; }

    /// <summary>SO_MAX_PACING_RATE set before connect or listen, bytes per second (sk_max_pacing_rate).</summary>
    public uint? PendingMaxPacingRate { get; set; }

    /// <summary>TCP_THIN_LINEAR_TIMEOUTS set before connect or listen (tp->thin_lto).</summary>
    public bool? PendingThinLinearTimeouts { get; set; }

    /// <summary>TCP_WINDOW_CLAMP set before connect or listen (tp->window_clamp).</summary>
    public int? PendingWindowClamp { get; set; }

    /// <summary>TCP_FASTOPEN_CONNECT (tp->fastopen_connect): connect() may leave the SYN to the first write.</summary>
    public bool FastOpenConnect { get; set; }

    /// <summary>connect() was deferred (DEFER_CONNECT): the first write opens the connection with data in its SYN.</summary>
    public bool DeferredConnect { get; set; }

    /// <summary>TCP_FASTOPEN and TCP_FASTOPEN_KEY set before listen().</summary>
    public int? PendingFastOpenQueue { get; set; }

    public byte[]? PendingFastOpenKey { get; set; }

    /// <summary>The connection's error has been reported (by SO_ERROR, read or write) and so cleared.</summary>
    public bool ErrorReported { get; set; }

    /// <summary>SO_ZEROCOPY (SOCK_ZEROCOPY): sends with MSG_ZEROCOPY are notified on the error queue; an accepted socket inherits it.</summary>
    public bool ZeroCopy { get; set; }

    /// <summary>The next MSG_ZEROCOPY send's notification ID (sk->sk_zckey).</summary>
    public uint ZeroCopyKey { get; set; }

    /// <summary>MSG_ZEROCOPY sends whose data is not all acknowledged yet: their ID and the sequence number that ends them.</summary>
    public List<(uint Id, SequenceNumber End)> ZeroCopyInFlight { get; } = [];

    /// <summary>The error queue: zerocopy notifications and transmit timestamps, oldest first.</summary>
    public List<ErrorQueueEntry> ErrorQueue { get; } = [];

    /// <summary>Notifications queued so far, each a wake-up (sk_error_report()) that readies an edge-triggered epoll item.</summary>
    public int ErrorReports { get; set; }

    /// <summary>SO_TIMESTAMPING set before the connection exists.</summary>
    public TimestampingFlags? PendingTimestamping { get; set; }

    /// <summary>The connection's transmit timestamps are being queued here.</summary>
    public bool CollectsTimestamps { get; set; }
}
