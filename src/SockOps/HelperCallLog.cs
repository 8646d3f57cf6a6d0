namespace NetSim.SockOps;

/// <summary>The helper calls one invocation made, with their return values, for the callback log.</summary>
internal sealed class HelperCallLog
{
    private readonly List<string> _calls = [];

    public void Add(string call) => _calls.Add(call);

    public void Clear() => _calls.Clear();

    public string Describe() => string.Join(' ', _calls);
}
