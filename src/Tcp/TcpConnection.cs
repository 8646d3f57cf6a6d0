using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;
using NetSim.Tcp.Hooks;
using NetSim.Tcp.Rtt;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Tcp;

/// <summary>
/// One TCP endpoint: the transmission control block and the event processing of RFC 9293 §3.10,
/// split by concern like Linux's tcp_input.c, tcp_output.c and tcp_timer.c across the partial
/// files TcpConnection.*.cs. This file holds the TCB and the user calls.
/// </summary>
public sealed partial class TcpConnection
{
    private readonly RetransmissionQueue _rtx = new();
    private readonly ReceiveBuffer _receiveBuffer;
    private readonly Timer _retransmitTimer;
    private readonly Timer _delayedAckTimer;
    private readonly Timer _timeWaitTimer;
    private readonly Timer _persistTimer;
    private readonly Timer _keepAliveTimer;

    private long _bytesWritten;
    private long _streamNext;
    private bool _finRequested;
    private bool _finSent;
    private bool _orphaned;

    /// <summary>close() has been called: the application no longer holds the socket (sock_orphan()).</summary>
    public bool IsOrphaned => _orphaned;
    private bool _handedToTimeWait;

    internal TcpConnection(TcpStack stack, TcpSettings settings, Ipv4Address remoteAddress, ushort localPort, ushort remotePort)
    {
        Stack = stack;
        _settings = settings;
        LocalAddress = stack.Host.Address;
        RemoteAddress = remoteAddress;
        LocalPort = localPort;
        RemotePort = remotePort;
        _tsOffset = stack.TimestampOffset(settings, remoteAddress, remotePort, localPort);
        Name = $"{stack.Host.Name}:{localPort}";
        Rtt = RttEstimator.Create(settings);
        Rto = settings.InitialRto;
        Congestion = CongestionControlRegistry.Create(settings.Congestion);
        Window.Cwnd = (uint)settings.InitialCwnd;
        Reordering = settings.DupThresh;
        Mss = settings.Mss;
        _receiveBufferBytes = ReceiveMemoryFor(2L * settings.ReceiveBuffer);
        _receiveBuffer = new ReceiveBuffer((int)WinFromSpace(_receiveBufferBytes));
        _sendBufferSize = settings.SendBuffer;
        _retransmitTimer = new Timer(stack.Simulation, OnRetransmitTimer);
        _delayedAckTimer = new Timer(stack.Simulation, OnDelayedAckTimer);
        _timeWaitTimer = new Timer(stack.Simulation, CloseTimeWait);
        _persistTimer = new Timer(stack.Simulation, OnPersistTimer);
        _keepAliveTimer = new Timer(stack.Simulation, OnKeepAliveTimer);
        _pacingTimer = new Timer(stack.Simulation, OnPacingTimer);
        PacingEnabled = settings.Pacing;
        _rtx.Rate = _rate;
        _rtx.LossObserver = this;
        _keepAlive = settings.KeepAlive;
        _nonagle = settings.NoDelay ? Nagle.Off : Nagle.None;
        _minRtt.Reset(Jiffies, uint.MaxValue);
    }

    public TcpStack Stack { get; }

    /// <summary>
    /// The constants in force; setsockopt() may replace them, and the change applies from their next
    /// use. Only a new keepalive idle time re-arms the keepalive timer (tcp_sock_set_keepidle_locked()).
    /// </summary>
    public TcpSettings Settings
    {
        get => _settings;
        set
        {
            var idleTimeChanged = value.KeepAliveTime != _settings.KeepAliveTime;
            _settings = value;
            Rtt.Settings = value;
            if (idleTimeChanged)
            {
                RestartKeepAliveTimer();
            }
        }
    }

    private TcpSettings _settings;
    public Simulation Simulation => Stack.Simulation;

    /// <summary>
    /// tcp_jiffies32: the simulated clock in ticks of the kernel's HZ, wrapping at 32 bits. It
    /// starts where Linux's does at boot, INITIAL_JIFFIES (five minutes before the 32-bit wrap),
    /// so that, as in the kernel, every use of it has to survive the wrap, which comes 300 s in.
    /// </summary>
    public uint Jiffies => JiffiesAt(Simulation.Now);

    /// <summary>What <see cref="Jiffies"/> read, or will read, at <paramref name="time"/>.</summary>
    public uint JiffiesAt(SimTime time) => unchecked((uint)(time.Nanoseconds * Settings.Hz / 1_000_000_000L) - (uint)(300 * Settings.Hz));

