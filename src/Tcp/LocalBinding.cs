namespace NetSim.Tcp;

/// <summary>
/// What a socket holds of its local end before connect(): the port bind() gave it (0 for none),
/// and the range its IP_LOCAL_PORT_RANGE option narrows the host's ephemeral ports to.
/// </summary>
public readonly record struct LocalBinding(ushort Port = 0, PortRange? Range = null);
