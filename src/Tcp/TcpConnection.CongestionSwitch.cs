using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>Changing a connection's congestion control, as setsockopt(TCP_CONGESTION) does from an application or a sock_ops program.</summary>
public sealed partial class TcpConnection
{
    /// <summary>icsk_ca_initialized: the algorithm's init has run.</summary>
    private bool _congestionInitialized;

    /// <summary>-ENOENT: no algorithm by that name.</summary>
    public const int NoSuchAlgorithm = -2;

    /// <summary>
    /// Linux tcp_set_congestion_control() and tcp_reinit_congestion_control(): the named algorithm
    /// replaces the current one with fresh state, the socket's ECT bit follows its need for ECN,
    /// and it is initialised at once unless the socket is closed or listening. cwnd and ssthresh
    /// stay as they are. Returns 0, or -ENOENT for an unknown name.
    /// </summary>
    public int SetCongestionControl(string name)
    {
        if (!CongestionControlRegistry.TryCreate(name, out var algorithm))
        {
            return NoSuchAlgorithm;
        }

        if (algorithm.Name != Congestion.Name)
        {
            ReinitCongestionControl(algorithm);
        }

        return 0;
    }

    /// <summary>tcp_reinit_congestion_control(): <paramref name="algorithm"/> takes over with fresh state.</summary>
    internal void ReinitCongestionControl(ICongestionControl algorithm)
    {
        Congestion = algorithm;
        if (State is not (TcpState.Closed or TcpState.Listen))
        {
            algorithm.Init(this);
            _congestionInitialized = true;
        }

        // After init, which may give up ECN (DCTCP without it falls back to Reno).
        _ectOnSocket = EctOnEveryPacket;
    }
}
