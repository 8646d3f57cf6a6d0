using NetSim.Sim.Network.Loss;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>Open and close (RFC 9293 §3.5-3.6, figures 6 and 12), with the timings of a 10 Mbit/s, 20 ms path.</summary>
public class ConnectionLifecycleTests
{
    // A 60-byte SYN or SYN-ACK (IP + TCP + MSS 4 + NOP NOP timestamps 12 + NOP window scale 4) takes 48 us at 10 Mbit/s, then 20 ms to propagate.
    private static readonly SimTime HandshakeLeg = SimTime.FromNanoseconds(20_048_000);

    [Fact]
    public void ThreeWayHandshakeThenCloseThroughTimeWait()
    {
        var net = new TwoHostNetwork();
        var states = new StateRecorder();
        states.Attach(net.ClientStack);
        states.Attach(net.ServerStack);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "f") { MaxBytes = 10_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(100));

        Assert.Equal(
            [TcpState.SynSent, TcpState.Established, TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed],
            states.StatesOf("client"));
        Assert.Equal([TcpState.Listen, TcpState.Established, TcpState.CloseWait, TcpState.LastAck, TcpState.Closed], states.StatesOf("server"));

        var clientEstablished = states.States.Single(s => s.Host == "client" && s.To == TcpState.Established).At;
        Assert.Equal(HandshakeLeg * 2, clientEstablished);

