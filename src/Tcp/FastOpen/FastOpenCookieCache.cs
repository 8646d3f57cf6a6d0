using NetSim.Sim.Network;

namespace NetSim.Tcp.FastOpen;

/// <summary>
/// A client's Fast Open memory per server (the Fast Open part of Linux's tcp_metrics): the cookie
/// the server gave, the MSS it announced, and whether to ask for a cookie in the experimental
/// option, which a server that ignored the IANA one may understand (RFC 7413 §4.1.3).
/// </summary>
public sealed class FastOpenCookieCache
{
    private readonly Dictionary<Ipv4Address, Entry> _entries = [];

    /// <summary>
    /// tcp_fastopen_cache_get(): the cached MSS (0 if none) and cookie for <paramref name="server"/>;
    /// with no cookie yet, an empty request, experimental if the last IANA request went unanswered.
    /// </summary>
    public (ushort Mss, FastOpenOption Cookie) Get(Ipv4Address server)
    {
        if (!_entries.TryGetValue(server, out var entry))
        {
            return (0, new FastOpenOption([], experimental: false));
        }

        return (entry.Mss, entry.Cookie ?? new FastOpenOption([], entry.TryExperimental == TryExperimental.Experimental));
    }

    /// <summary>
    /// tcp_fastopen_cache_set(): what a SYN-ACK taught: its MSS, the cookie if it gave one, and,
    /// when a request went unanswered, which form to ask in next (<paramref name="tryExperimental"/>).
    /// </summary>
    public void Set(Ipv4Address server, ushort mss, FastOpenOption? cookie, TryExperimental tryExperimental)
    {
        if (!_entries.TryGetValue(server, out var entry))
        {
            _entries[server] = entry = new Entry();
        }

        if (mss != 0)
        {
            entry.Mss = mss;
        }

        if (cookie is { Cookie.Length: > 0 })
        {
            entry.Cookie = cookie;
        }
        else if (tryExperimental > entry.TryExperimental && entry.Cookie is null)
        {
            entry.TryExperimental = tryExperimental;
        }
    }

    /// <summary><c>ip tcp_metrics flush</c>: everything forgotten.</summary>
    public void Clear() => _entries.Clear();

    /// <summary>tfom->try_exp: the form of the next cookie request after one went unanswered.</summary>
    public enum TryExperimental
    {
        /// <summary>No request has gone unanswered.</summary>
        None = 0,

        /// <summary>An IANA request went unanswered: ask in the experimental option.</summary>
        Experimental = 1,

        /// <summary>An experimental request went unanswered too: back to the IANA option.</summary>
        Iana = 2,
    }

    private sealed class Entry
    {
        public ushort Mss;
        public FastOpenOption? Cookie;
        public TryExperimental TryExperimental;
    }
}
