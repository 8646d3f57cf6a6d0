using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Icmp;

/// <summary>
/// The path MTUs a host has learnt from Fragmentation Needed messages, per destination (Linux's
/// route exceptions, __ip_rt_update_pmtu()): a report only ever lowers the MTU, one below
/// ip_rt_min_pmtu is raised to it and locked there (no later report moves it), and an entry lasts ip_rt_mtu_expires (RFC 1191 §6.3: the
/// estimate is raised again after ten minutes), after which the first hop's MTU applies again.
/// </summary>
public sealed class PathMtuCache
{
    /// <summary>ip_rt_min_pmtu: 512 bytes of data with IP and TCP headers.</summary>
    public const int MinPathMtu = 512 + 20 + 20;

    /// <summary>ip_rt_mtu_expires: ten minutes.</summary>
    public static readonly SimTime Lifetime = SimTime.FromSeconds(600);

    private readonly Dictionary<Ipv4Address, (int Mtu, bool Locked, SimTime Expires)> _entries = [];

    /// <summary>No path MTU was ever learnt: every path MTU is the first hop's.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The learnt MTU towards <paramref name="destination"/> at <paramref name="now"/>, if any.</summary>
    public int? Lookup(Ipv4Address destination, SimTime now) =>
        _entries.TryGetValue(destination, out var entry) && now < entry.Expires ? entry.Mtu : null;

    /// <summary>
    /// __ip_rt_update_pmtu(): records <paramref name="reported"/> against a route whose MTU is
    /// <paramref name="current"/>; a report above it changes nothing, and an unchanged MTU past half
    /// its life is renewed.
    /// </summary>
    public void Update(Ipv4Address destination, int current, int reported, SimTime now)
    {
        var live = _entries.TryGetValue(destination, out var entry) && now < entry.Expires;
        if ((live && entry.Locked) || current < reported)
        {
            return;
        }

        var locked = reported < MinPathMtu;
        var mtu = locked ? Math.Min(current, MinPathMtu) : reported;
        if (live && !locked && entry.Mtu == mtu && now < entry.Expires - SimTime.FromNanoseconds(Lifetime.Nanoseconds / 2))
        {
            return;
        }

        _entries[destination] = (mtu, locked, now + Lifetime);
    }
}
