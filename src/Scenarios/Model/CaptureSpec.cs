namespace NetSim.Scenarios.Model;

/// <summary>Which packet captures a run writes: whole links (both directions, as they start on the wire) and host interfaces.</summary>
public sealed record CaptureSpec(IReadOnlyList<string> Links, IReadOnlyList<string> Hosts)
{
    public static CaptureSpec None { get; } = new([], []);

    public bool Any => Links.Count > 0 || Hosts.Count > 0;
}
