using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Icmp;

namespace NetSim.Sim.Tests;

/// <summary>The learnt path MTUs behave as Linux's route exceptions (__ip_rt_update_pmtu()).</summary>
public class PathMtuCacheTests
{
    private static readonly Ipv4Address Peer = Ipv4Address.Parse("10.0.0.2");

    private static SimTime Seconds(double s) => SimTime.FromSeconds(s);

    [Fact]
    public void AReportOnlyEverLowersThePathMtu()
    {
        var cache = new PathMtuCache();
        cache.Update(Peer, current: 1500, reported: 1200, Seconds(1));
        cache.Update(Peer, current: 1200, reported: 1400, Seconds(2));

        Assert.Equal(1200, cache.Lookup(Peer, Seconds(3)));
        Assert.Null(cache.Lookup(Ipv4Address.Parse("10.0.0.3"), Seconds(3)));
    }

    [Fact]
    public void AnMtuBelowTheMinimumIsRaisedToItAndLockedThere()
    {
        var cache = new PathMtuCache();
        cache.Update(Peer, current: 1500, reported: 300, Seconds(1));
        cache.Update(Peer, current: PathMtuCache.MinPathMtu, reported: 100, Seconds(2));

        Assert.Equal(552, cache.Lookup(Peer, Seconds(3)));
    }

    [Fact]
    public void ALearntMtuExpiresAfterTenMinutesUnlessRenewedInItsSecondHalf()
    {
        var cache = new PathMtuCache();
        cache.Update(Peer, current: 1500, reported: 1000, Seconds(0));

        // The same report in the first half of the entry's life leaves its expiry as it was.
        cache.Update(Peer, current: 1000, reported: 1000, Seconds(200));
        Assert.Null(cache.Lookup(Peer, Seconds(600)));

        cache.Update(Peer, current: 1500, reported: 1000, Seconds(600));
        cache.Update(Peer, current: 1000, reported: 1000, Seconds(1000));
        Assert.Equal(1000, cache.Lookup(Peer, Seconds(1500)));
        Assert.Null(cache.Lookup(Peer, Seconds(1600)));
    }
}
