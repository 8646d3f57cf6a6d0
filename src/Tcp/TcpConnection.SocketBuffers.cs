using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// The socket's buffer sizes and the receive window clamp, as setsockopt() sets them: SO_SNDBUF,
/// SO_RCVBUF (sk_setsockopt(): capped at net.core.wmem_max / rmem_max, then doubled for the
/// kernel's bookkeeping, and locked against autotuning) and TCP_WINDOW_CLAMP
/// (tcp_set_window_clamp()), and the scaling ratio that turns receive memory into window. The
/// simulator's buffers hold payload: the send buffer counts the whole of sk_sndbuf, the receive
/// buffer the part of sk_rcvbuf that tcp_win_from_space() gives to data at the measured ratio (a
/// half by default); the memory the data held takes is approximated at that ratio too.
/// </summary>
public sealed partial class TcpConnection
{
    private int _sendBufferSize;

    /// <summary>sk->sk_sndbuf: payload the application may have written and not had acknowledged.</summary>
    public int SendBufferSize => _sendBufferSize;

    /// <summary>
    /// sk->sk_rcvbuf: the receive buffer in bytes of memory (skb truesize); the data it holds is
    /// tcp_win_from_space() of it, a half at the default scaling ratio.
    /// </summary>
    public int ReceiveBufferSize => _receiveBufferBytes;

    private int _receiveBufferBytes;

    /// <summary>TCP_DEFAULT_SCALING_RATIO: a half (128 / 256) until a segment is measured.</summary>
    private const int DefaultScalingRatio = 128;

    /// <summary>
    /// tp->scaling_ratio: payload per byte of receive memory, in 256ths, as the last segment that
    /// raised the receive MSS estimate had it (tcp_measure_rcv_mss(): skb->len / skb->truesize).
    /// </summary>
    public int ScalingRatio { get; private set; } = DefaultScalingRatio;

    /// <summary>tcp_win_from_space(): the window <paramref name="space"/> bytes of receive memory hold.</summary>
    private long WinFromSpace(long space) => space * ScalingRatio >> 8;

    /// <summary>tcp_space_from_win(): the receive memory a window of <paramref name="window"/> needs.</summary>
    private long SpaceFromWin(long window) => (window << 8) / ScalingRatio;

    /// <summary>Sets sk_rcvbuf; the data the buffer holds follows at the scaling ratio.</summary>
    private void SetReceiveBufferBytes(long bytes)
    {
        _receiveBufferBytes = ReceiveMemoryFor(bytes);
        _receiveBuffer.Capacity = (int)WinFromSpace(_receiveBufferBytes);
    }

    /// <summary>sk_rcvbuf is an int: a buffer asked beyond INT_MAX bytes of memory stops there.</summary>
    private static int ReceiveMemoryFor(long bytes) => (int)Math.Min(bytes, int.MaxValue);

    /// <summary>
    /// tcp_measure_rcv_mss()'s update of the scaling ratio from a segment's payload and truesize,
    /// and on a change, tcp_set_window_clamp() to the window the buffer now holds, with the
    /// autotuning's count kept under it.
    /// </summary>
    private void MeasureScalingRatio(Packet packet)
    {
        if (packet.PayloadLength == 0)
        {
            return;
        }

        var truesize = Stack.ReceiveTruesize(packet);
        var ratio = (int)Math.Clamp(((long)packet.PayloadLength << 8) / truesize, 1, byte.MaxValue);
        if (ratio == ScalingRatio)
        {
            return;
        }

        ScalingRatio = ratio;
        SetReceiveBufferBytes(_receiveBufferBytes);
        SetWindowClamp((int)WinFromSpace(_receiveBufferBytes));
        if (WindowClamp < _rcvqSpace)
        {
            _rcvqSpace = (int)WindowClamp;
        }
    }

    /// <summary>-EINVAL.</summary>
    public const int InvalidArgument = -22;

    /// <summary>TCP_MAX_WSCALE: the largest window scale shift.</summary>
    private const int MaxWindowScale = 14;

    /// <summary>
    /// tp->window_clamp: the largest window this side offers; 0 until tcp_select_initial_window()
    /// takes the largest possible, which tcp_init_buffer_space() then trims to the buffer.
    /// </summary>
    public uint WindowClamp { get; private set; }

    /// <summary>SOCK_SNDBUF_LOCK: SO_SNDBUF set the send buffer, which no longer grows.</summary>
    private bool _sendBufferLocked;

    /// <summary>
    /// setsockopt(SO_SNDBUF) (<see cref="TcpSettings.SendBufferFor"/>), locking the buffer against
    /// growth; the writer hears of new room at once (sk_write_space()).
    /// </summary>
    public void SetSendBufferSize(int requested)
    {
        _sendBufferSize = Settings.SendBufferFor(requested);
        _sendBufferLocked = true;
        if (SendBufferSpace > 0 && State is TcpState.Established or TcpState.CloseWait)
        {
            SendSpaceAvailable?.Invoke(this);
        }
    }

