namespace NetSim.Tcp.Apps;

/// <summary>Checks, per connection, that each delivery starts at the next byte of the stream: no gap, no repeat.</summary>
internal sealed class StreamOrderCheck
{
    private readonly Dictionary<TcpConnection, long> _expected = [];

    public long Violations { get; private set; }

    public void Add(TcpConnection connection) => _expected.Add(connection, 0);

    public void OnDelivery(TcpConnection connection, long streamOffset, int bytes)
    {
        if (streamOffset != _expected[connection])
        {
            Violations++;
        }

        _expected[connection] = streamOffset + bytes;
    }
}
