namespace NetSim.SockOps.Maps;

/// <summary>A BPF map: state programs keep beyond one invocation and share by name.</summary>
public abstract class BpfMap
{
    public abstract int MaxEntries { get; }
}