    /// <summary>
    /// The window scale this side offers (tcp_select_initial_window()): from the most its buffer may
    /// grow to (tcp_rmem[2]), but no more than the window clamp, which a locked SO_RCVBUF sets to the
    /// buffer's space (tcp_connect_init(), tcp_openreq_init_rwin()) and TCP_WINDOW_CLAMP lowers.
    /// </summary>
    private int OfferedWindowScale
    {
        get
        {
            long space = Settings.LargestReceiveBuffer;
            if (_receiveBufferLocked)
            {
                space = Math.Min(space, _receiveBuffer.Capacity);
            }

            if (WindowClamp > 0)
            {
                space = Math.Min(space, WindowClamp);
            }

            return TcpSettings.WindowScaleShiftFor(space);
        }
    }

    /// <summary>
    /// setsockopt(SO_RCVBUF) (<see cref="TcpSettings.ReceiveBufferFor"/>). The window follows from
    /// the next segment on; a scale already offered in a SYN stays.
    /// </summary>
    public void SetReceiveBufferSize(int requested)
    {
        SetReceiveBufferBytes(2L * Settings.ReceiveBufferFor(requested));
        _receiveBufferLocked = true;
    }

    /// <summary>
    /// setsockopt(TCP_WINDOW_CLAMP) (tcp_set_window_clamp()): 0 only on a closed socket; otherwise
    /// at least SOCK_MIN_RCVBUF / 2. A smaller clamp lowers rcv_ssthresh to it; a larger one lets
    /// rcv_ssthresh rise to the window already offered. Returns 0 or -EINVAL.
    /// </summary>
    public int SetWindowClamp(int value)
    {
        if (value == 0)
        {
            if (State != TcpState.Closed)
            {
                return InvalidArgument;
            }

            WindowClamp = 0;
            return 0;
        }

        var clamp = (uint)Math.Max(value, TcpSettings.MinReceiveBufferSize / 2);
        var previous = WindowClamp;
        WindowClamp = clamp;
        _rcvSsthresh = clamp < previous ? Math.Min(_rcvSsthresh, clamp) : Math.Max(Math.Min(RcvWnd, clamp), _rcvSsthresh);
        return 0;
    }

    /// <summary>tcp_select_initial_window(): without a clamp, the largest window there is.</summary>
    private void ClampInitialWindow()
    {
        if (WindowClamp == 0)
        {
            WindowClamp = (uint)ushort.MaxValue << MaxWindowScale;
        }
    }

    /// <summary>
    /// tcp_init_buffer_space() at the end of tcp_init_transfer(): the send buffer sized for the
    /// initial window, the clamp at most the receive buffer, rcv_ssthresh at most the clamp, and
    /// the receive autotuning's first count begun.
    /// </summary>
    private void InitBufferSpace()
    {
        ExpandSendBuffer();
        WindowClamp = Math.Min(WindowClamp, (uint)_receiveBuffer.Capacity);
        _rcvSsthresh = Math.Min(_rcvSsthresh, WindowClamp);
        InitReceiveSpace();
    }

    /// <summary>
    /// tcp_sndbuf_expand(), unless the buffer is locked or may not grow: room for the congestion
    /// control's multiple (two; BBR three) of the window, at least the initial window and one more
    /// segment than the reordering degree, each segment as a worst-case skb of its own (the
    /// payload with MAX_TCP_HEADER and skb_shared_info rounded up to a power of two, and struct
    /// sk_buff), at most tcp_wmem[2].
    /// </summary>
    private void ExpandSendBuffer()
    {
        if (!SendBufferMayGrow || Settings.SendBufferMax is not { } largest)
        {
            return;
        }

        var perMss = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(Math.Max(_mssClamp, Mss) + MaxTcpHeader + SkbSharedInfoBytes)) + SkbStructBytes;
        var segments = Math.Max(Math.Max(InitialCwndSegments, Window.Cwnd), (uint)Reordering + 1);
        var wanted = Congestion.SendBufferExpansion * segments * perMss;
        if (_sendBufferSize < wanted)
        {
            _sendBufferSize = (int)Math.Min(wanted, largest);
        }
    }

    /// <summary>Neither SO_SNDBUF (SOCK_SNDBUF_LOCK) nor the lack of a tcp_wmem[2] fixes the send buffer.</summary>
    private bool SendBufferMayGrow => !_sendBufferLocked && Settings.SendBufferMax is not null;

    /// <summary>tcp_should_expand_sndbuf(): the buffer may grow, and the window is not all in use.</summary>
    private bool SendBufferShouldGrow => SendBufferMayGrow && PacketsInFlight < Window.Cwnd;

    /// <summary>
    /// The truesize of an skb tcp_stream_alloc_skb() makes, before its payload: a head of
    /// MAX_TCP_HEADER from skb_small_head_cache, whose 640-byte objects hold the skb_shared_info
    /// too, and struct sk_buff: SKB_TRUESIZE(MAX_TCP_HEADER), 896 bytes in an x86-64
    /// distribution kernel's build.
    /// </summary>
    public const int SkbOverhead = MaxTcpHeader + SkbSharedInfoBytes + SkbStructBytes;

    /// <summary>MAX_TCP_HEADER in an x86-64 distribution kernel's build.</summary>
    private const int MaxTcpHeader = 320;

    /// <summary>SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86-64.</summary>
    private const int SkbSharedInfoBytes = 320;

    /// <summary>SKB_DATA_ALIGN(sizeof(struct sk_buff)) on x86-64.</summary>
    private const int SkbStructBytes = 256;

    /// <summary>TCP_INIT_CWND.</summary>
    private const uint InitialCwndSegments = 10;
}
