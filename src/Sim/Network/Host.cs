using NetSim.Sim.Network.Icmp;

namespace NetSim.Sim.Network;

/// <summary>An end host: it sends what its transport gives it along its routes and hands the transport what is addressed to it.</summary>
public sealed class Host(Network network, string name, Ipv4Address address) : Node(network, name, address)
{
    /// <summary>The transport bound to this host; packets arriving with none are dropped.</summary>
    public IPacketHandler? Transport { get; set; }

    private ushort _nextIpId;

    /// <summary>
    /// The host's root qdisc takes nothing (<c>tc qdisc add dev DEV root pfifo limit 0</c>): every
    /// packet it sends is dropped before its interface, and its transport is told so (NET_XMIT_DROP).
    /// </summary>
    public bool QdiscDropsAll { get; set; }

    /// <summary>Packets the host's own qdisc dropped (<see cref="QdiscDropsAll"/>).</summary>
    public long PacketsDroppedByQdisc { get; private set; }

    /// <summary>
    /// The memory (skb truesize) the host's driver gives a received packet, which TCP charges to
    /// the receive buffer; null: twice its payload, which keeps TCP's default scaling ratio of a half.
    /// </summary>
    public Func<Packet, int>? ReceiveTruesize { get; set; }

    /// <summary>Sends a packet on the interface that leads to its destination, numbering its IP identification field.</summary>
    public void Send(Packet packet)
    {
        if (Interfaces.Count == 0)
        {
            throw new InvalidOperationException($"host {Name} has no interface to send on");
        }

        packet.IpId = _nextIpId++;
        if (QdiscDropsAll)
        {
            DropInQdisc(packet);
            return;
        }

        Forward(packet);
    }

    private void DropInQdisc(Packet packet)
    {
        PacketsDroppedByQdisc++;
        Pool.Return(packet);
    }

    /// <summary>
    /// Sends a packet on the interface a socket is bound to (SO_BINDTODEVICE) whatever the routes
    /// say; a socket bound to the loopback device (<paramref name="via"/> null) reaches no other host.
    /// </summary>
    public void Send(Packet packet, NetworkInterface? via)
    {
        packet.IpId = _nextIpId++;
        if (via is null)
        {
            DropUnroutable(packet);
            return;
        }

        if (QdiscDropsAll)
        {
            DropInQdisc(packet);
            return;
        }

        via.Send(packet);
    }

    private readonly Dictionary<Ipv4Address, RouteMetrics> _routeMetrics = [];

    /// <summary>
    /// Counts changes to the routes' metrics: a socket caches its route (sk_dst_cache) and sees a
    /// change only when it next validates it, on its next transmission (__sk_dst_check()).
    /// </summary>
    public int RouteGeneration { get; private set; }

    /// <summary><c>ip route add|change|replace DESTINATION ... METRICS</c>: the metrics of the host route to <paramref name="destination"/>.</summary>
    public void SetRouteMetrics(Ipv4Address destination, RouteMetrics metrics)
    {
        _routeMetrics[destination] = metrics;
        RouteGeneration++;
    }

    /// <summary>The metrics of the route towards <paramref name="destination"/>; none set, all absent.</summary>
    public RouteMetrics RouteMetricsTowards(Ipv4Address destination) =>
        _routeMetrics.Count > 0 && _routeMetrics.TryGetValue(destination, out var metrics) ? metrics : default;

    /// <summary>
    /// The MTU of the route towards <paramref name="destination"/> (dst_mtu() without a learnt path
    /// MTU): its MTU metric, else the first hop's device MTU, what Linux derives the advertised MSS from.
    /// </summary>
    public int MtuTowards(Ipv4Address destination)
    {
        return RouteMetricsTowards(destination).Mtu ?? DeviceMtuTowards(destination);
    }

    /// <summary>The MTU of the interface that leads to <paramref name="destination"/>: the largest packet this host can send there.</summary>
    public int DeviceMtuTowards(Ipv4Address destination)
    {
        Network.EnsureRoutes();
        return (Routes.Lookup(destination) ?? (Interfaces.Count > 0 ? Interfaces[0] : null))?.Transmitter.Mtu ?? 0;
    }

    /// <summary>The path MTUs learnt from ICMP Fragmentation Needed, per destination.</summary>
    public PathMtuCache PathMtus { get; } = new();

    /// <summary>
    /// The path MTU towards <paramref name="destination"/> (Linux dst_mtu()): the first hop's MTU,
    /// or less where a Fragmentation Needed has taught it so (RFC 1191 §3).
    /// </summary>
    public int PathMtuTowards(Ipv4Address destination) => PathMtuTowards(destination, MtuTowards(destination));

    /// <summary>
    /// The path MTU over a route whose MTU is <paramref name="routeMtu"/> (a socket's cached route,
    /// which may predate the route table's): that MTU, or less where a Fragmentation Needed taught
    /// the host so. Hosts that never learnt a path MTU skip the lookup.
    /// </summary>
    public int PathMtuTowards(Ipv4Address destination, int routeMtu) =>
        !PathMtus.IsEmpty && PathMtus.Lookup(destination, Network.Simulation.Now) is { } learnt ? Math.Min(learnt, routeMtu) : routeMtu;

    /// <summary>inet_csk_update_pmtu(): learns a reported path MTU.</summary>
    public void UpdatePathMtu(Ipv4Address destination, int reported)
    {
        // __ip_rt_update_pmtu(): a route whose MTU is locked learns nothing.
        if (!RouteMetricsTowards(destination).MtuLocked)
        {
            PathMtus.Update(destination, PathMtuTowards(destination), reported, Network.Simulation.Now);
        }
    }

    public override void Receive(Packet packet, NetworkInterface via)
    {
        if (packet.Destination != Address || Transport is null)
        {
            DropUnroutable(packet);
            return;
        }

        if (packet.Icmp is not null)
        {
            Transport.HandleIcmp(packet);
            return;
        }

        Transport.HandlePacket(packet);
    }
}
