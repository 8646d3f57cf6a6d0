namespace NetSim.Tcp;

/// <summary>A range of local ports, both ends included (Linux ip_local_port_range, IP_LOCAL_PORT_RANGE).</summary>
public readonly record struct PortRange(ushort Low, ushort High)
{
    public int Count => High - Low + 1;

    public bool Contains(int port) => port >= Low && port <= High;

    /// <summary>
    /// Linux inet_sk_get_local_port_range(): each end of a socket's own range (IP_LOCAL_PORT_RANGE)
    /// that falls inside the host's replaces the host's end, the low one first; an end outside it,
    /// 0 among them, leaves the host's.
    /// </summary>
    public PortRange NarrowedBy(PortRange socket)
    {
        var low = Low;
        var high = High;
        if (low <= socket.Low && socket.Low <= high)
        {
            low = socket.Low;
        }

        if (low <= socket.High && socket.High <= high)
        {
            high = socket.High;
        }

        return new PortRange(low, high);
    }

    public override string ToString() => $"{Low}-{High}";
}
