using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Icmp;

namespace NetSim.Tcp;

/// <summary>
/// ICMP errors about this connection's segments (Linux tcp_v4_err(), RFC 1122 §4.2.3.9, RFC 5927).
/// One quoting a sequence number outside SND.UNA..SND.NXT is ignored as stale or forged.
/// Fragmentation Needed lowers the path MTU and with it the MSS, and what went out too big is
/// retransmitted at once (RFC 1191 §6.4, tcp_v4_mtu_reduced()). Any other error ends a connection
/// still opening (tcp_done()), or a request socket silently (tcp_req_err()); an established one
/// only logs it (sk_err_soft), to report it in place of ETIMEDOUT should the connection time out.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>sk_err_soft: the last ICMP error logged on an open connection, until an acceptable ACK clears it.</summary>
    public string? SoftError { get; private set; }

    /// <summary>getsockopt(SO_ERROR) with no hard error pending: the soft error, which reading clears (sock_getsockopt()'s xchg of sk_err_soft).</summary>
    public string? TakeSoftError()
    {
        var error = SoftError;
        SoftError = null;
        return error;
    }

    /// <summary>tcp_write_err(): the connection times out, with the soft error logged if there is one.</summary>
    private void WriteError() => Abort(SoftError ?? "ETIMEDOUT");

    /// <summary>tcp_v4_err() for this connection.</summary>
    internal void OnIcmpError(IcmpMessage icmp)
    {
        if (State is TcpState.Closed or TcpState.Listen or TcpState.TimeWait || _handedToTimeWait)
        {
            return;
        }

        var seq = new SequenceNumber(icmp.QuotedSequenceNumber);
        if (!IsFullSocket)
        {
            OnIcmpErrorForRequest(icmp, seq);
            return;
        }

        // A Fast Open child's SND.UNA starts past its SYN-ACK (tcp_create_openreq_child()): its ISN counts.
        var una = FastOpenRequestPending ? Iss : SndUna;
        if (seq - una < 0 || SndNxt - seq < 0)
        {
            Stack.OutOfWindowIcmps++;
            return;
        }

        if (icmp.IsFragmentationNeeded)
        {
            MtuReduced(icmp.NextHopMtu);
            return;
        }

        if (ErrorOf(icmp) is not { } error)
        {
            return;
        }

        if (icmp.Type == IcmpType.DestinationUnreachable && !FastOpenRequestPending
            && (IcmpUnreachableCode)icmp.Code is IcmpUnreachableCode.NetUnreachable or IcmpUnreachableCode.HostUnreachable)
        {
            RevertRtoBackoff(seq);
        }

        // Only a connection still opening fails; a Fast Open child already accepted counts as open.
        if (State is TcpState.SynSent || (State is TcpState.SynReceived && !(FastOpenRequestPending && IsAccepted)))
        {
            Abort(error);
            return;
        }

        SoftError = error;
    }

    /// <summary>
    /// RFC 6069 (tcp_ld_RTO_revert()): a net or host unreachable about SND.UNA while the RTO is
    /// backed off says the path, not congestion, lost the retransmission, so one backoff is undone
    /// and the timer re-armed for what is left of the shorter RTO since the head's last send; if
    /// none is left, the timer fires now.
    /// </summary>
    private void RevertRtoBackoff(SequenceNumber seq)
    {
        if (seq != SndUna || Retransmits == 0 || Backoff == 0 || PacketsOut == 0)
        {
            return;
        }

        Backoff--;
        var rto = Rtt.HasSample ? Rtt.Rto : Settings.InitialRto;
        Rto = SimTime.Min(rto * (1L << Math.Min(Backoff, 30)), Settings.MaxRto);
        var remaining = Rto - (Simulation.Now - _rtx[0].LastSent);
        if (remaining > SimTime.Zero)
        {
            ArmRetransmitTimer(remaining);
        }
        else
        {
            OnRetransmitTimer();
        }
    }

    /// <summary>
    /// tcp_req_err(): an error quoting the SYN-ACK's ISN that says the peer cannot be reached (a
    /// time exceeded, a parameter problem, net or host unreachable) drops the request silently,
    /// as POSIX wants no network error from accept().
    /// </summary>
    private void OnIcmpErrorForRequest(IcmpMessage icmp, SequenceNumber seq)
    {
        if (seq != Iss)
        {
            Stack.OutOfWindowIcmps++;
            return;
        }

        var unreachable = icmp.Type == IcmpType.DestinationUnreachable
            && (IcmpUnreachableCode)icmp.Code is IcmpUnreachableCode.NetUnreachable or IcmpUnreachableCode.HostUnreachable;
        if (unreachable || icmp.Type is IcmpType.TimeExceeded or IcmpType.ParameterProblem)
        {
            EnterClosed();
        }
    }

    /// <summary>icmp_err_convert[] for Destination Unreachable; EHOSTUNREACH for a time exceeded, EPROTO for a parameter problem; none for the rest.</summary>
    private static string? ErrorOf(IcmpMessage icmp) => icmp.Type switch
    {
        IcmpType.DestinationUnreachable => (IcmpUnreachableCode)icmp.Code switch
        {
            IcmpUnreachableCode.NetUnreachable or IcmpUnreachableCode.NetUnknown or IcmpUnreachableCode.NetProhibited
                or IcmpUnreachableCode.NetUnreachableForTos => "ENETUNREACH",
            IcmpUnreachableCode.HostUnreachable or IcmpUnreachableCode.HostProhibited or IcmpUnreachableCode.HostUnreachableForTos
                or IcmpUnreachableCode.PacketFiltered or IcmpUnreachableCode.PrecedenceViolation or IcmpUnreachableCode.PrecedenceCutoff => "EHOSTUNREACH",
            IcmpUnreachableCode.ProtocolUnreachable => "ENOPROTOOPT",
            IcmpUnreachableCode.PortUnreachable => "ECONNREFUSED",
            IcmpUnreachableCode.SourceRouteFailed => "EOPNOTSUPP",
            IcmpUnreachableCode.HostUnknown => "EHOSTDOWN",
            IcmpUnreachableCode.HostIsolated => "ENONET",
            _ => null,
        },
        IcmpType.TimeExceeded => "EHOSTUNREACH",
        IcmpType.ParameterProblem => "EPROTO",
        _ => null,
    };
}