        // TIME-WAIT lasts 2*MSL = 60 s in Linux (TCP_TIMEWAIT_LEN).
        var timeWait = states.States.Single(s => s.Host == "client" && s.To == TcpState.TimeWait).At;
        var closed = states.States.Single(s => s.Host == "client" && s.To == TcpState.Closed).At;
        Assert.Equal(SimTime.FromSeconds(60), closed - timeWait);
        Assert.Equal(10_000, sink.BytesReceived);
    }

    [Fact]
    public void SynRetransmissionsUseLinearThenExponentialTimeoutsAndGiveUp()
    {
        var loss = new ScheduledLoss { Outage = true };
        var net = new TwoHostNetwork(forwardLossModel: loss);
        var states = new StateRecorder();
        states.Attach(net.ClientStack);
        var connection = net.ClientStack.Connect(net.Server.Address, 80);

        net.Simulation.Run(SimTime.FromSeconds(300));

        // tcp_syn_linear_timeouts = 4: four retransmissions 1 s apart, then backoff 2, 4, ... 64 s;
        // tcp_syn_retries = 6 on top of those four: ETIMEDOUT at the eleventh expiry, 131 s after the SYN.
        Assert.Equal(
            new long[] { 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 },
            states.Retransmissions.Select(r => r.At.Nanoseconds / 1_000_000_000));
        Assert.Equal(TcpState.Closed, connection.State);
        Assert.Equal("ETIMEDOUT", connection.Error);
        Assert.Equal(SimTime.FromSeconds(131), states.States.Last().At);
    }

    [Fact]
    public void DataRetransmissionTimeoutsBackOffExponentiallyUntilTheRetries2Horizon()
    {
        // Without tail loss probes, so that the expiries follow RFC 6298 §5.5 from the first send.
        var loss = new ScheduledLoss();
        var net = new TwoHostNetwork(forwardLossModel: loss, settings: TcpSettings.Linux with { TailLossProbe = false });
        var states = new StateRecorder();
        states.Attach(net.ClientStack);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var connection = net.ClientStack.Connect(net.Server.Address, 80);
        connection.Established = c =>
        {
            loss.Outage = true;
            c.Write(10 * 1460);
        };

        net.Simulation.Run(SimTime.FromSeconds(2000));

        // One RTT sample (the SYN's 40.096 ms): RTO = srtt + max(mdev, 200 ms) = 241 ms in whole jiffies.
        // Expiries at t0 + 241 * (2^k - 1) ms, doubling to the 120 s cap; t0 is when the data left (40.096 ms).
        var t0 = HandshakeLeg * 2;
        var expected = new List<SimTime>();
        var at = t0;
        var rto = SimTime.FromMilliseconds(241);
        for (var k = 0; k < 16; k++)
        {
            at += rto;
            expected.Add(at);
            rto = SimTime.Min(rto * 2, SimTime.FromSeconds(120));
        }

        // tcp_retries2 = 15 as Linux's time horizon: 924.6 s after the first transmission of the head.
        // The 16th expiry (963.19 s) is past it: RTO_CB reports the abort and the connection ends with ETIMEDOUT.
        Assert.Equal(expected.Take(15), states.Timeouts.Select(t => t.At));
        Assert.Equal(TcpState.Closed, connection.State);
        Assert.Equal("ETIMEDOUT", connection.Error);
        Assert.Equal(expected[15], states.States.Last().At);
        Assert.Equal(15, connection.Statistics.RetransmissionTimeouts);
    }

    [Fact]
    public void InABlackoutATailLossProbeGoesFirstAndTheRtoCountsFromIt()
    {
        var loss = new ScheduledLoss();
        var net = new TwoHostNetwork(forwardLossModel: loss);
        var states = new StateRecorder();
        states.Attach(net.ClientStack);
        new SinkApplication(net.ServerStack, 80, net.Settings).Install();
        var connection = net.ClientStack.Connect(net.Server.Address, 80);
        connection.Established = c =>
        {
            loss.Outage = true;
            c.Write(10 * 1460);
        };

        net.Simulation.Run(SimTime.FromSeconds(2));

        // PTO = 2 * SRTT (80.192 ms) + 2 jiffies = 83 ms in whole jiffies; the RTO (241 ms) restarts from the probe.
        var t0 = HandshakeLeg * 2;
        Assert.Equal(1, connection.LossProbes);
        Assert.Equal(t0 + SimTime.FromMilliseconds(83) + SimTime.FromMilliseconds(241), states.Timeouts[0].At);
    }

    [Fact]
    public void OneLostSegmentIsRepairedByFastRetransmitWithoutATimeout()
    {
        // Packet 1 is the SYN, 2 the handshake ACK; packet 12 is the 10th data segment.
        var net = new TwoHostNetwork(forwardLossModel: new ScheduledLoss(12));
        var states = new StateRecorder();
        states.Attach(net.ClientStack);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "f") { MaxBytes = 200 * 1460 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(30));

        var client = sender.Connection!;
        Assert.Equal(200 * 1460, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
        Assert.Equal(1, client.Statistics.TotalRetransmissions);
        Assert.Equal(1, client.Statistics.FastRetransmits);
        Assert.Equal(0, client.Statistics.RetransmissionTimeouts);
        Assert.Empty(states.Timeouts);
    }

    [Theory]
    [InlineData(16, 40_204_800)]
    [InlineData(0, 80_204_800)]
    public void ASingleSegmentIsAckedAtOnceInQuickAckModeElseAfterTheDelayedAckTimer(int quickAcks, long expectedRttNs)
    {
        var settings = TcpSettings.Linux with { QuickAcks = quickAcks };
        var net = new TwoHostNetwork(settings: settings);
        var samples = new StateRecorder();
        samples.Attach(net.ClientStack);

        // A receiver that does not read: a reader draining the pushed segment would send its ACK at once (tcp_cleanup_rbuf()).
        var listener = net.ServerStack.Listen(80, settings);
        listener.Accepted = c => c.ReadsOnArrival = false;
        var connection = net.ClientStack.Connect(net.Server.Address, 80, settings);
        connection.Established = c => c.Write(100);

        net.Simulation.Run(SimTime.FromSeconds(1));

        // With timestamps every segment carries 12 option bytes: the data waits 41.6 us behind the 52 B
        // handshake ACK, takes 121.6 us (152 B), the ACK back 41.6 us, plus 40 ms of propagation; without
        // quick-ACK mode the receiver holds its ACK for TCP_DELACK_MIN = 40 ms.
        var dataSample = samples.RttSamples.Where(s => s.Host == "client").Skip(1).First();
        Assert.Equal(SimTime.FromNanoseconds(expectedRttNs), dataSample.Measured);
    }

    [Fact]
    public void SequenceNumbersWrapAroundMidTransfer()
    {
        var net = new TwoHostNetwork(forwardLoss: 0.01);
        net.ClientStack.InitialSequenceNumbers = () => new SequenceNumber(0xFFFF_FFFF - 300_000);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var sender = new BulkSendApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "wrap") { MaxBytes = 1_000_000 };
        sender.Install();

        net.Simulation.Run(SimTime.FromSeconds(100));

        Assert.True(sender.Connection!.SndUna.Value < 1_000_000, "the sequence space wrapped");
        Assert.Equal(1_000_000, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
        Assert.Equal(0, sink.Accepted.Single().Statistics.IntegrityErrors);
        Assert.Equal(TcpState.Closed, sink.Accepted.Single().State);
    }
}
