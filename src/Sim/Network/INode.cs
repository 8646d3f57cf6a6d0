namespace NetSim.Sim.Network;

/// <summary>Anything a link delivers packets to.</summary>
public interface INode
{
    string Name { get; }

    /// <summary>Takes ownership of a packet arriving on <paramref name="via"/>.</summary>
    void Receive(Packet packet, NetworkInterface via);
}
