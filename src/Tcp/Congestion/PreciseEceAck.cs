namespace NetSim.Tcp.Congestion;

/// <summary>
/// The receiver's precise CE echo of Linux tcp_dctcp.h (dctcp_ece_ack_update(), dctcp_ece_ack_cwr()),
/// shared by DCTCP and BBRv3: ECE follows the CE state of the last data segment. When the state
/// changes while an ACK is being delayed, that ACK leaves now, for the data before this segment and
/// with the previous state's ECE; the segment itself is then acknowledged at once. So every ACK
/// covers segments of one CE state only.
/// </summary>
public sealed class PreciseEceAck
{
    private SequenceNumber _priorRcvNxt;

    /// <summary>The CE state of the last data segment received (ca->ce_state).</summary>
    public bool CeState { get; private set; }

    /// <summary>At the algorithm's init: no CE seen, and the receive point as it stands (prior_rcv_nxt = tp->rcv_nxt).</summary>
    public void Reset(TcpConnection connection)
    {
        _priorRcvNxt = connection.RcvNxt;
        CeState = false;
    }

    /// <summary>dctcp_ece_ack_update() for CA_EVENT_ECN_IS_CE (<paramref name="ce"/>) or CA_EVENT_ECN_NO_CE.</summary>
    public void Update(TcpConnection connection, bool ce)
    {
        if (CeState != ce)
        {
            if (connection.DelayedAckPending)
            {
                connection.SetEcnEcho(CeState);
                connection.SendAckFor(_priorRcvNxt);
            }

            connection.RequestImmediateAck();
        }

        _priorRcvNxt = connection.RcvNxt;
        CeState = ce;
        connection.SetEcnEcho(ce);
    }
}
