namespace NetSim.Tcp.Apps;

/// <summary>The application at a flow's source: it opens the connection and writes.</summary>
public interface IFlowSender
{
    string Name { get; }

    /// <summary>The connection, once the application has opened it; its latest when it opens several.</summary>
    TcpConnection? Connection { get; }

    /// <summary>Every connection the application opened, in order.</summary>
    IReadOnlyList<TcpConnection> Connections { get; }

    long BytesWritten { get; }

    void Install();
}
