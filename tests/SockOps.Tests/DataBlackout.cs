using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Loss;

namespace NetSim.SockOps.Tests;

/// <summary>Loses every data segment sent between 1 ms and 50 ms: the window in flight then times out, its loss probe lost too.</summary>
internal sealed class DataBlackout : ILossModel
{
    public Simulation? Clock { get; set; }

    public bool ShouldDrop(Packet packet) =>
        packet.PayloadLength > 0 && Clock!.Now >= SimTime.FromMilliseconds(1) && Clock.Now < SimTime.FromMilliseconds(50);
}
