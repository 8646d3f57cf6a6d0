namespace NetSim.Tcp.Congestion;

/// <summary>The algorithms a flow or a TCP_CONGESTION setsockopt can name.</summary>
public static class CongestionControlRegistry
{
    private static readonly SortedDictionary<string, Func<ICongestionControl>> Factories = new(StringComparer.Ordinal)
    {
        ["bbr"] = () => new Bbr(),
        ["bic"] = () => new Bic(),
        ["bbr3"] = () => new Bbr3(),
        ["cdg"] = () => new Cdg(),
        ["cubic"] = () => new Cubic(),
        ["dctcp"] = () => new Dctcp(),
        ["highspeed"] = () => new HighSpeed(),
        ["htcp"] = () => new Htcp(),
        ["hybla"] = () => new Hybla(),
        ["illinois"] = () => new Illinois(),
        ["ledbat"] = () => new Ledbat(),
        ["lp"] = () => new Lp(),
        ["nv"] = () => new Nv(),
        ["reno"] = () => new Reno(),
        ["rfc5681"] = () => new Rfc5681Reno(),
        ["scalable"] = () => new Scalable(),
        ["vegas"] = () => new Vegas(),
        ["veno"] = () => new Veno(),
        ["westwood"] = () => new Westwood(),
        ["yeah"] = () => new Yeah(),
    };

    public static IReadOnlyList<string> Names { get; } = [.. Factories.Keys];

    public static bool TryCreate(string name, out ICongestionControl algorithm)
    {
        if (Factories.TryGetValue(name, out var create))
        {
            algorithm = create();
            return true;
        }

        algorithm = null!;
        return false;
    }

    public static ICongestionControl Create(string name) => TryCreate(name, out var algorithm)
        ? algorithm
        : throw new ArgumentException($"unknown congestion control '{name}' (known: {string.Join(", ", Names)})", nameof(name));
}
