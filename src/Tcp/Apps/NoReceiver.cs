using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>The receiving end of a flow that has none of its own (a SYN flood aims at another flow's listener).</summary>
public sealed class NoReceiver : IFlowReceiver
{
    public IReadOnlyList<TcpConnection> Accepted => [];

    public long BytesReceived => 0;

    public long OrderViolations => 0;

    public SimTime LastByteTime => SimTime.Never;

    public void Install()
    {
    }
}
