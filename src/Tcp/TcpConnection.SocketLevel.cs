using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// The socket-level options Linux keeps in struct sock and tcp_sock beside the buffers:
/// SO_PRIORITY, SO_MARK, SO_REUSEADDR, SO_REUSEPORT, SO_TXREHASH and SO_BINDTODEVICE
/// (sk_setsockopt()), SO_RCVLOWAT (tcp_set_rcvlowat()), TCP_NOTSENT_LOWAT (tcp_stream_memory_free())
/// and TCP_THIN_LINEAR_TIMEOUTS (tp->thin_lto). A child takes them from its listener, as
/// sk_clone_lock() copies the listener's sock.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>SOCK_TXREHASH_DEFAULT: sk_txrehash before anything sets it.</summary>
    public const int TxRehashDefault = 255;

    /// <summary>sk->sk_priority: kept and read back; the simulated queues have no priority bands to sort it into.</summary>
    public int Priority { get; set; }

    /// <summary>sk->sk_mark: kept and read back; no simulated route or filter looks at marks.</summary>
    public int Mark { get; set; }

    /// <summary>sk->sk_reuse: SO_REUSEADDR (SK_CAN_REUSE is 1).</summary>
    public bool ReuseAddress { get; set; }

    /// <summary>sk->sk_reuseport.</summary>
    public bool ReusePort { get; set; }

    /// <summary>sk->sk_txhash: the flow hash the connection's packets are sent with (0 on a listener).</summary>
    public uint TxHash { get; set; }

    /// <summary>
    /// sk_rethink_txhash(), from tcp_write_timeout() at each retransmission timeout that does not
    /// abort: a new random hash, to move the flow off a failing path, when the socket allows it
    /// (sk_txrehash 1, or the default, which takes net.core.txrehash = 1). Returns whether it changed.
    /// </summary>
    private bool RethinkTxHash()
    {
        if (TxHash == 0 || TxRehash == 0)
        {
            return false;
        }

        TxHash = Stack.NextTxHash();
        return true;
    }

    /// <summary>sk->sk_txrehash: <see cref="TxRehashDefault"/>, 0 or 1.</summary>
    public int TxRehash { get; private set; } = TxRehashDefault;

    /// <summary>
    /// setsockopt(SO_TXREHASH): -1 (SOCK_TXREHASH_DEFAULT as a u8) takes net.core.txrehash, which
    /// is 1 by default; anything outside -1..1 is -EINVAL.
    /// </summary>
    public int SetTxRehash(int value)
    {
        if (value is < -1 or > 1)
        {
            return InvalidArgument;
        }

        TxRehash = value == -1 ? 1 : value;
        return 0;
    }

    /// <summary>sk->sk_rcvlowat: the bytes a reader waits for before it is woken (1 by default).</summary>
    public int ReceiveLowWatermark { get; private set; } = 1;

    /// <summary>Whether SO_RCVBUF has fixed the receive buffer (SOCK_RCVBUF_LOCK).</summary>
    private bool _receiveBufferLocked;

    /// <summary>
    /// setsockopt(SO_RCVLOWAT): a negative value is INT_MAX and 0 is 1 (sk_setsockopt()). Through
    /// the socket layer of an application's socket, tcp_set_rcvlowat() caps it at half of sk_rcvbuf
    /// when SO_RCVBUF fixed the buffer, else at half of tcp_rmem[2], and grows an unlocked buffer to
    /// hold it, the window clamp becoming the watermark; a child not yet accepted has no socket, so
    /// the value is stored as it is, as it always was before Linux 4.18 and from BPF before 6.1
    /// (<paramref name="throughSocketLayer"/> false). A reader already waiting is woken if the new
    /// mark is met (tcp_data_ready()).
    /// </summary>
    public void SetReceiveLowWatermark(int value, bool throughSocketLayer)
    {
        var mark = value < 0 ? int.MaxValue : value;
        if (throughSocketLayer && (Listener is null || IsAccepted))
        {
            // Half of sk_rcvbuf, or of tcp_rmem[2], is the payload capacity in this model's terms.
            var cap = _receiveBufferLocked ? _receiveBuffer.Capacity : Settings.LargestReceiveBuffer;
            mark = Math.Min(mark, cap);
            if (!_receiveBufferLocked && mark > _receiveBuffer.Capacity)
            {
                // tcp_set_rcvlowat(): sk_rcvbuf becomes tcp_space_from_win() of the mark.
                SetReceiveBufferBytes(SpaceFromWin(mark));
                WindowClamp = (uint)mark;
            }
        }

        ReceiveLowWatermark = Math.Max(mark, 1);
        WakeReaderIfReady();
    }

    /// <summary>tp->notsent_lowat: 0 means the sysctl's (<see cref="TcpSettings.NotSentLowWatermark"/>).</summary>
    public uint NotSentLowWatermark { get; private set; }

    /// <summary>
    /// setsockopt(TCP_NOTSENT_LOWAT): any value is taken; the writer is told of room at once if the
    /// new mark leaves some (sk->sk_write_space()).
    /// </summary>
    public void SetNotSentLowWatermark(int value)
    {
        NotSentLowWatermark = unchecked((uint)value);
        if (State is TcpState.Established or TcpState.CloseWait && Writeable(wake: true))
        {
            SendSpaceAvailable?.Invoke(this);
        }
    }

    /// <summary>tcp_notsent_lowat(): the socket's mark, else the sysctl's.</summary>
    private uint EffectiveNotSentLowWatermark => NotSentLowWatermark != 0 ? NotSentLowWatermark : Settings.NotSentLowWatermark;

    /// <summary>Bytes written and not yet sent (write_seq - snd_nxt; ioctl SIOCOUTQNSD).</summary>
    public long NotSentBytes => _bytesWritten - _streamNext;

    /// <summary>
    /// Sequence space written and not yet acknowledged, a queued FIN included (write_seq - snd_una;
    /// ioctl SIOCOUTQ); 0 while the handshake runs.
    /// </summary>
    public long NotAcknowledgedBytes => State is TcpState.SynSent or TcpState.SynReceived
        ? 0
        : (Iss + 1 + (int)_bytesWritten + (_finRequested ? 1 : 0)) - SndUna;

    /// <summary>
    /// The room the not-sent watermark leaves, in whole segments: zero once the not-sent bytes
    /// reach the mark, when a write starts no new skb (tcp_stream_memory_free()); the skb it started
    /// last it still fills to the size goal.
    /// </summary>
    private long NotSentRoom
    {
        get
        {
            var mark = EffectiveNotSentLowWatermark;
            if (mark == uint.MaxValue)
            {
                return long.MaxValue;
            }

            var below = mark - NotSentBytes;
            return below <= 0 ? 0 : (below + Mss - 1) / Mss * Mss;
        }
    }

    /// <summary>__sk_stream_is_writeable(sk, 1), as tcp_poll() asks it for POLLOUT.</summary>
    public bool IsWriteable => Writeable(wake: true);

    /// <summary>
    /// __sk_stream_is_writeable(): room in the send buffer of at least half what it holds
    /// (sk_stream_wspace() &gt;= sk_stream_min_wspace(), so a blocked writer wakes once a third of
    /// the buffer is free) and, for a wake-up (wake = 1), fewer not-sent bytes than half the
    /// watermark (tcp_stream_memory_free(): notsent_bytes &lt;&lt; wake).
    /// </summary>
    private bool Writeable(bool wake)
    {
        var room = SendBufferRoom;
        if (room <= 0 || room < SendBufferQueued / 2)
        {
            return false;
        }

        var mark = EffectiveNotSentLowWatermark;
        return mark == uint.MaxValue || (NotSentBytes << (wake ? 1 : 0)) < mark;
    }

    /// <summary>tp->thin_lto: linear RTOs while the stream is thin (TCP_THIN_LINEAR_TIMEOUTS).</summary>
    public bool ThinLinearTimeouts { get; set; }

    /// <summary>sk->sk_bound_dev_if: 0, or the interface index SO_BINDTODEVICE / SO_BINDTOIFINDEX named.</summary>
    public int BoundInterfaceIndex { get; private set; }

    /// <summary>
    /// setsockopt(SO_BINDTODEVICE): an empty name unbinds; a name this host does not have is
    /// -ENODEV (sock_setbindtodevice()). Interfaces are named as <see cref="InterfaceNames"/> says.
    /// </summary>
    public int BindToDevice(string name) =>
        name.Length == 0 ? BindToInterfaceIndex(0) : InterfaceNames.IndexOf(Stack.Host, name) is { } index ? BindToInterfaceIndex(index) : NoSuchDevice;

    /// <summary>setsockopt(SO_BINDTOIFINDEX) (sock_bindtoindex()): 0 unbinds; an index this host does not have is -ENODEV; a negative one -EINVAL.</summary>
    public int BindToInterfaceIndex(int index)
    {
        if (index < 0)
        {
            return InvalidArgument;
        }

        if (index != 0 && !InterfaceNames.Exists(Stack.Host, index))
        {
            return NoSuchDevice;
        }

        BoundInterfaceIndex = index;
        return 0;
    }

    /// <summary>-ENODEV.</summary>
    public const int NoSuchDevice = -19;

    /// <summary>The interface packets leave by: the bound one (a socket bound to lo reaches no other host), else the route's.</summary>
    private void SendOnBoundInterface(Packet packet)
    {
        if (BoundInterfaceIndex == 0)
        {
            Stack.Host.Send(packet);
        }
        else
        {
            Stack.Host.Send(packet, InterfaceNames.Interface(Stack.Host, BoundInterfaceIndex));
        }
    }

    /// <summary>
    /// SO_LINGER (sk_setsockopt()): SOCK_LINGER and sk_lingertime, in whole seconds. With the
    /// flag on and no time, close() aborts the connection (<see cref="Close"/>).
    /// </summary>
    public (bool On, int Seconds) Linger { get; private set; }

    /// <summary>
    /// setsockopt(SO_LINGER) with struct linger's l_onoff and l_linger; the time is kept only when
    /// on, and a negative one, read unsigned, is as good as for ever (MAX_SCHEDULE_TIMEOUT).
    /// </summary>
    public void SetLinger(int onoff, int seconds) => Linger = onoff != 0 ? (true, seconds < 0 ? int.MaxValue : seconds) : (false, Linger.Seconds);

    /// <summary>The socket-level options sk_clone_lock() and tcp_create_openreq_child() carry from listener to child.</summary>
    private void InheritSocketLevelOptions(TcpConnection listener)
    {
        Priority = listener.Priority;
        Mark = listener.Mark;
        ReuseAddress = listener.ReuseAddress;
        ReusePort = listener.ReusePort;
        TxRehash = listener.TxRehash;
        BoundInterfaceIndex = listener.BoundInterfaceIndex;
        ReceiveLowWatermark = listener.ReceiveLowWatermark;
        NotSentLowWatermark = listener.NotSentLowWatermark;
        ThinLinearTimeouts = listener.ThinLinearTimeouts;
        BpfCallbackFlags = listener.BpfCallbackFlags;
        TimestampingFlags = listener.TimestampingFlags;
        Linger = listener.Linger;
        Linger2 = listener.Linger2;

        // sk_rcvbuf and sk_sndbuf with the SOCK_RCVBUF_LOCK and SOCK_SNDBUF_LOCK that SO_RCVBUF and SO_SNDBUF set (sk_userlocks).
        if (listener._receiveBufferLocked)
        {
            SetReceiveBufferBytes(listener._receiveBufferBytes);
            _receiveBufferLocked = true;
        }

        if (listener._sendBufferLocked)
        {
            _sendBufferSize = listener._sendBufferSize;
            _sendBufferLocked = true;
        }
    }
}
