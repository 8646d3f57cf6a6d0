namespace NetSim.Tcp.Apps;

/// <summary>
/// One flow's request/response clients running side by side, each its own exchange loop over
/// its own connections to the flow's one listener: a browser's parallel connections, or a load
/// generator's. They start together, so their SYNs reach the listener as one burst. Their
/// exchanges are reported as the flow's: completed ones numbered in the order they were sent,
/// failed ones in the order they failed.
/// </summary>
public sealed class ParallelRequestClients(IReadOnlyList<RequestResponseClient> clients) : IRequestClient
{
    public string Name => clients[0].Name;

    /// <summary>The last client's latest connection.</summary>
    public TcpConnection? Connection => clients[^1].Connection;

    public IReadOnlyList<TcpConnection> Connections => [.. clients.SelectMany(c => c.Connections)];

    public long BytesWritten => clients.Sum(c => c.BytesWritten);

    public IReadOnlyList<RequestRecord> Completed =>
    [
        .. clients.SelectMany(c => c.Completed).OrderBy(r => r.Sent).ThenBy(r => r.Completed)
            .Select((r, i) => r with { Index = i + 1 }),
    ];

    public IReadOnlyList<RequestFailure> Failed =>
        [.. clients.SelectMany(c => c.Failed).OrderBy(f => f.At).Select((f, i) => f with { Index = i + 1 })];

    public void Install()
    {
        foreach (var client in clients)
        {
            client.Install();
        }
    }
}
