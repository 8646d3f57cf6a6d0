namespace NetSim.Tcp.Apps;

/// <summary>The application at a flow's source: it opens the connection and writes.</summary>
public interface IFlowSender
{
    string Name { get; }

    /// <summary>The connection, once the application has opened it.</summary>
    TcpConnection? Connection { get; }

    long BytesWritten { get; }

    void Install();
}
