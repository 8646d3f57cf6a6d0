using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>The application at a flow's destination: it listens, accepts and reads, checking the stream's order.</summary>
public interface IFlowReceiver
{
    IReadOnlyList<TcpConnection> Accepted { get; }

    long BytesReceived { get; }

    /// <summary>Deliveries whose stream offset was not the next expected byte; must stay 0.</summary>
    long OrderViolations { get; }

    SimTime LastByteTime { get; }

    void Install();
}
