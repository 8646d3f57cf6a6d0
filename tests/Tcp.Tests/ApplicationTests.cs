using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>The on/off source and the request/response pair, end to end over one link.</summary>
public class ApplicationTests
{
    [Fact]
    public void AConstantOnOffSourceWritesAtItsRateOnlyWhileOn()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 10);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var source = new OnOffApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "onoff",
            PeriodDistribution.Fixed(SimTime.FromSeconds(1)), PeriodDistribution.Fixed(SimTime.FromSeconds(1)), net.Simulation.Random.Get("onoff"))
        {
            Stop = SimTime.FromSeconds(10),
            RateBitsPerSecond = 1_000_000,
        };
        source.Install();

        net.Simulation.Run(SimTime.FromSeconds(12));

        // On at 0, 2, 4, 6, 8 s; each second a 1448-byte write every 11.584 ms: 87 writes.
        Assert.Equal(5, source.OnPeriods);
        Assert.Equal(SimTime.FromSeconds(5), source.TimeOn);
        Assert.Equal(5 * 87 * 1448, source.BytesWritten);
        Assert.Equal(source.BytesWritten, sink.BytesReceived);
        Assert.Equal(0, sink.OrderViolations);
    }

    [Fact]
    public void AnExponentialOnOffSourceIsOnForItsShareOfTheTime()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 10);
        var sink = new SinkApplication(net.ServerStack, 80, net.Settings);
        sink.Install();
        var on = new PeriodDistribution(PeriodKind.Exponential, SimTime.FromMilliseconds(200));
        var off = new PeriodDistribution(PeriodKind.Exponential, SimTime.FromMilliseconds(600));
        var source = new OnOffApplication(net.ClientStack, net.Server.Address, 80, net.Settings, "onoff", on, off, net.Simulation.Random.Get("onoff"))
        {
            Stop = SimTime.FromSeconds(400),
        };
        source.Install();

        net.Simulation.Run(SimTime.FromSeconds(400));

        // About 500 cycles of 0.8 s on average, on a quarter of the time; the bounds are five standard errors wide.
        Assert.InRange(source.OnPeriods, 440, 560);
        Assert.InRange(source.TimeOn.TotalSeconds / 400, 0.20, 0.30);
        Assert.True(sink.BytesReceived > 0);
    }

    [Theory]
    [InlineData(PeriodKind.Exponential, 1.5)]
    [InlineData(PeriodKind.Pareto, 3.0)]
    public void PeriodsHaveTheRequestedMean(PeriodKind kind, double shape)
    {
        var sample = new PeriodDistribution(kind, SimTime.FromMilliseconds(500), shape).Sampler(new RandomStreams(7).Get("periods"));
        var mean = Enumerable.Range(0, 200_000).Average(_ => sample().TotalSeconds);

        Assert.InRange(mean, 0.49, 0.51);
    }

    [Fact]
    public void RequestResponseExchangesCompleteInOrderAndGetFasterAsTheWindowGrows()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        var server = new RequestResponseServer(net.ServerStack, 80, net.Settings, 2_000, 100_000);
        server.Install();
        var client = new RequestResponseClient(net.ClientStack, net.Server.Address, 80, net.Settings, "rr", 2_000, 100_000,
            PeriodDistribution.Fixed(SimTime.Zero), net.Simulation.Random.Get("rr"))
        {
            Requests = 5,
        };
        client.Install();

        net.Simulation.Run(SimTime.FromSeconds(10));

        Assert.Equal([1, 2, 3, 4, 5], client.Completed.Select(r => r.Index));
        Assert.Equal(5 * 2_000, server.BytesReceived);
        Assert.Equal(5 * 100_000, server.ResponseBytesWritten);

        // 100 kB takes 80 ms at 10 Mbit/s, plus at least one 40 ms round trip for the request.
        Assert.All(client.Completed, r => Assert.True(r.CompletionTime > SimTime.FromMilliseconds(120), r.ToString()));
        Assert.True(client.Completed[0].CompletionTime > client.Completed[4].CompletionTime);
        Assert.Equal(TcpState.Closed, server.Accepted[0].State);
    }

    [Fact]
    public void PerRequestConnectionsEachCarryOneExchangeAndTheClientClosesFirst()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        var server = new RequestResponseServer(net.ServerStack, 80, net.Settings, 1_000, 10_000);
        server.Install();
        var client = PerRequestClient(net, requests: 4);

        Assert.Equal([1, 2, 3, 4], client.Completed.Select(r => r.Index));
        Assert.Empty(client.Failed);
        Assert.Equal(4, client.Connections.Count);
        Assert.Equal(4, client.Connections.Select(c => c.LocalPort).Distinct().Count());
        Assert.All(client.Connections, c => Assert.Equal(TcpState.TimeWait, c.State));
        Assert.Equal(4, server.Accepted.Count);
        Assert.All(server.Accepted, c => Assert.Equal(TcpState.Closed, c.State));

        // Each exchange pays its own handshake: after the think period, a 40 ms round trip before the request goes.
        for (var i = 1; i < client.Completed.Count; i++)
        {
            var gap = client.Completed[i].Sent - client.Completed[i - 1].Completed;
            Assert.InRange(gap.TotalMilliseconds, 140, 141);
        }
    }

    [Fact]
    public void WhenTheServerClosesFirstItsSideWaitsInTimeWait()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        var server = new RequestResponseServer(net.ServerStack, 80, net.Settings, 1_000, 10_000) { ClosesAfterResponse = true };
        server.Install();

        var client = PerRequestClient(net, requests: 3, serverCloses: true);

        Assert.Equal([1, 2, 3], client.Completed.Select(r => r.Index));
        Assert.All(client.Connections, c => Assert.Equal(TcpState.Closed, c.State));
        Assert.All(server.Accepted, c => Assert.Equal(TcpState.TimeWait, c.State));
    }

    [Fact]
    public void AnExchangeWhoseConnectionIsRefusedFailsAndTheNextFollowsAThinkPeriodLater()
    {
        var net = new TwoHostNetwork(rateBps: 10_000_000, delayMs: 20);
        var client = PerRequestClient(net, requests: 3);

        // No listener: each SYN is answered with a RST 40 ms later (ECONNREFUSED).
        Assert.Empty(client.Completed);
        Assert.Equal([1, 2, 3], client.Failed.Select(f => f.Index));
        Assert.All(client.Failed, f => Assert.Equal("ECONNREFUSED", f.Error));
        Assert.InRange((client.Failed[1].At - client.Failed[0].At).TotalMilliseconds, 140, 141);
    }

    /// <summary>A client of 1 kB requests and 10 kB responses, 100 ms apart, each on a connection of its own, run for 5 s.</summary>
    private static RequestResponseClient PerRequestClient(TwoHostNetwork net, int requests, bool serverCloses = false)
    {
        var client = new RequestResponseClient(net.ClientStack, net.Server.Address, 80, net.Settings, "rr", 1_000, 10_000,
            PeriodDistribution.Fixed(SimTime.FromMilliseconds(100)), net.Simulation.Random.Get("rr"))
        {
            Requests = requests,
            ConnectionPerRequest = true,
            ServerCloses = serverCloses,
        };
        client.Install();
        net.Simulation.Run(SimTime.FromSeconds(5));
        return client;
    }
}
