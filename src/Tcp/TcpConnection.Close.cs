using NetSim.Sim.Kernel;

namespace NetSim.Tcp;

/// <summary>close(), shutdown() and the disconnect that tears a connection down without a FIN.</summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// close(): no more data will be written; a FIN follows the queued data (RFC 9293 §3.10.4).
    /// The socket is orphaned, so a FIN-WAIT-2 is handed to a timewait socket as Linux does. With
    /// received data still unread, Linux resets the connection instead (tcp_close(), RFC 2525
    /// §2.17), and so with SO_LINGER on and a zero time; closing a listener resets the children
    /// still waiting to be accepted (inet_csk_listen_stop()). A nonzero linger time is for the
    /// caller to wait out (sk_stream_wait_close(): until the FIN is acknowledged or it passes).
    /// A connection already in TIME-WAIT is left to it.
    /// </summary>
    public void Close()
    {
        _orphaned = true;
        ShutdownState = SocketShutdown.Both;

        // tcp_close(): a socket already handed to a timewait socket is in CLOSE; the timewait socket lives on.
        if (_handedToTimeWait)
        {
            return;
        }

        if (State == TcpState.Listen)
        {
            StopListening();
            return;
        }

        if (_receiveBuffer.Unread > 0)
        {
            _receiveBuffer.Read(_receiveBuffer.Unread);
            Disconnect();
            return;
        }

        // tcp_close(): a zero linger time, checked after unread data, disconnects (TCPAbortOnData).
        if (Linger is (true, 0))
        {
            Disconnect();
            return;
        }

        // tcp_close() in FIN-WAIT-2, the FIN sent and acknowledged after shutdown(): TCP_LINGER2
        // negative resets the connection (TCPAbortOnLinger); otherwise FIN-WAIT-2 is waited out.
        if (State == TcpState.FinWait2)
        {
            if (Linger2 < SimTime.Zero)
            {
                EnterClosed(activeReset: true);
            }
            else
            {
                OrphanInFinWait2(finInSegment: false);
            }

            return;
        }

        CloseSending();
    }

    /// <summary>
    /// Linux tcp_disconnect(), for connect(AF_UNSPEC), shutdown() in SYN-SENT, and close() with
    /// unread data or a zero linger time: where the peer holds state (tcp_need_reset()), or in
    /// CLOSING or LAST-ACK with data or the FIN not yet sent, a RST (<see cref="SendActiveReset"/>);
    /// then CLOSED. The socket keeps ECONNRESET for the application when a RST went or a connect
    /// was abandoned, and nothing of it is shut down any more (sk_shutdown 0), so that it may
    /// connect again. A timewait socket the connection was handed to lives on.
    /// </summary>
    public void Disconnect()
    {
        if (_handedToTimeWait)
        {
            ShutdownState = SocketShutdown.None;
            return;
        }

        var reset = State is TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.SynReceived
            || (State is TcpState.Closing or TcpState.LastAck && (HasUnsentData || !_finSent));
        if (reset || State == TcpState.SynSent)
        {
            Error = "ECONNRESET";
        }

        EnterClosed(activeReset: reset);
        ShutdownState = SocketShutdown.None;
    }

    /// <summary>The directions shut down (sk->sk_shutdown).</summary>
    public SocketShutdown ShutdownState { get; private set; }

    /// <summary>RCV_SHUTDOWN: the peer's FIN has arrived, or reading was shut; a read past the data returns 0.</summary>
    public bool ReceiveShutDown => (ShutdownState & SocketShutdown.Receive) != 0;

    /// <summary>SEND_SHUTDOWN: shutdown(SHUT_WR) or close() has queued our FIN; nothing more may be written.</summary>
    public bool SendShutDown => (ShutdownState & SocketShutdown.Send) != 0;

    /// <summary>shutdown(SHUT_WR): sends a FIN after the queued data, and keeps receiving.</summary>
    public void Shutdown() => Shutdown(SocketShutdown.Send);

    /// <summary>
    /// shutdown(2), as Linux inet_shutdown() and tcp_shutdown(): in SYN-SENT, whatever the
    /// direction, the connect is abandoned (<see cref="Disconnect"/>); a listener stops listening
    /// only when receiving is shut down (inet_csk_listen_stop() resets the children not yet
    /// accepted), and ignores SHUT_WR; otherwise the directions are marked shut, and shutting down
    /// sending queues a FIN after the data. Receiving shut down, a read past the data returns 0,
    /// and data arriving after a FIN of ours resets the connection (RFC 1122 §4.2.2.13). Returns
    /// 0, or -ENOTCONN on a closed socket.
    /// </summary>
    public int Shutdown(SocketShutdown how)
    {
        // A socket reset, timed out, or handed to a timewait socket is in CLOSE.
        if (State == TcpState.Closed || _handedToTimeWait)
        {
            ShutdownState |= how;
            return NotConnected;
        }

        switch (State)
        {
            case TcpState.Listen:
                if ((how & SocketShutdown.Receive) != 0)
                {
                    StopListening();
                    ShutdownState = SocketShutdown.None;
                }

                return 0;
            case TcpState.SynSent:
                Disconnect();
                return 0;
        }

        ShutdownState |= how;
        if ((how & SocketShutdown.Send) != 0)
        {
            CloseSending();
        }

        return 0;
    }

    /// <summary>-ENOTCONN: the socket is not connected.</summary>
    public const int NotConnected = -107;

    /// <summary>A request socket whose listener has closed: the next segment or SYN-ACK timeout drops it (tcp_v4_rcv(), reqsk_timer_handler()).</summary>
    internal bool ListenerStopped => State == TcpState.SynReceived && !IsFullSocket && Listener is { State: not TcpState.Listen };

    /// <summary>inet_csk_reqsk_queue_drop_and_put(): the request goes without a word to the peer.</summary>
    internal void DropRequest() => EnterClosed();

    /// <summary>
    /// inet_csk_listen_stop(): the children waiting to be accepted are reset, and the listener
    /// closes; requests still in the handshake are left to find it gone (<see cref="ListenerStopped"/>).
    /// </summary>
    private void StopListening()
    {
        while (_acceptQueue.TryDequeue(out var child))
        {
            child.Disconnect();
        }

        EnterClosed();
    }

    /// <summary>
    /// tcp_close_state() and tcp_send_fin(): a FIN after the queued data from SYN-RECEIVED,
    /// ESTABLISHED or CLOSE-WAIT; a socket that has not connected just closes (a listener never
    /// gets here: close() and shutdown() stop it first).
    /// </summary>
    private void CloseSending()
    {
        if (_finRequested)
        {
            return;
        }

        switch (State)
        {
            case TcpState.SynSent:
            case TcpState.Closed:
                EnterClosed();
                return;
            case TcpState.SynReceived:
            case TcpState.Established:
                _finRequested = true;
                SetState(TcpState.FinWait1);
                break;
            case TcpState.CloseWait:
                _finRequested = true;
                SetState(TcpState.LastAck);
                break;
            default:
                return;
        }

        // tcp_send_fin(): a FIN with no unsent data to ride on is an skb of its own, queued.
        if (_bytesWritten == _streamNext)
        {
            ChronoStart(Chrono.Busy);
        }

        PushPendingFrames();
    }
}
