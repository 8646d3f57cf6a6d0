namespace NetSim.Tcp.Congestion;

/// <summary>
/// What Vegas measures each round trip (struct vegas in net/ipv4/tcp_vegas.h), which YeAH shares:
/// the base RTT (the smallest sample ever, plus 1 us), the round's smallest sample and its count,
/// and where the round ends (the SND.NXT it began with). It measures only in Open.
/// </summary>
internal sealed class VegasMeasurement
{
    private const uint NoRtt = 0x7fffffff;

    /// <summary>doing_vegas_now.</summary>
    public bool Enabled { get; private set; }

    /// <summary>beg_snd_nxt: an ACK beyond it ends the round.</summary>
    public SequenceNumber RoundEnd { get; private set; }

    /// <summary>cntRTT: the RTT samples of this round.</summary>
    public int Samples { get; private set; }

    /// <summary>minRTT: this round's smallest sample, in us.</summary>
    public uint MinRtt { get; private set; } = NoRtt;

    /// <summary>baseRTT: the smallest sample ever, plus 1 us.</summary>
    public uint BaseRtt { get; private set; } = uint.MaxValue;

    /// <summary>tcp_vegas_init(): the base RTT forgotten, and measuring from the next window sent.</summary>
    public void Init(TcpConnection connection)
    {
        BaseRtt = NoRtt;
        Enable(connection);
    }

    /// <summary>tcp_vegas_state().</summary>
    public void SetState(TcpConnection connection, CaState state)
    {
        if (state == CaState.Open)
        {
            Enable(connection);
        }
        else
        {
            Enabled = false;
        }
    }

    /// <summary>tcp_vegas_cwnd_event(): sending after idle, or a window restarted after idle, starts measuring over.</summary>
    public void CwndEvent(TcpConnection connection, CaEvent caEvent)
    {
        if (caEvent is CaEvent.TxStart or CaEvent.CwndRestart)
        {
            Init(connection);
        }
    }

    /// <summary>tcp_vegas_pkts_acked(): the base RTT and this round's minimum, from every RTT sample.</summary>
    public void AddSample(long rttUs)
    {
        if (rttUs < 0)
        {
            return;
        }

        var vrtt = (uint)Math.Min(rttUs + 1, uint.MaxValue);
        BaseRtt = Math.Min(BaseRtt, vrtt);
        MinRtt = Math.Min(MinRtt, vrtt);
        Samples++;
    }

    /// <summary>The next round ends at <paramref name="sndNxt"/>, with its samples wiped.</summary>
    public void StartRound(SequenceNumber sndNxt)
    {
        RoundEnd = sndNxt;
        Samples = 0;
        MinRtt = NoRtt;
    }

    /// <summary>vegas_enable(): measure from the next window sent.</summary>
    private void Enable(TcpConnection connection)
    {
        Enabled = true;
        StartRound(connection.SndNxt);
    }
}
