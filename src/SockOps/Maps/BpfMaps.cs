namespace NetSim.SockOps.Maps;

/// <summary>
/// The maps of one run, by name, as pinned maps are shared in Linux: the first program to ask for
/// a name creates the map, later ones get the same map. Asking for a name with another type or
/// size is a program error.
/// </summary>
public sealed class BpfMaps
{
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    private ulong _lastSocketCookie;

    /// <summary>The next socket cookie of the run (sock_gen_cookie(): unique, never 0, handed out on first use).</summary>
    internal ulong NextSocketCookie() => ++_lastSocketCookie;

    public BpfHashMap<TKey, TValue> Hash<TKey, TValue>(string name, int maxEntries)
        where TKey : notnull
        where TValue : class => Get(name, maxEntries, () => new BpfHashMap<TKey, TValue>(maxEntries));

    public BpfArrayMap<TValue> Array<TValue>(string name, int maxEntries)
        where TValue : class, new() => Get(name, maxEntries, () => new BpfArrayMap<TValue>(maxEntries));

    public BpfSockMap SockMap(string name, int maxEntries) => Get(name, maxEntries, () => new BpfSockMap(maxEntries));

    public BpfSockHash<TKey> SockHash<TKey>(string name, int maxEntries)
        where TKey : notnull => Get(name, maxEntries, () => new BpfSockHash<TKey>(maxEntries));

    private T Get<T>(string name, int maxEntries, Func<T> create)
        where T : BpfMap
    {
        if (!_maps.TryGetValue(name, out var map))
        {
            map = create();
            _maps[name] = map;
        }

        return map is T typed && map.MaxEntries == maxEntries
            ? typed
            : throw new SockOpsProgramException($"map '{name}' exists as {map.GetType().Name} with {map.MaxEntries} entries");
    }
}
