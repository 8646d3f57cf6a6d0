using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// A client with keepalive on (idle 10 s, a probe every 5 s, nine probes) connected to a sink
/// whose side of the path goes silent at 1 s, once the server has the handshake's last ACK: from
/// then on nothing the client sends arrives.
/// </summary>
internal sealed class KeepAliveClient
{
    public KeepAliveClient()
    {
        var loss = new ScheduledLoss();
        var settings = TcpSettings.Linux with
        {
            KeepAlive = true,
            KeepAliveTime = SimTime.FromSeconds(10),
            KeepAliveInterval = SimTime.FromSeconds(5),
            KeepAliveProbes = 9,
        };
        Net = new TwoHostNetwork(forwardLossModel: loss, settings: settings, serverSettings: TcpSettings.Linux);
        new SinkApplication(Net.ServerStack, 80, TcpSettings.Linux).Install();
        Connection = Net.ClientStack.Connect(Net.Server.Address, 80);
        Net.Simulation.Schedule(SimTime.FromSeconds(1), () => loss.Outage = true);
    }

    public TwoHostNetwork Net { get; }

    public TcpConnection Connection { get; }
}
