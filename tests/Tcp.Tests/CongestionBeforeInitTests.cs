using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// A module's hooks run before its init: an RTO of the SYN calls tcp_enter_loss(), and so
/// ops->ssthresh, CA_EVENT_LOSS and set_state(Loss), while the connection is still opening, and
/// ops->init only comes with tcp_init_transfer(). Linux's module then works on its zeroed private
/// area (icsk_ca_priv), and init resets whatever it wrote; tcp_init_transfer() also gives
/// ssthresh back its initial value (tcp_init_metrics(): "ssthresh may have been reduced
/// unnecessarily during 3WHS"). Every module must survive that and start its transfer normally.
/// </summary>
public class CongestionBeforeInitTests
{
    public static TheoryData<string, uint> SsthreshAfterTheSynTimesOut => new()
    {
        // tcp_reno_ssthresh() and the modules that use it: half of the initial window of 10.
        { "reno", 5 }, { "rfc5681", 5 }, { "hybla", 5 }, { "vegas", 5 }, { "lp", 5 },
        // ns-3's TcpNewReno's, which LEDBAT's losses are: half the flight, the window before init.
        { "ledbat", 5 },
        // bictcp_recalc_ssthresh(): cwnd x 717 / 1024 (last_max_cwnd 0, no fast convergence).
        { "cubic", 7 },
        // bictcp_recalc_ssthresh() of BIC: at or below low_window (14) half.
        { "bic", 5 },
        // hstcp_ssthresh() with ai 0: md 128/256.
        { "highspeed", 5 },
        // htcp_recalc_ssthresh(): htcp_beta_update() with no mode switch yet gives BETA_MIN, 0.5.
        { "htcp", 5 },
        // tcp_illinois_ssthresh() with beta 0 (set to BETA_BASE only by set_state(Loss), which runs after it).
        { "illinois", 10 },
        // tcp_scalable_ssthresh(): an eighth off.
        { "scalable", 9 },
        // tcp_veno_ssthresh(): diff 0 is below beta (3), so non-congestive: four fifths.
        { "veno", 8 },
        // tcp_yeah_ssthresh(): doing_reno_now 0 and lastQ 0, so the reduction is cwnd >> 3.
        { "yeah", 9 },
        // tcpnv_recalc_ssthresh(): cwnd x 819 / 1024 (nv_loss_dec_factor).
        { "nv", 7 },
        // dctcp_ssthresh() takes alpha 0 off, then CA_EVENT_LOSS's dctcp_react_to_loss() halves.
        { "dctcp", 5 },
        // tcp_westwood_event(CA_EVENT_LOSS): bandwidth estimate 0 times rtt_min, at least 2.
        { "westwood", 2 },
        // bbr_ssthresh() saves cwnd and leaves ssthresh as it is.
        { "bbr", CongestionWindow.InfiniteSsthresh },
        { "bbr3", CongestionWindow.InfiniteSsthresh },
        // tcp_cdg_ssthresh() with state 0 (not a backoff) and shadow_wnd 0: max3(2, 0, cwnd / 2).
        { "cdg", 5 },
    };

    [Fact]
    public void EveryRegisteredAlgorithmIsCovered() =>
        Assert.Equal(CongestionControlRegistry.Names.Order(), SsthreshAfterTheSynTimesOut.Select(row => (string)row[0]).Order());

    [Theory]
    [MemberData(nameof(SsthreshAfterTheSynTimesOut))]
    public void ALostSynLeavesTheZeroedModulesSsthreshThenTheTransferStartsAfresh(string algorithm, uint ssthreshInSynSent)
    {
        var settings = TcpSettings.Linux with { Congestion = algorithm };
        var net = new TwoHostNetwork(settings: settings, forwardLossModel: new ScheduledLoss(1));
        var (sink, sender) = net.StartBulk(maxBytes: 300_000);

        // The SYN's RTO fires at 1 s; its retransmission's SYN-ACK comes back 40 ms later.
        net.Simulation.Run(SimTime.FromMilliseconds(1_010));
        var opening = sender.Connection!;
        Assert.Equal(TcpState.SynSent, opening.State);
        Assert.Equal(CaState.Loss, opening.CaState);
        Assert.Equal(ssthreshInSynSent, opening.Window.Ssthresh);

        // Established (FIN-WAIT-1 already, as the writer has closed behind its data), ssthresh as it began.
        net.Simulation.Run(SimTime.FromMilliseconds(1_100));
        Assert.Contains(opening.State, (TcpState[])[TcpState.Established, TcpState.FinWait1]);
        Assert.Equal(CongestionWindow.InfiniteSsthresh, opening.Window.Ssthresh);

        net.Simulation.Run(SimTime.FromSeconds(30));
        Assert.Equal(300_000, sink.BytesReceived);
    }
}
