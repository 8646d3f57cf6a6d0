namespace NetSim.Tcp.Congestion;

/// <summary>The algorithms a flow or a TCP_CONGESTION setsockopt can name.</summary>
public static class CongestionControlRegistry
{
    public static IReadOnlyList<string> Names { get; } = ["bbr", "cubic", "dctcp", "reno", "vegas"];

    public static bool TryCreate(string name, out ICongestionControl algorithm)
    {
        switch (name)
        {
            case "reno":
                algorithm = new Reno();
                return true;
            case "cubic":
                algorithm = new Cubic();
                return true;
            case "bbr":
                algorithm = new Bbr();
                return true;
            case "dctcp":
                algorithm = new Dctcp();
                return true;
            case "vegas":
                algorithm = new Vegas();
                return true;
            default:
                algorithm = null!;
                return false;
        }
    }

    public static ICongestionControl Create(string name) => TryCreate(name, out var algorithm)
        ? algorithm
        : throw new ArgumentException($"unknown congestion control '{name}' (known: {string.Join(", ", Names)})", nameof(name));
}