    /// <summary>A label for traces: the flow name when an application sets one.</summary>
    public string Name { get; set; }

    public Ipv4Address LocalAddress { get; }
    public Ipv4Address RemoteAddress { get; }
    public ushort LocalPort { get; }
    public ushort RemotePort { get; }

    public TcpState State { get; private set; } = TcpState.Closed;

    /// <summary>False while a passive open is still a request socket (SYN received, handshake not done).</summary>
    public bool IsFullSocket { get; private set; } = true;

    /// <summary>The sock_ops callback flags of this socket (tp->bpf_sock_ops_cb_flags).</summary>
    public SockOpsCallbackFlags CallbackFlags { get; set; }

    /// <summary>The sock_ops programs that run for this socket, inherited from the stack at creation.</summary>
    public ISockOpsDispatcher? SockOps { get; internal set; }

    public ITcpConnectionObserver? Observer { get; set; }

    /// <summary>The listener a passively opened connection came from.</summary>
    public TcpConnection? Listener { get; internal set; }

    /// <summary>Per-socket storage for sock_ops programs (bpf_sk_storage), created on first use.</summary>
    public Dictionary<object, object> SocketStorage => _socketStorage ??= [];
    private Dictionary<object, object>? _socketStorage;

    public TcpConnectionStatistics Statistics { get; } = new();

    // Send sequence space (RFC 9293 §3.3.1).
    public SequenceNumber Iss { get; private set; }
    public SequenceNumber SndUna { get; private set; }
    public SequenceNumber SndNxt { get; private set; }
    public uint SndWnd { get; private set; }

    /// <summary>tcp_wnd_end(): the first sequence number beyond the peer's offered window.</summary>
    private SequenceNumber SendWindowEnd => SndUna + (int)SndWnd;
    private SequenceNumber _sndWl1;
    private SequenceNumber _sndWl2;

    // Receive sequence space.
    public SequenceNumber Irs { get; private set; }
    public SequenceNumber RcvNxt { get; private set; }

    /// <summary>The window last advertised, from <see cref="_rcvWup"/> (tp->rcv_wnd).</summary>
    public uint RcvWnd { get; private set; }

    /// <summary>The slow-start threshold of the advertised window (tp->rcv_ssthresh): the window offered grows from the initial one only as data shows the buffer can take it.</summary>
    private uint _rcvSsthresh;
    private SequenceNumber _rcvWup;

    /// <summary>Window scale shifts in force (RFC 7323 §2.2): the peer's for its windows, ours for the windows we send; both 0 unless both SYNs carried the option.</summary>
    public int SndWscale { get; private set; }

    public int RcvWscale { get; private set; }

    /// <summary>Both SYNs carried the window scale option (RFC 7323 §2.2).</summary>
    public bool WindowScalingAgreed { get; private set; }

    /// <summary>RFC 2018 §2: both SYNs carried SACK-permitted, so both sides may send SACK blocks.</summary>
    public bool SackAgreed { get; private set; }

    private readonly ReceiverSackBlocks _sackBlocks = new();

    /// <summary>RFC 7323 §3.2: both SYNs carried timestamps, so every segment does.</summary>
    public bool TimestampsAgreed { get; private set; }

    /// <summary>The latest TSval to echo (TS.Recent, RFC 7323 §4.3).</summary>
    private uint _tsRecent;
    private bool _tsRecentValid;

    /// <summary>When TS.Recent was last stored (rx_opt.ts_recent_stamp).</summary>
    private SimTime _tsRecentStamp;

    /// <summary>tcp_store_ts_recent(): TS.Recent and when it was stored.</summary>
    private void StoreTsRecent(uint tsVal)
    {
        _tsRecent = tsVal;
        _tsRecentValid = true;
        _tsRecentStamp = Simulation.Now;
    }

    /// <summary>This connection's offset added to the millisecond clock, Linux's tsoffset: its 4-tuple's, under the host's secret.</summary>
    private readonly uint _tsOffset;

    /// <summary>The millisecond clock TSvals count, without this connection's offset (tcp_time_stamp_ts()).</summary>
    public uint TimestampClock => unchecked((uint)Simulation.Now.Milliseconds);

    /// <summary>The TSval of the last ACK that carried timestamps (tp->rx_opt.rcv_tsval): the peer's clock.</summary>
    public uint ReceivedTsVal { get; private set; }

