namespace NetSim.Tcp;

/// <summary>
/// Nagle's algorithm (RFC 9293 §3.7.4) and the socket options over it, kept as Linux keeps them in
/// tp->nonagle: TCP_NODELAY turns it off, TCP_CORK holds every partial segment, and a one-shot
/// push bit lets what is queued go once, until the next skb is queued (tcp_skb_entail()).
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>tp->nonagle's bits.</summary>
    [Flags]
    private enum Nagle
    {
        None = 0,

        /// <summary>TCP_NAGLE_OFF: TCP_NODELAY is set.</summary>
        Off = 1,

        /// <summary>TCP_NAGLE_CORK: TCP_CORK is set, or the write carries MSG_MORE.</summary>
        Cork = 2,

        /// <summary>TCP_NAGLE_PUSH: send what is queued now, Nagle and cork notwithstanding.</summary>
        Push = 4,
    }

    private Nagle _nonagle;

    /// <summary>TCP_NODELAY: Nagle's algorithm off; turning it on sends what Nagle or a cork held (__tcp_sock_set_nodelay()).</summary>
    public bool NoDelay
    {
        get => (_nonagle & Nagle.Off) != 0;
        set
        {
            if (value)
            {
                _nonagle |= Nagle.Off | Nagle.Push;
                PushPendingFrames();
            }
            else
            {
                _nonagle &= ~Nagle.Off;
            }
        }
    }

    /// <summary>
    /// TCP_CORK: partial segments wait until the cork is pulled, which sends them, with TCP_NODELAY
    /// set as if pushed (__tcp_sock_set_cork()). Full segments still go.
    /// </summary>
    public bool Cork
    {
        get => (_nonagle & Nagle.Cork) != 0;
        set
        {
            if (value)
            {
                _nonagle |= Nagle.Cork;
                return;
            }

            _nonagle &= ~Nagle.Cork;
            if ((_nonagle & Nagle.Off) != 0)
            {
                _nonagle |= Nagle.Push;
            }

            PushPendingFrames();
        }
    }

    /// <summary>
    /// Linux tcp_nagle_test() for the last skb, after its push bit and FIN checks: a partial segment
    /// waits when corked, or, with no option set, while an earlier small segment is unacknowledged
    /// (tcp_nagle_check() with Minshall's refinement).
    /// </summary>
    private bool NagleHolds(bool partial, Nagle nonagle) =>
        partial && (nonagle & Nagle.Push) == 0
        && ((nonagle & Nagle.Cork) != 0 || (nonagle == Nagle.None && PacketsOut > 0 && _sndSml > SndUna));
}
