namespace NetSim.Sim.Network.Loss;

/// <summary>A perfect channel.</summary>
public sealed class NoLoss : ILossModel
{
    public static readonly NoLoss Instance = new();

    public bool ShouldDrop(Packet packet) => false;
}