    /// <summary>
    /// The TSecr of the last ACK that carried timestamps, less this connection's offset: the
    /// <see cref="TimestampClock"/> reading it echoes, or 0 when the peer echoed 0
    /// (tp->rx_opt.rcv_tsecr after tcp_fast_parse_options()).
    /// </summary>
    public uint ReceivedTsEcr { get; private set; }

    /// <summary>The MSS this side sends with (tp->mss_cache): the smaller of ours and the peer's option.</summary>
    public int Mss { get; private set; }

    public CongestionWindow Window { get; } = new();
    public ICongestionControl Congestion { get; private set; }
    public CaState CaState { get; private set; } = CaState.Open;
    public RttEstimator Rtt { get; }

    /// <summary>The retransmission timeout in force, with backoff (icsk->icsk_rto).</summary>
    public SimTime Rto { get; private set; }

    /// <summary>Consecutive RTO expiries without progress (icsk->icsk_retransmits).</summary>
    public int Retransmits { get; private set; }

    /// <summary>Segments sent and not cumulatively acknowledged (tp->packets_out).</summary>
    public int PacketsOut => _rtx.Count;
    public int LostOut => _rtx.LostOut;
    public int RetransOut => _rtx.RetransOut;

    /// <summary>
    /// Segments the peer holds out of order (tp->sacked_out): SACKed ones with SACK in use, else
    /// duplicate ACKs counted as delivered segments, Linux's Reno emulation of SACK.
    /// </summary>
    public int SackedOut => SackAgreed ? _rtx.SackedOut : _renoSackedOut;

    private int _renoSackedOut;

    /// <summary>Segments believed to be in the network (Linux tcp_packets_in_flight()).</summary>
    public int PacketsInFlight => PacketsOut - (SackedOut + LostOut) + RetransOut;

    /// <summary>Payload bytes sent and not yet acknowledged.</summary>
    public long BytesInFlight => SndNxt - SndUna;

    public bool SendBufferFull => SendBufferQueued >= _sendBufferSize;

    /// <summary>
    /// sk_wmem_queued: what the send buffer holds until acknowledged, sent or not, charged as Linux
    /// charges it: each skb's truesize, its payload and <see cref="SkbOverhead"/>.
    /// </summary>
    private long SendBufferQueued => _bytesWritten - StreamAcked + ((long)SkbOverhead * (_writeQueue.Skbs(_streamNext) + _rtx.Packets));

    /// <summary>Payload bytes the application may still write now: the send buffer's room, within what TCP_NOTSENT_LOWAT allows.</summary>
    public long SendBufferSpace => Math.Min(SendBufferRoom, NotSentRoom);

    /// <summary>Room left in the send buffer (sk_stream_wspace()).</summary>
    private long SendBufferRoom => Math.Max(0, _sendBufferSize - SendBufferQueued);

    /// <summary>
    /// Stream bytes acknowledged (SND.UNA's offset in the stream), counted back from SND.NXT: a
    /// sequence distance is exact only within 2 GiB, so it is taken from the data in flight, not
    /// from the ISS, which a long transfer leaves behind (Linux keeps snd_una as a u32 and write_seq
    /// beside it the same way). Neither the SYN nor a FIN is stream data.
    /// </summary>
    private long StreamAcked => Math.Clamp(_streamNext + (_finSent ? 1 : 0) - (SndNxt - SndUna), 0, _streamNext);

    // Application callbacks; each set once, so firing them allocates nothing.
    public Action<TcpConnection>? Established { get; set; }
    public Action<TcpConnection, long, int>? DataReceived { get; set; }
    public Action<TcpConnection>? SendSpaceAvailable { get; set; }
    public Action<TcpConnection>? RemoteClosed { get; set; }
    public Action<TcpConnection>? Closed { get; set; }

    /// <summary>
    /// On a listening connection: a passive open completed and this child is established. An
    /// application that sets it accepts every connection at once; without it, children wait in
    /// the accept queue for <see cref="Accept"/>.
    /// </summary>
    public Action<TcpConnection>? Accepted { get; set; }

    /// <summary>On a listening connection: most children that may wait to be accepted (listen()'s backlog, sk_max_ack_backlog).</summary>
    public int Backlog { get; private set; }

    /// <summary>listen()'s backlog, capped at somaxconn as Linux inet_listen() does; listen() again on a listener changes only this.</summary>
    public void SetBacklog(int backlog) => Backlog = Math.Min(Math.Max(0, backlog), Settings.ListenBacklog);

    private readonly Queue<TcpConnection> _acceptQueue = new();

