using NetSim.Sim.Kernel;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp.Tests;

/// <summary>
/// TCP-LP (net/ipv4/tcp_lp.c): Reno that backs off on a one-way delay rising above 15% of its
/// range, read from the ACKs' timestamps, and to one segment on a second indication within
/// three round trips.
/// </summary>
public class LpTests
{
    /// <summary>20 Mbit/s, 20 ms each way, a 200-packet queue: 66 segments fill the path. 8 MiB buffers, or Linux's defaults.</summary>
    private static TwoHostNetwork Path(string congestion = "lp", bool timestamps = true, bool offsets = true, ulong seed = 1, bool largeBuffers = true)
    {
        var settings = TcpSettings.Linux with { Congestion = congestion, Timestamps = timestamps, TimestampOffsets = offsets };
        return new(rateBps: 20_000_000, delayMs: 20, queuePackets: 200, seed: seed,
            settings: largeBuffers ? settings with { ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20 } : settings);
    }

    [Fact]
    public void WithoutTimestampsItIsReno()
    {
        var lp = Path(timestamps: false);
        var reno = Path("reno", timestamps: false);
        var (lpSink, lpSender) = lp.StartBulk();
        var (renoSink, _) = reno.StartBulk();
        lp.Simulation.Run(SimTime.FromSeconds(5));
        reno.Simulation.Run(SimTime.FromSeconds(5));

        Assert.Equal(0, ((Lp)lpSender.Connection!.Congestion).Indications);
        Assert.Equal(renoSink.BytesReceived, lpSink.BytesReceived);
    }

    [Fact]
    public void OnTheSharedClockTheDelayIsThePathsAndARisingQueueCutsTheWindow()
    {
        var net = Path(offsets: false);
        var (_, sender) = net.StartBulk();
        var lp = (Lp)null!;
        var cutToOne = false;
        var grewWithinInference = false;
        (long Indications, uint Cwnd, bool Within) last = default;
        for (var ms = 10; ms <= 5000; ms += 10)
        {
            net.Simulation.Run(SimTime.FromMilliseconds(ms));
            lp = (Lp)sender.Connection!.Congestion;
            var now = (lp.Indications, sender.Connection.Window.Cwnd, lp.WithinInference);
            cutToOne |= now.WithinInference && now.Cwnd == 1;

            // Within the inference time-out tcp_lp_cong_avoid() does not call Reno: no growth.
            grewWithinInference |= last.Within && now.WithinInference && now.Indications == last.Indications && now.Cwnd > last.Cwnd;
            last = now;
        }

        // Both hosts read the simulation's clock: TSval less TSecr is the 20 ms one way, and a
        // little of the queue and the delayed ACK; the peer's clock reads about 1,000 Hz (the
        // estimate's integer division takes it below: m = 1000 x dTSval / dTSecr).
        Assert.InRange(lp.SmoothedOwd, 20u, 30u);
        Assert.InRange(lp.RemoteHz, 800u, 1000u);

        // Slow start's bursts queue more than 15% of the delay's range: indications, and a
        // second one within three round trips takes cwnd to one segment.
        Assert.True(lp.Indications > 5, $"{lp.Indications} indications");
        Assert.True(cutToOne);
        Assert.False(grewWithinInference);
        Assert.Equal(0, sender.Connection!.Statistics.TotalRetransmissions);
    }

    /// <summary>
    /// The one-way delay is the peer's TSval times LP_RESOL / remote_hz, in integers: once the
    /// estimate of the peer's clock passes 1,000 Hz the factor is 0, the delay read is the
    /// echoed TSecr's complement, and the module stops acting. One pair of ACKs whose TSecrs are
    /// a millisecond apart and whose TSvals tens of milliseconds (the second held by the
    /// delayed-ACK timer after a cut to one segment) adds some 600 Hz to the estimate at once:
    /// here in the first second, with Linux's default buffers, and it stays above 1,000 Hz.
    /// </summary>
    [Fact]
    public void OnceThePeersClockIsEstimatedAbove1000HzTheDelayIsLostAndItStopsActing()
    {
        var net = Path(offsets: false, largeBuffers: false);
        var (sink, sender) = net.StartBulk();
        net.Simulation.Run(SimTime.FromSeconds(1));
        var lp = (Lp)sender.Connection!.Congestion;
        var indications = lp.Indications;
        var bytes = sink.BytesReceived;
        net.Simulation.Run(SimTime.FromSeconds(5));

        Assert.True(indications > 0);
        Assert.True(lp.RemoteHz > 1000, $"remote HZ {lp.RemoteHz}");
        Assert.Equal(indications, lp.Indications);

        // Reno's window, up to the receive buffer's 45 segments: 13 Mbit/s on a 40 ms round trip.
        Assert.True((sink.BytesReceived - bytes) * 8 / 4.0 > 12e6, $"{(sink.BytesReceived - bytes) * 8 / 4e6:F1} Mbit/s");
    }

    /// <summary>
    /// With Linux's random timestamp offsets (tcp_timestamps = 1) the delay the module reads is
    /// the peer's offset plus the one-way delay, in 32 bits; its smoothed value, kept times 8 in
    /// 32 bits, wraps from 2^29 ms up and then never crosses the threshold: the module is Reno.
    /// Below 2^29 the offset cancels out of the range and it backs off as on a shared clock.
    /// </summary>
    [Fact]
    public void UnderRandomOffsetsItActsOnlyWhenThePeersOffsetLeavesRoomForTheSmoothedDelay()
    {
        var seen = new HashSet<bool>();
        for (ulong seed = 1; seed <= 16; seed++)
        {
            var net = Path(seed: seed);
            var (_, sender) = net.StartBulk();
            net.Simulation.Run(SimTime.FromSeconds(2));
            var connection = sender.Connection!;
            var owd = unchecked(connection.ReceivedTsVal - connection.ReceivedTsEcr);
            var wraps = owd >= 1u << 29;
            var indications = ((Lp)connection.Congestion).Indications;
            Assert.True(wraps == (indications == 0), $"seed {seed}: delay read {owd} ms, {indications} indications");
            seen.Add(wraps);
        }

        // Both cases occur among the seeds (about one in eight leaves room).
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void TheSynAcksSampleBeforeInitChangesNothing()
    {
        var net = Path(offsets: false);
        var (_, sender) = net.StartBulk();
        net.Simulation.Run(SimTime.FromMilliseconds(45));
        var connection = sender.Connection!;

        Assert.Equal(TcpState.Established, connection.State);
        Assert.Equal(0, ((Lp)connection.Congestion).Indications);
        Assert.Equal((uint)connection.Settings.InitialCwnd, connection.Window.Cwnd);
    }
}
