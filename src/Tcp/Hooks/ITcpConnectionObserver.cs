namespace NetSim.Tcp.Hooks;

/// <summary>Trace sink for one connection's events, fired as they happen. A connection without one pays nothing.</summary>
public interface ITcpConnectionObserver
{
    void OnStateChanged(TcpConnection connection, TcpState from, TcpState to);

    /// <summary>Any of cwnd, ssthresh, srtt, rto or bytes in flight changed since the last call.</summary>
    void OnVariablesChanged(TcpConnection connection);

    void OnRetransmission(TcpConnection connection, SequenceNumber start, int length, RetransmissionCause cause);

    void OnRetransmissionTimeout(TcpConnection connection, int retransmits);

    /// <summary>A valid RTT measurement (Karn's rule passed), after the estimator took it.</summary>
    void OnRttSample(TcpConnection connection, NetSim.Sim.Kernel.SimTime measured);
}