    /// <summary>On a listening connection: children established and not yet accepted (sk_ack_backlog).</summary>
    public int AcceptQueueLength => _acceptQueue.Count;

    /// <summary>Linux sk_acceptq_is_full(): more children wait than the backlog allows.</summary>
    internal bool AcceptQueueFull => Accepted is null && _acceptQueue.Count > Backlog;

    /// <summary>accept(): the oldest established child not yet accepted, or null (EAGAIN).</summary>
    public TcpConnection? Accept()
    {
        if (!_acceptQueue.TryDequeue(out var child))
        {
            return null;
        }

        child.IsAccepted = true;
        return child;
    }

    /// <summary>Whether an application holds this child (sk->sk_socket is set): accept() has returned it.</summary>
    public bool IsAccepted { get; private set; }

    /// <summary>A child finished its handshake: hand it to the application, or queue it for accept().</summary>
    internal void OnChildEstablished(TcpConnection child)
    {
        if (Accepted is { } accepted)
        {
            child.IsAccepted = true;
            accepted(child);
        }
        else
        {
            _acceptQueue.Enqueue(child);
        }
    }

    /// <summary>Why the connection ended abnormally (ECONNRESET, ETIMEDOUT), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// True (the default) for an application that takes data as it arrives, so the receive buffer
    /// holds only out-of-order data; false for one that calls <see cref="Read"/>, whose unread
    /// bytes then fill the buffer and close the advertised window.
    /// </summary>
    public bool ReadsOnArrival { get; set; } = true;

    /// <summary>In-order bytes received and not yet read.</summary>
    public long ReadableBytes => _receiveBuffer.Unread;

    /// <summary>
    /// read(): takes up to <paramref name="max"/> received bytes, which the receive autotuning
    /// counts (tcp_rcv_space_adjust()). When that frees enough space, a window update goes out at
    /// once (Linux tcp_cleanup_rbuf()).
    /// </summary>
    public long Read(long max)
    {
        var read = _receiveBuffer.Read(max);
        Statistics.BytesDelivered += read;
        if (read > 0)
        {
            AdjustReceiveSpace();
            SendWindowUpdateIfWorthIt();
        }

        return read;
    }

    /// <summary>Queues <paramref name="bytes"/> of application data; returns how many fit in the send buffer.</summary>
    public long Write(long bytes) => Write(bytes, SendFlags.None);

    /// <summary>
    /// send(): <see cref="Write(long)"/> with send(2)'s flags, as tcp_sendmsg_locked() ends a write:
    /// its last skb is marked PSH unless MSG_MORE says more follows (tcp_push(); a long run of
    /// such writes is pushed anyway, forced_push()), with MSG_EOR it ends a record if the whole
    /// write fitted, and what is queued goes out under Nagle, the cork, or MSG_MORE's cork. A
    /// writer the buffer holds back first pushes what it copied, Nagle and cork aside
    /// (wait_for_space), and sets SOCK_NOSPACE.
    /// </summary>
    public long Write(long bytes, SendFlags flags)
    {
        if (_finRequested || State is not (TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived))
        {
            throw new InvalidOperationException($"cannot write in state {State}{(_finRequested ? " after close" : string.Empty)}");
        }

        // Linux tcp_sendmsg_locked(): is the application what limits sending?
        _rate.CheckAppLimited(_bytesWritten - _streamNext, Mss, PacketsInFlight, Window.Cwnd, LostOut, RetransOut, Delivered);
        var accepted = QueueWrite(bytes);
        var more = (flags & SendFlags.More) != 0;
        if (accepted > 0)
        {
            OnWriteQueued();
            if (accepted < bytes || !more || _writeQueue.ForcedPush(_bytesWritten, _maxWindow))
            {
                _writeQueue.MarkTailPush(_bytesWritten);
            }

            if ((flags & SendFlags.EndOfRecord) != 0 && accepted == bytes)
            {
                _writeQueue.MarkTailEor();
            }
        }

        _noSpace |= accepted < bytes;

        // tcp_sendmsg_locked(): a passive Fast Open child sends before its handshake ends (tcp_passive_fastopen()).
        if (State is TcpState.Established or TcpState.CloseWait || (State == TcpState.SynReceived && FastOpenRequestPending))
        {
            if (accepted > 0 && accepted < bytes)
            {
                PushPendingFrames(pushOne: false, Nagle.Push);
            }

            PushPendingFrames(pushOne: false, more ? Nagle.Cork : _nonagle);
        }

        return accepted;
    }

