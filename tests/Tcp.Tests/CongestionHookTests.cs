using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;
using NetSim.Tcp.Buffers;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>What the stack tells a congestion-control algorithm beyond cwnd: skb_marked_lost, CA_EVENT_TLP_RECOVERY, and the v3 rate-sample fields.</summary>
public class CongestionHookTests
{
    [Fact]
    public void EverySegmentCountedLostIsReportedOnceWithItsSendSnapshot()
    {
        var net = new TwoHostNetwork(forwardLoss: 0.02, settings: TcpSettings.Linux with { ReceiveBuffer = 1 << 20, SendBuffer = 4 << 20 });
        var sink = new SinkApplication(net.ServerStack, 5001, net.Settings);
        sink.Install();
        var connection = net.ClientStack.Connect(net.Server.Address, 5001);
        var recorder = new RecordingCongestion();
        connection.ReinitCongestionControl(recorder);
        connection.Established = c => c.Write(3_000_000);

        net.Simulation.Run(SimTime.FromSeconds(60));

        Assert.Equal(3_000_000, sink.BytesReceived);
        Assert.True(connection.LostTotal > 20, $"{connection.LostTotal} lost");
        Assert.Equal(connection.LostTotal, recorder.MarkedLost.Count);

        // tx.lost is tp->lost before the segment's own loss; tx.in_flight counts the segment itself.
        Assert.All(recorder.MarkedLost, m => Assert.True(m.TxLost < m.LostNow, $"tx.lost {m.TxLost}, lost {m.LostNow}"));
        Assert.All(recorder.MarkedLost, m => Assert.InRange(m.TxInFlight, 1, RecordingCongestion.FixedCwnd + 1));

        // rs->lost spans the interval since the sampled segment was sent; rs->losses only this ACK.
        Assert.All(recorder.Samples, s => Assert.True(s.Lost >= 0 && s.TxInFlight >= 0));
        Assert.Contains(recorder.Samples, s => s.Lost > s.Losses);
    }

    [Fact]
    public void ALossProbeThatRepairsATailLossIsAmbiguousAtFirstThenReportedAsTlpRecovery()
    {
        // Packet 1 is the SYN, 2 the handshake ACK, 3 to 12 the ten data segments: the last one is lost.
        var net = new TwoHostNetwork(forwardLossModel: new ScheduledLoss(12));
        new SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var connection = net.ClientStack.Connect(net.Server.Address, 80);
        var recorder = new RecordingCongestion();
        connection.ReinitCongestionControl(recorder);
        connection.Established = c => c.Write(10 * 1448);
        net.Simulation.Schedule(SimTime.FromSeconds(1), () => connection.Write(5 * 1448));

        net.Simulation.Run(SimTime.FromSeconds(2));

        Assert.Equal(1, connection.LossProbes);
        Assert.Equal(0, connection.Statistics.RetransmissionTimeouts);

        // The probe's ACK could be for the original or the probe; the next advancing ACK shows a loss (tcp_process_tlp_ack()).
        Assert.Single(recorder.Samples, s => s.IsAckingTlpRetransSeq);
        Assert.Equal([CaEvent.TlpRecovery], recorder.Events.Where(e => e == CaEvent.TlpRecovery));
        var recovery = recorder.Log.IndexOf("event TlpRecovery");
        Assert.Equal("ssthresh", recorder.Log[recovery + 1]);
        Assert.True(recorder.Log.IndexOf("ambiguous") < recovery);
    }

    /// <summary>A model-based algorithm that keeps cwnd at ten segments and records what it is told.</summary>
    private sealed class RecordingCongestion : IModelBasedCongestionControl
    {
        public const int FixedCwnd = 10;

        public string Name => "recording";

        public List<(long TxLost, long LostNow, int TxInFlight)> MarkedLost { get; } = [];

        public List<(long Lost, long Losses, int TxInFlight, bool IsAckingTlpRetransSeq)> Samples { get; } = [];

        public List<CaEvent> Events { get; } = [];

        public List<string> Log { get; } = [];

        public void Init(TcpConnection connection) => connection.Window.Cwnd = FixedCwnd;

        public uint Ssthresh(CongestionWindow window)
        {
            Log.Add("ssthresh");
            return window.Ssthresh;
        }

        public void CongestionAvoid(CongestionWindow window, uint acked)
        {
        }

        public void SetState(CongestionWindow window, CaState state)
        {
        }

        public void CwndEvent(TcpConnection connection, CaEvent caEvent)
        {
            Events.Add(caEvent);
            Log.Add($"event {caEvent}");
        }

        public void SegmentMarkedLost(TcpConnection connection, in SentSegment segment) =>
            MarkedLost.Add((segment.TxLost, connection.LostTotal, segment.TxInFlight));

        public void CongControl(TcpConnection connection, RateSample sample)
        {
            Samples.Add((sample.Lost, sample.Losses, sample.TxInFlight, sample.IsAckingTlpRetransSeq));
            if (sample.IsAckingTlpRetransSeq)
            {
                Log.Add("ambiguous");
            }

            connection.Window.Cwnd = FixedCwnd;
        }
    }
}
