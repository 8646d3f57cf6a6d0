using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// Packetization-layer path MTU discovery (RFC 4821) as Linux does it (tcp_mtu_probe(),
/// tcp_mtup_probe_success(), tcp_mtup_probe_failed(), tcp_mtu_probing()): a binary search for the
/// path MTU between search_low, an MTU known to get through, and search_high, one known or assumed
/// not to, by sending one segment larger than the MSS (a probe) from the send queue. The probe's
/// acknowledgement raises search_low and the MSS to it; the probe found lost while everything
/// before it was acknowledged lowers search_high, and the probe goes again as ordinary segments.
/// With <see cref="TcpSettings.MtuProbing"/> 1 the search starts only once retransmission
/// timeouts suggest a black hole (RFC 2923 §2.1: a path that drops too-big packets without a
/// Fragmentation Needed), and the MSS drops to <see cref="TcpSettings.BaseMss"/> at once.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>tcp_mtu_probe() waits for cwnd to reach this many segments before probing.</summary>
    private const uint MtuProbeMinCwnd = 11;

    /// <summary>icsk_mtup.enabled.</summary>
    private bool _mtupEnabled;

    /// <summary>icsk_mtup.search_high and search_low: MTUs (IP and TCP headers included).</summary>
    private int _searchHigh;

    private int _searchLow;

    /// <summary>icsk_mtup.probe_size: the MTU of the probe in flight, or 0.</summary>
    private int _probeSize;

    /// <summary>icsk_mtup.probe_timestamp, in jiffies: when the search last started.</summary>
    private uint _probeTimestamp;

    /// <summary>tp->mtu_probe.probe_seq_start and probe_seq_end.</summary>
    private SequenceNumber _probeSeqStart;

    private SequenceNumber _probeSeqEnd;

    /// <summary>tp->tcp_header_len: the TCP header with the options every segment carries (timestamps).</summary>
    private int TcpHeaderLength => Packet.TcpHeaderBytes + (TimestampsAgreed ? TimestampsOptionBytes : 0);

    /// <summary>
    /// tcp_mtu_to_mss(): the MSS for an MTU, at most mss_clamp and at least TCP_MIN_SND_MSS, less
    /// the options every segment carries.
    /// </summary>
    private int MtuToMss(int mtu) =>
        Math.Max(Math.Min(_mssClamp, mtu - Packet.Ipv4HeaderBytes - Packet.TcpHeaderBytes), MinSendMssForPath)
        - (TimestampsAgreed ? TimestampsOptionBytes : 0);

    /// <summary>The top of a new search: mss_clamp's MTU, without options (tcp_mtup_init(), tcp_mtu_check_reprobe()).</summary>
    private int ClampMtu => _mssClamp + Packet.TcpHeaderBytes + Packet.Ipv4HeaderBytes;

    /// <summary>tcp_mss_to_mtu(): the MTU of a segment of <paramref name="mss"/> bytes with the usual options.</summary>
    private int MssToMtu(int mss) => mss + TcpHeaderLength + Packet.Ipv4HeaderBytes;

    /// <summary>
    /// tcp_mtup_init(): enabled with tcp_mtu_probing 2; the search spans mss_clamp's MTU down to the
    /// MTU of tcp_base_mss with <paramref name="tcpHeaderLength"/> bytes of TCP header (in
    /// tcp_connect_init() the timestamps the SYN offers count, before the peer has agreed to them).
    /// </summary>
    private void MtupInit(int tcpHeaderLength)
    {
        _mtupEnabled = Settings.MtuProbing > 1;
        _searchHigh = ClampMtu;
        _searchLow = Settings.BaseMss + tcpHeaderLength + Packet.Ipv4HeaderBytes;
        _probeSize = 0;
        if (_mtupEnabled)
        {
            _probeTimestamp = Jiffies;
        }
    }

    /// <summary>
    /// tcp_mtu_probe(), from tcp_write_xmit() before its loop: 1 when a probe went, 0 when sending
    /// should wait (for the window or for cwnd to drain), -1 when there is no probe to send.
    /// </summary>
    private int MtuProbe()
    {
        // Not probing already, in the Open state, with cwnd enough, and sending no SACK blocks
        // (their variable length would throw the probe's size off).
        if (!_mtupEnabled || _probeSize != 0 || CaState != CaState.Open || Window.Cwnd < MtuProbeMinCwnd || _sackBlocks.Pending > 0)
        {
            return -1;
        }

        var mssNow = CurrentMss();
        var probeSize = MtuToMss((_searchHigh + _searchLow) >> 1);
        var sizeNeeded = probeSize + ((Reordering + 1) * Mss);
        if (probeSize > MtuToMss(_searchHigh) || _searchHigh - _searchLow < Settings.ProbeThreshold)
        {
            CheckMtuReprobe(mssNow);
            return -1;
        }

        // Enough data queued to fill the probe and what follows it until dupthresh can tell its loss.
        if (_bytesWritten - _streamNext < sizeNeeded || SndWnd < sizeNeeded)
        {
            return -1;
        }

        if (SndNxt + sizeNeeded > SendWindowEnd)
        {
            return 0;
        }

        // Room for the probe and one more: wait for cwnd to drain, unless nothing is in flight.
        if (PacketsInFlight + 2 > Window.Cwnd)
        {
            return PacketsInFlight == 0 ? -1 : 0;
        }

        // tcp_can_coalesce_send_queue_head(): the skbs the probe takes may be merged. A probe too
        // big for the device, with the AccECN option it would carry, fails in ip_fragment()
        // (EMSGSIZE) and is not sent: no probe then.
        var (pushed, recordEnds) = _writeQueue.Spanned(_streamNext, _streamNext + probeSize);
        if (recordEnds || MssToMtu(probeSize) + VariableOptionBytes() > Stack.Host.DeviceMtuTowards(RemoteAddress))
        {
            return -1;
        }

        SendMtuProbe(probeSize, pushed);
        return 1;
    }

    /// <summary>
    /// tcp_mtu_probe()'s probe: one segment of <paramref name="probeSize"/> bytes from the send
    /// head, sent as new data is (tcp_event_new_data_sent()), carrying PSH if an skb it takes whole
    /// was pushed (<paramref name="pushed"/>); cwnd is one less, as the probe stands for two
    /// segments' worth of data.
    /// </summary>
    private void SendMtuProbe(int probeSize, bool pushed)
    {
        _probeSeqStart = SndNxt;
        SendNewSegment(probeSize, probeSize, packetContinues: false, Nagle.Push, out _, pushed);
        Window.Cwnd--;
        _probeSeqEnd = SndNxt;
        _probeSize = MssToMtu(probeSize);
        Statistics.MtuProbes++;
    }

    /// <summary>
    /// tcp_mtu_check_reprobe(): once tcp_probe_interval has passed since the search began, it
    /// starts again, from the current MSS up to mss_clamp.
    /// </summary>
    private void CheckMtuReprobe(int mssNow)
    {
        if ((long)(int)(Jiffies - _probeTimestamp) < Settings.ProbeInterval.Nanoseconds * Settings.Hz / 1_000_000_000L)
        {
            return;
        }

        _probeSize = 0;
        _searchHigh = ClampMtu;
        _searchLow = MssToMtu(mssNow);
        _probeTimestamp = Jiffies;
    }

    /// <summary>
    /// tcp_clean_rtx_queue(): an ACK covering the probe ends it in success (tcp_mtup_probe_success()):
    /// cwnd is rescaled to the bigger segments, ssthresh follows it, search_low rises to the probe and
    /// the MSS with it.
    /// </summary>
    private void CheckMtuProbeAcked()
    {
        if (_probeSize == 0 || SndUna < _probeSeqEnd)
        {
            return;
        }

        _priorSsthresh = CurrentSsthresh();
        Window.Cwnd = Math.Max(1u, (uint)((ulong)Window.Cwnd * (uint)MssToMtu(Mss) / (uint)_probeSize));
        Window.CwndCount = 0;
        Window.Ssthresh = CurrentSsthresh();
        _searchLow = _probeSize;
        _probeSize = 0;
        SyncMss(_pmtuCookie);
        Statistics.MtuProbesSucceeded++;
    }

    /// <summary>
    /// tcp_fastretrans_alert() in Open or Disorder, about to enter Recovery: if what is lost begins
    /// with the probe, the probe was too big (tcp_mtup_probe_failed(): search_high falls below it).
    /// The cwnd taken for it comes back, and the probe goes again cut to the MSS with no window
    /// reduction (tcp_simple_retransmit()). True when this happened, and Recovery is not entered.
    /// </summary>
    private bool MtuProbeFailed()
    {
        if (CaState >= CaState.Cwr || _probeSize == 0 || SndUna != _probeSeqStart)
        {
            return false;
        }

        _searchHigh = _probeSize - 1;
        _probeSize = 0;
        Statistics.MtuProbesFailed++;
        Window.Cwnd++;
        SimpleRetransmit();
        return true;
    }

    /// <summary>
    /// tcp_mtu_probing(), from tcp_write_timeout() once retransmissions have gone on for
    /// tcp_retries1's horizon (black hole detection): the search is enabled if it was not; if it
    /// was, its floor halves, down to tcp_base_mss and no lower than tcp_mtu_probe_floor. The MSS
    /// follows the floor at once.
    /// </summary>
    private void DetectMtuBlackHole()
    {
        if (Settings.MtuProbing == 0)
        {
            return;
        }

        if (!_mtupEnabled)
        {
            _mtupEnabled = true;
            _probeTimestamp = Jiffies;
        }
        else
        {
            var mss = Math.Min(Settings.BaseMss, MtuToMss(_searchLow) >> 1);
            mss = Math.Max(Math.Max(mss, Settings.MtuProbeFloor), MinSendMssForPath);
            _searchLow = MssToMtu(mss);
        }

        SyncMss(_pmtuCookie);
    }
}
