namespace NetSim.SockOps;

/// <summary>A sock_ops program did something the modelled kernel would have refused to load or run.</summary>
public sealed class SockOpsProgramException(string message) : Exception(message);
