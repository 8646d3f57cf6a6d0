namespace NetSim.Sim.Network;

/// <summary>A full-duplex link between two nodes: one <see cref="LinkChannel"/> in each direction.</summary>
public sealed class PointToPointLink
{
    public PointToPointLink(string name, LinkChannel forward, LinkChannel reverse)
    {
        Name = name;
        Forward = forward;
        Reverse = reverse;
    }

    public string Name { get; }

    /// <summary>Carries packets from the first node named to the second.</summary>
    public LinkChannel Forward { get; }

    public LinkChannel Reverse { get; }
}
