namespace NetSim.Sim.Network;

/// <summary>
/// An end host: one or more interfaces, a transport that receives what is addressed to it, and
/// a default route out of its first interface.
/// </summary>
public sealed class Host : INode
{
    private readonly List<NetworkInterface> _interfaces = [];

    public Host(string name, Ipv4Address address, PacketPool pool)
    {
        Name = name;
        Address = address;
        Pool = pool;
    }

    public string Name { get; }

    public Ipv4Address Address { get; }

    public PacketPool Pool { get; }

    public IReadOnlyList<NetworkInterface> Interfaces => _interfaces;

    /// <summary>The transport bound to this host; packets arriving with none are dropped.</summary>
    public IPacketHandler? Transport { get; set; }

    internal void AddInterface(NetworkInterface networkInterface) => _interfaces.Add(networkInterface);

    /// <summary>Sends a packet out of the default interface.</summary>
    public void Send(Packet packet)
    {
        if (_interfaces.Count == 0)
        {
            throw new InvalidOperationException($"host {Name} has no interface to send on");
        }

        _interfaces[0].Send(packet);
    }

    /// <summary>The largest IP packet the default interface can carry.</summary>
    public int Mtu => _interfaces.Count == 0 ? 0 : _interfaces[0].Transmitter.Mtu;

    public void Receive(Packet packet, NetworkInterface via)
    {
        if (packet.Destination != Address || Transport is null)
        {
            Pool.Return(packet);
            return;
        }

        Transport.HandlePacket(packet);
    }
}