    /// <summary>Active open (RFC 9293 §3.10.1), in Linux's order: CONNECT_CB, then tcp_connect_init(), then the SYN.</summary>
    internal void Connect(SequenceNumber iss)
    {
        SetState(TcpState.SynSent);
        CallSockOps(SockOp.TcpConnectCb);
        Iss = iss;
        SndUna = iss;
        SndNxt = iss;

        // tcp_connect_init(): no small segment is outstanding (Minshall's check, snd_sml); the path
        // MTU is taken (tcp_sync_mss() of dst_mtu()), so an ICMP error in SYN-SENT can lower it.
        _sndSml = iss;
        TakeFirstHopMss();
        _mssClamp = UserMss > 0 ? UserMss : DefaultMss;
        _pmtuCookie = DstMtu();
        MtupInit(Packet.TcpHeaderBytes + (Settings.Timestamps ? TimestampsOptionBytes : 0));
        InitReceiveWindow();
        Rto = InitialTimeout();
        SetUpEcnForSyn(CallSockOps(SockOp.NeedsEcn) == 1);
        if (_fastOpenOffered is { } offered)
        {
            SendSynData(offered);
        }
        else
        {
            SendSyn();
        }

        ReportVariables();
    }

    /// <summary>listen(): LISTEN, then TCP_LISTEN_CB at the end, as Linux inet_csk_listen_start() and tcp_listen().</summary>
    internal void StartListening()
    {
        EnableFastOpenWithoutSocketOption();
        SetState(TcpState.Listen);
        CallSockOps(SockOp.TcpListenCb);
    }

    /// <summary>The RTO for a SYN or SYN-ACK: TIMEOUT_INIT's reply in jiffies, else the default (Linux tcp_timeout_init()).</summary>
    private SimTime InitialTimeout()
    {
        var reply = CallSockOps(SockOp.TimeoutInit);
        return reply <= 0
            ? Settings.InitialRto
            : SimTime.Min(Settings.FromJiffies(reply), Settings.MaxRto);
    }

    /// <summary>TSval: the modelled kernel's millisecond clock plus this connection's offset (Linux tcp_time_stamp_ts()).</summary>
    private uint TsNow => unchecked(TimestampClock + _tsOffset);

    internal int CallSockOps(SockOp op, uint arg0 = 0, uint arg1 = 0, uint arg2 = 0, SockOpsSkb? segment = null) =>
        SockOps?.Call(this, op, arg0, arg1, arg2, segment) ?? 0;

    private bool FlagSet(SockOpsCallbackFlags flag) => (CallbackFlags & flag) != 0 && !_handedToTimeWait;

    /// <summary>Linux tcp_set_state(): STATE_CB runs before the new state is stored, so the program reads the old one.</summary>
    private void SetState(TcpState next)
    {
        var previous = State;
        if (previous == next)
        {
            return;
        }

        if (FlagSet(SockOpsCallbackFlags.State) && IsFullSocket)
        {
            CallSockOps(SockOp.StateCb, (uint)previous, (uint)next);
        }

        State = next;
        Observer?.OnStateChanged(this, previous, next);
    }

    /// <summary>
    /// Linux tcp_done(): the full socket closes. One handed to a timewait socket closed then
    /// (tcp_time_wait() ends in tcp_done()); the timewait socket ends only by <see cref="EndTimeWait"/>
    /// or its timer, which keep the TIME-WAIT count.
    /// </summary>
    private void EnterClosed(bool activeReset = false)
    {
        if (_handedToTimeWait)
        {
            throw new InvalidOperationException($"{this}: closed again after it was handed to a timewait socket");
        }

        EndFastOpenRequest(reset: false);
        LeaveRequestQueue();
        SetState(TcpState.Closed);
        ShutdownState = SocketShutdown.Both;

        // tcp_close() and tcp_disconnect() move to CLOSE (STATE_CB) before the RST leaves, so a
        // program writing header options sees the socket closed.
        if (activeReset)
        {
            SendActiveReset();
        }

        ClearTransmitTimer();
        _delayedAckTimer.Cancel();
        _timeWaitTimer.Cancel();
        _keepAliveTimer.Cancel();
        Stack.Remove(this);
        Closed?.Invoke(this);
    }

    /// <summary>Linux tcp_done() after an error: the connection is gone and the application told why.</summary>
    private void Abort(string error)
    {
        Error = error;
        EnterClosed();
    }

    public override string ToString() => $"{Name} {LocalAddress}:{LocalPort}->{RemoteAddress}:{RemotePort} {State}";
}
