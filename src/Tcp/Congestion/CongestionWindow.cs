namespace NetSim.Tcp.Congestion;

/// <summary>
/// The window variables a congestion-control algorithm reads and writes, in segments as Linux
/// keeps them (tp->snd_cwnd, snd_ssthresh, snd_cwnd_cnt, snd_cwnd_clamp).
/// </summary>
public sealed class CongestionWindow
{
    /// <summary>Linux TCP_INFINITE_SSTHRESH: slow start until the first loss.</summary>
    public const uint InfiniteSsthresh = 0x7fffffff;

    public uint Cwnd { get; set; }

    public uint Ssthresh { get; set; } = InfiniteSsthresh;

    /// <summary>ACKed segments counted towards the next additive increase (tp->snd_cwnd_cnt).</summary>
    public uint CwndCount { get; set; }

    public uint CwndClamp { get; set; } = uint.MaxValue;

    /// <summary>Whether sending in the current window was stopped by cwnd (tp->is_cwnd_limited, set by tcp_cwnd_validate()).</summary>
    public bool IsCwndLimited { get; set; }

    /// <summary>Most segments outstanding in the current window (tp->max_packets_out).</summary>
    public uint MaxPacketsOut { get; set; }

    /// <summary>
    /// Linux tcp_is_cwnd_limited(): growing cwnd is useful only when it limits sending; in slow
    /// start, while cwnd is below twice the segments recently outstanding.
    /// </summary>
    public bool CwndLimited => IsCwndLimited || (InSlowStart && Cwnd < 2 * MaxPacketsOut);

    public bool InSlowStart => Cwnd < Ssthresh;

    /// <summary>
    /// The opening of every Linux ops->cong_avoid: nothing grows unless cwnd is the limit
    /// (tcp_is_cwnd_limited()); below ssthresh, slow start. Returns the ACKed segments left for
    /// congestion avoidance, 0 when there is nothing more to do.
    /// </summary>
    public uint SlowStartFirst(uint acked)
    {
        if (!CwndLimited)
        {
            return 0;
        }

        return InSlowStart ? SlowStart(acked) : acked;
    }

    /// <summary>
    /// The opening of the ops->cong_avoid of modules that do not carry slow start's leftover into
    /// congestion avoidance (HighSpeed, H-TCP): true, with nothing more to do, when cwnd is not
    /// the limit or slow start took the ACK.
    /// </summary>
    public bool SlowStartTakes(uint acked)
    {
        if (!CwndLimited)
        {
            return true;
        }

        if (InSlowStart)
        {
            SlowStart(acked);
            return true;
        }

        return false;
    }

    /// <summary>Linux tcp_slow_start(): grows cwnd by the ACKed count up to ssthresh and returns what is left over.</summary>
    public uint SlowStart(uint acked)
    {
        var cwnd = Math.Min(Cwnd + acked, Ssthresh);
        acked -= cwnd - Cwnd;
        Cwnd = Math.Min(cwnd, CwndClamp);
        return acked;
    }

    /// <summary>Linux tcp_cong_avoid_ai(): one segment per <paramref name="w"/> ACKed segments.</summary>
    public void CongestionAvoidanceIncrease(uint w, uint acked)
    {
        if (CwndCount >= w)
        {
            CwndCount = 0;
            Cwnd++;
        }

        CwndCount += acked;
        if (CwndCount >= w)
        {
            var delta = CwndCount / w;
            CwndCount -= delta * w;
            Cwnd += delta;
        }

        Cwnd = Math.Min(Cwnd, CwndClamp);
    }
}
