namespace NetSim.Sim.Network.Loss;

/// <summary>Decides, packet by packet, whether a link loses a packet it has transmitted.</summary>
public interface ILossModel
{
    bool ShouldDrop(Packet packet);
}
