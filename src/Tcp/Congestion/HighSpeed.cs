namespace NetSim.Tcp.Congestion;

/// <summary>
/// HighSpeed TCP (RFC 3649) as Linux implements it in net/ipv4/tcp_highspeed.c: past slow start,
/// the larger the window the more each ACK adds and the less a loss takes. The window's place in
/// RFC 3649's table (appendix B: 72 windows from 38 to 89,053 segments) gives a(w), the index
/// plus one segments per window of ACKs (counted per ACK, not per segment acknowledged, as Linux
/// counts it), and b(w), from 0.5 down to 0.1 of the window taken on loss. At 38 segments or
/// fewer it is Reno.
/// </summary>
public sealed class HighSpeed : ICongestionControl
{
    /// <summary>hstcp_aimd_vals: each row's largest window and b(w) in 256ths.</summary>
    private static readonly (uint Cwnd, uint Decrease)[] Table =
    [
        (38, 128), (118, 112), (221, 104), (347, 98), (495, 93), (663, 89), (851, 86), (1058, 83),
        (1284, 81), (1529, 78), (1793, 76), (2076, 74), (2378, 72), (2699, 71), (3039, 69),
        (3399, 68), (3778, 66), (4177, 65), (4596, 64), (5036, 62), (5497, 61), (5979, 60),
        (6483, 59), (7009, 58), (7558, 57), (8130, 56), (8726, 55), (9346, 54), (9991, 53),
        (10661, 52), (11358, 52), (12082, 51), (12834, 50), (13614, 49), (14424, 48), (15265, 48),
        (16137, 47), (17042, 46), (17981, 45), (18955, 45), (19965, 44), (21013, 43), (22101, 43),
        (23230, 42), (24402, 41), (25618, 41), (26881, 40), (28193, 39), (29557, 39), (30975, 38),
        (32450, 38), (33986, 37), (35586, 36), (37253, 36), (38992, 35), (40808, 35), (42707, 34),
        (44694, 33), (46776, 33), (48961, 32), (51258, 32), (53677, 31), (56230, 30), (58932, 30),
        (61799, 29), (64851, 28), (68113, 28), (71617, 27), (75401, 26), (79517, 26), (84035, 25),
        (89053, 24)
    ];

    /// <summary>hstcp_init(): keeps the multiplicative decrease's arithmetic within 32 bits.</summary>
    private const uint CwndClampLimit = 0xffffffff / 128;

    private int _index;

    public string Name => "highspeed";

    /// <summary>The row of the table the window is in (ca->ai): a(w) = index + 1.</summary>
    public int Index => _index;

    /// <summary>hstcp_init().</summary>
    public void Init(TcpConnection connection)
    {
        _index = 0;
        connection.Window.CwndClamp = Math.Min(connection.Window.CwndClamp, CwndClampLimit);
    }

    /// <summary>hstcp_ssthresh(): b(w) of the window's row taken away.</summary>
    public uint Ssthresh(CongestionWindow window) =>
        Math.Max(window.Cwnd - ((window.Cwnd * Table[_index].Decrease) >> 8), 2u);

    /// <summary>hstcp_cong_avoid(): in slow start the leftover ACKs are not carried into congestion avoidance.</summary>
    public void CongestionAvoid(CongestionWindow window, uint acked)
    {
        if (window.SlowStartTakes(acked))
        {
            return;
        }

        var cwnd = window.Cwnd;
        while (cwnd > Table[_index].Cwnd && _index < Table.Length - 1)
        {
            _index++;
        }

        while (_index > 0 && cwnd <= Table[_index - 1].Cwnd)
        {
            _index--;
        }

        if (cwnd < window.CwndClamp)
        {
            window.CwndCount += (uint)_index + 1;
            if (window.CwndCount >= cwnd)
            {
                window.CwndCount -= cwnd;
                window.Cwnd = cwnd + 1;
            }
        }
    }

    public void SetState(CongestionWindow window, CaState state)
    {
    }
}
