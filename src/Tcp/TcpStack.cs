using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Tcp.FastOpen;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp;

/// <summary>
/// A host's TCP: demultiplexes segments to connections by 4-tuple, creates request sockets for
/// listeners, answers segments for no connection with RST (RFC 9293 §3.10.7.1), and gives every
/// socket it creates the host's sock_ops programs, as a cgroup would.
/// </summary>
public sealed partial class TcpStack : IPacketHandler
{
    private readonly Dictionary<ConnectionKey, TcpConnection> _connections = [];
    private readonly Dictionary<ushort, TcpConnection> _listeners = [];

    /// <summary>The connections the stack demultiplexes to, request sockets and time-wait ones included (in no particular order).</summary>
    public IEnumerable<TcpConnection> Connections => _connections.Values;

    /// <summary>
    /// The connection the last segment was for, checked before the table: a host's segments mostly
    /// belong to one connection, and the table's arrays are memory a large network has long evicted
    /// from cache by the time the next segment arrives (Linux's early demux keeps the socket on the
    /// route for the same reason).
    /// </summary>
    private ConnectionKey _lastKey;
    private TcpConnection? _lastConnection;
    private readonly System.Random _txHashRandom;
    private int _nextEphemeral;

    public TcpStack(Simulation simulation, Host host, TcpSettings settings)
    {
        Simulation = simulation;
        Host = host;
        Settings = settings;
        _txHashRandom = simulation.Random.Get($"txhash/{host.Name}");
        _nextEphemeral = settings.LocalPortRange.Low + simulation.Random.Get($"tcp/{host.Name}").Next(settings.LocalPortRange.Count - 1);
        host.Transport = this;
    }

    public Simulation Simulation { get; }

    public Host Host { get; }

    /// <summary>Settings for sockets created without their own: the host's sysctls, which apply to the sockets created after they change.</summary>
    public TcpSettings Settings { get; set; }

    /// <summary>The sock_ops programs of this host's sockets (its cgroup); null runs none.</summary>
    public ISockOpsDispatcher? SockOps { get; set; }

    /// <summary>
    /// The Fast Open keys for sockets with <paramref name="settings"/>: the sysctl's, else the
    /// host's own, drawn once from a stream of its own (tcp_fastopen_init_key_once()), so that
    /// hosts that never serve Fast Open draw nothing.
    /// </summary>
    internal FastOpenKeys FastOpenKeysFor(TcpSettings settings)
    {
        if (settings.FastOpenKeys is { } keys)
        {
            return keys;
        }

        if (_fastOpenKeys is null)
        {
            Span<byte> key = stackalloc byte[FastOpenKey.Length];
            Simulation.Random.Get($"tcp-fastopen-key/{Host.Name}").NextBytes(key);
            _fastOpenKeys = new FastOpenKeys(FastOpenKey.FromBytes(key));
        }

        return _fastOpenKeys;
    }

    private FastOpenKeys? _fastOpenKeys;

    /// <summary>Overrides the initial sequence numbers (for tests); null takes them from the host's secret and the clock (<see cref="ConnectionSecret"/>).</summary>
    public Func<SequenceNumber>? InitialSequenceNumbers { get; set; }

    /// <summary>Called for every socket this stack creates, before it does anything: where traces attach.</summary>
    public Action<TcpConnection>? ConnectionCreated { get; set; }

    /// <summary>listen(): a listener on <paramref name="port"/>; <paramref name="backlog"/> bounds its accept queue (default <see cref="TcpSettings.ListenBacklog"/>).</summary>
    public TcpConnection Listen(ushort port, TcpSettings? settings = null, string? name = null, int? backlog = null)
    {
        if (_listeners.ContainsKey(port))
        {
            throw new InvalidOperationException($"{Host.Name}: port {port} is already listening (EADDRINUSE)");
        }

        var listener = Create(settings ?? Settings, default, port, 0);
        if (name is not null)
        {
            listener.Name = name;
        }

        listener.SetBacklog(backlog ?? listener.Settings.ListenBacklog);
        _listeners.Add(port, listener);
        listener.StartListening();
        return listener;
    }

    /// <summary>
    /// connect(): an active open from a local port chosen by <paramref name="binding"/>.
    /// <paramref name="beforeSyn"/> applies the socket options set before connect() (TCP_MAXSEG,
    /// IP_TOS, ...), which the SYN already carries. Throws <see cref="AddressNotAvailableException"/>
    /// when no port will do.
    /// </summary>
    public TcpConnection Connect(Ipv4Address remoteAddress, ushort remotePort, TcpSettings? settings = null, string? name = null,
        Action<TcpConnection>? beforeSyn = null, LocalBinding binding = default) =>
        Open(remoteAddress, remotePort, settings, name, beforeSyn, binding, static (connection, iss) => connection.Connect(iss));

    /// <summary>An active open's socket, in the table, then its SYN (tcp_v4_connect(): sk_set_txhash() before tcp_connect()).</summary>
    private TcpConnection Open(Ipv4Address remoteAddress, ushort remotePort, TcpSettings? settings, string? name,
        Action<TcpConnection>? beforeSyn, LocalBinding binding, Action<TcpConnection, SequenceNumber> connect)
    {
        settings ??= Settings;
        var (localPort, timeWait) = ChooseLocalPort(remoteAddress, remotePort, binding, settings);
        ActiveOpens++;
        var connection = Create(settings, remoteAddress, localPort, remotePort);
        if (name is not null)
        {
            connection.Name = name;
        }

        SequenceNumber? reincarnation = null;
        if (timeWait is not null)
        {
            TimeWaitRecycled++;
            reincarnation = connection.TakeOver(timeWait);
        }

        _connections.Add(new ConnectionKey(remoteAddress, remotePort, localPort), connection);
        connection.TxHash = NextTxHash();
        beforeSyn?.Invoke(connection);
        connect(connection, reincarnation ?? InitialSequence(remoteAddress, remotePort, localPort));
        return connection;
    }

    /// <summary>
    /// sendto(MSG_FASTOPEN) or the first write after TCP_FASTOPEN_CONNECT: an active open that puts
    /// up to <paramref name="offered"/> bytes in its SYN if it can (<see cref="TcpConnection.FastOpenCopied"/>
    /// says how many it took); without a cookie for the server, a SYN asking for one.
    /// </summary>
    public TcpConnection ConnectWithData(Ipv4Address remoteAddress, ushort remotePort, long offered, TcpSettings? settings = null, string? name = null,
        Action<TcpConnection>? beforeSyn = null, LocalBinding binding = default) =>
        Open(remoteAddress, remotePort, settings, name, beforeSyn, binding, (connection, iss) => connection.ConnectWithData(iss, offered));

    /// <summary>TIME-WAIT sockets whose 4-tuple connect() took over (LINUX_MIB_TIMEWAITRECYCLED).</summary>
    public long TimeWaitRecycled { get; private set; }

    /// <summary>TIME-WAIT sockets the peer's new SYN reopened (tcp_v4_rcv()'s TCP_TW_SYN).</summary>
    public long TimeWaitReopened { get; private set; }

    /// <summary>Timewait sockets held now, in either substate (the death row's tw_refcount).</summary>
    public int TimeWaitSockets { get; private set; }

    /// <summary>The most timewait sockets held at once.</summary>
    public int TimeWaitPeak { get; private set; }

    /// <summary>connect() calls that found a port and sent their SYN (TCP_MIB_ACTIVEOPENS).</summary>
    public long ActiveOpens { get; private set; }

    /// <summary>connect() calls that found no local port (EADDRNOTAVAIL).</summary>
    public long PortsExhausted { get; private set; }

    /// <summary>The Fast Open cookies and MSS this host has learnt per server (tcp_metrics).</summary>
    public FastOpenCookieCache FastOpenCookies { get; } = new();

    /// <summary>The socket listening on <paramref name="port"/>, or null.</summary>
    public TcpConnection? Listener(ushort port) => _listeners.GetValueOrDefault(port);

    /// <summary>The connection (or request socket) for a 4-tuple, if there is one.</summary>
    public TcpConnection? Find(Ipv4Address remoteAddress, ushort remotePort, ushort localPort) =>
        _connections.GetValueOrDefault(new ConnectionKey(remoteAddress, remotePort, localPort));

    /// <summary>The skb truesize of a received segment: the host driver's (<see cref="Host.ReceiveTruesize"/>), else twice its payload.</summary>
    internal int ReceiveTruesize(Packet packet) => Host.ReceiveTruesize?.Invoke(packet) ?? 2 * packet.PayloadLength;

    /// <summary>Segments and ICMP errors discarded for a failed checksum (Linux TCP_MIB_CSUMERRORS, ICMP_MIB_CSUMERRORS).</summary>
    public long ChecksumErrors { get; private set; }

    public void HandlePacket(Packet packet)
    {
        // RFC 9293 §3.1 and §3.10.7: a segment whose checksum fails is discarded before anything else.
        if (packet.Corrupted)
        {
            ChecksumErrors++;
            Host.Pool.Return(packet);
            return;
        }

        // tcp_inbound_hash(): no socket here has an MD5 key (TCP_MD5SIG), so a segment signed with
        // one is dropped (SKB_DROP_REASON_TCP_MD5UNEXPECTED, RFC 2385 §2.0).
        if (packet.ExtraOptionsLength > 0 && CarriesMd5Signature(packet))
        {
            Md5Unexpected++;
            Host.Pool.Return(packet);
            return;
        }

        var key = new ConnectionKey(packet.Source, packet.SourcePort, packet.DestinationPort);
        if (_lastConnection is not null && key == _lastKey)
        {
            Deliver(_lastConnection, key, packet);
        }
        else if (_connections.TryGetValue(key, out var connection))
        {
            _lastKey = key;
            _lastConnection = connection;
            Deliver(connection, key, packet);
        }
        else
        {
            OnSegmentWithoutConnection(key, packet);
        }

        Host.Pool.Return(packet);
    }

    /// <summary>A segment no connection takes: the listener on its port's, or one for no socket.</summary>
    private void OnSegmentWithoutConnection(ConnectionKey key, Packet packet)
    {
        if (_listeners.TryGetValue(packet.DestinationPort, out var listener))
        {
            OnSegmentForListener(listener, key, packet);
        }
        else
        {
            OnSegmentForNoConnection(packet);
        }
    }

    /// <summary>
    /// A segment for a connection, or for a timewait socket, whose verdict the stack carries out
    /// (tcp_v4_rcv() do_time_wait): a SYN that reopens the 4-tuple goes to the listener on its
    /// port, which answers with the ISN the timewait socket chose, the timewait socket gone; without
    /// a listener the timewait socket acknowledges it. A request left by a listener that closed
    /// is gone before the segment is looked at.
    /// </summary>
    private void Deliver(TcpConnection connection, ConnectionKey key, Packet packet)
    {
        // tcp_v4_rcv(): a request whose listener has stopped listening is dropped
        // (inet_csk_reqsk_queue_drop_and_put()) and the segment looked up again.
        if (connection.ListenerStopped)
        {
            connection.DropRequest();
            OnSegmentWithoutConnection(key, packet);
            return;
        }

        if (!connection.IsTimeWaitSocket)
        {
            connection.OnSegment(packet);
            return;
        }

        switch (connection.OnTimeWaitSegment(packet, out var iss))
        {
            case TimeWaitVerdict.Reopen when _listeners.TryGetValue(packet.DestinationPort, out var listener):
                TimeWaitReopened++;
                connection.EndTimeWait();
                OnSegmentForListener(listener, key, packet, iss);
                break;
            case TimeWaitVerdict.Reopen or TimeWaitVerdict.Ack:
                connection.SendTimeWaitAck(outOfWindow: false);
                break;
            case TimeWaitVerdict.OutOfWindowAck:
                connection.SendTimeWaitAck(outOfWindow: true);
                break;
            case TimeWaitVerdict.Reset:
                SendResetAnswering(packet);
                connection.EndTimeWait();
                break;
        }
    }

    /// <summary>Segments dropped for an MD5 signature no socket expects (LINUX_MIB_TCPMD5UNEXPECTED).</summary>
    public long Md5Unexpected { get; private set; }

    private static bool CarriesMd5Signature(Packet packet)
    {
        var options = new TcpOptionWalker(packet.WrittenExtraOptions);
        while (options.MoveNext())
        {
            if (options.Kind == (byte)TcpOptionKind.Md5Signature)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>ICMP errors that quoted a segment of no connection here (Linux ICMP_MIB_INERRORS).</summary>
    public long IcmpErrorsUnmatched { get; private set; }

    /// <summary>
    /// Linux tcp_v4_err(): an ICMP error finds its connection (or request socket) by the segment it
    /// quotes, whose source is this host's port and destination the peer; listeners take none.
    /// </summary>
    public void HandleIcmp(Packet packet)
    {
        var icmp = packet.Icmp!;
        if (packet.Corrupted)
        {
            // icmp_rcv(): a message whose checksum fails is discarded (ICMP_MIB_CSUMERRORS).
            ChecksumErrors++;
        }
        else if (_connections.TryGetValue(new ConnectionKey(icmp.QuotedDestination, icmp.QuotedDestinationPort, icmp.QuotedSourcePort), out var connection))
        {
            connection.OnIcmpError(icmp);
        }
        else
        {
            IcmpErrorsUnmatched++;
        }

        Host.Pool.Return(packet);
    }

    /// <summary>RFC 9293 §3.10.7.1 CLOSED: anything but a RST is answered with a RST.</summary>
    private void OnSegmentForNoConnection(Packet packet)
    {
        if ((packet.Flags & TcpFlags.Rst) == 0)
        {
            SendResetAnswering(packet);
        }
    }

    /// <summary>
    /// Linux tcp_v4_send_reset(): the RST answering <paramref name="packet"/>, at its ACK number
    /// when it has one, else acknowledging all it occupies (RFC 9293 §3.10.7.1).
    /// </summary>
    internal void SendResetAnswering(Packet packet)
    {
        if ((packet.Flags & TcpFlags.Ack) != 0)
        {
            SendReset(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort,
                new SequenceNumber(packet.AcknowledgmentNumber), default, withAck: false);
        }
        else
        {
            SendReset(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort,
                default, new SequenceNumber(packet.SequenceNumber) + packet.SequenceLength, withAck: true);
        }
    }

    /// <summary>A RST answering a segment of a connection's, with no window and no options (tcp_v4_send_reset()).</summary>
    internal void SendReset(TcpConnection connection, SequenceNumber seq, SequenceNumber ack, bool withAck) =>
        SendReset(connection.LocalAddress, connection.LocalPort, connection.RemoteAddress, connection.RemotePort, seq, ack, withAck);

    private void SendReset(Ipv4Address source, ushort sourcePort, Ipv4Address destination, ushort destinationPort,
        SequenceNumber seq, SequenceNumber ack, bool withAck)
    {
        var reset = Host.Pool.Rent();
        reset.Source = source;
        reset.SourcePort = sourcePort;
        reset.Destination = destination;
        reset.DestinationPort = destinationPort;
        reset.SequenceNumber = seq.Value;
        reset.AcknowledgmentNumber = withAck ? ack.Value : 0;
        reset.Flags = TcpFlags.Rst | (withAck ? TcpFlags.Ack : TcpFlags.None);
        Host.Send(reset);
    }

    internal void OnPassiveOpenCompleted(TcpConnection child) => child.Listener?.OnChildEstablished(child);

    internal void Remove(TcpConnection connection)
    {
        if (connection.State == TcpState.Closed && _listeners.TryGetValue(connection.LocalPort, out var listener) && listener == connection)
        {
            _listeners.Remove(connection.LocalPort);
            return;
        }

        var key = new ConnectionKey(connection.RemoteAddress, connection.RemotePort, connection.LocalPort);
        if (_connections.TryGetValue(key, out var existing) && existing == connection)
        {
            _connections.Remove(key);
            if (_lastConnection == connection)
            {
                _lastConnection = null;
            }
        }
    }

    private TcpConnection Create(TcpSettings settings, Ipv4Address remoteAddress, ushort localPort, ushort remotePort)
    {
        var connection = new TcpConnection(this, settings, remoteAddress, localPort, remotePort) { SockOps = SockOps };
        ConnectionCreated?.Invoke(connection);
        return connection;
    }

    /// <summary>
    /// Linux __inet_hash_connect(): a port bind() gave must have its 4-tuple free, or held by a
    /// TIME-WAIT socket that saw timestamps; otherwise the ephemeral ports are tried in turn, past
    /// those of listeners, each taken when its 4-tuple is free or held by a TIME-WAIT socket
    /// tcp_tw_reuse lets go. The TIME-WAIT socket to take over comes with the port. The port
    /// range and tcp_tw_reuse are the connecting socket's <paramref name="settings"/>: in the
    /// model a sysctl reaches the sockets created after it.
    /// </summary>
    private (ushort Port, TcpConnection? TimeWait) ChooseLocalPort(Ipv4Address remoteAddress, ushort remotePort, LocalBinding binding, TcpSettings settings)
    {
        if (binding.Port != 0)
        {
            return TupleAvailable(remoteAddress, remotePort, binding.Port, null, out var held)
                ? (binding.Port, held)
                : throw PortsExhaustedError($"{Host.Name}: {Host.Address}:{binding.Port} to {remoteAddress}:{remotePort} is in use ({AddressNotAvailableException.Errno})");
        }

        var range = binding.Range is { } own ? settings.LocalPortRange.NarrowedBy(own) : settings.LocalPortRange;
        if (!range.Contains(_nextEphemeral))
        {
            _nextEphemeral = range.Low + ((_nextEphemeral - range.Low) % range.Count + range.Count) % range.Count;
        }

        for (var tries = 0; tries < range.Count; tries++)
        {
            var port = (ushort)_nextEphemeral;
            _nextEphemeral = _nextEphemeral == range.High ? range.Low : _nextEphemeral + 1;
            if (!_listeners.ContainsKey(port) && TupleAvailable(remoteAddress, remotePort, port, settings, out var timeWait))
            {
                return (port, timeWait);
            }
        }

        throw PortsExhaustedError($"{Host.Name}: no port of {range} is free towards {remoteAddress}:{remotePort} ({AddressNotAvailableException.Errno})");
    }

    private AddressNotAvailableException PortsExhaustedError(string message)
    {
        PortsExhausted++;
        return new AddressNotAvailableException(message);
    }

    /// <summary>
    /// __inet_check_established(): whether a 4-tuple is free, or held by a TIME-WAIT socket connect()
    /// may take over (<paramref name="timeWait"/>); <paramref name="connecting"/> is the settings
    /// (tcp_tw_reuse and its delay) of the socket whose connect() is choosing the port, null for a
    /// port bind() gave.
    /// </summary>
    private bool TupleAvailable(Ipv4Address remoteAddress, ushort remotePort, ushort localPort, TcpSettings? connecting, out TcpConnection? timeWait)
    {
        timeWait = null;
        if (!_connections.TryGetValue(new ConnectionKey(remoteAddress, remotePort, localPort), out var existing))
        {
            return true;
        }

        if (!existing.MayBeTakenOver(connecting))
        {
            return false;
        }

        timeWait = existing;
        return true;
    }

    internal void OnTimeWaitEntered()
    {
        TimeWaitSockets++;
        TimeWaitPeak = Math.Max(TimeWaitPeak, TimeWaitSockets);
    }

    internal void OnTimeWaitLeft() => TimeWaitSockets--;

    /// <summary>net_tx_rndhash(): a random flow hash, never 0.</summary>
    internal uint NextTxHash() => Math.Max(1u, (uint)_txHashRandom.NextInt64(0, 1L << 32));

    /// <summary>
    /// secure_tcp_seq_and_ts_off(): the timestamp offset of the connection to <paramref name="remoteAddress"/>:<paramref name="remotePort"/>
    /// from <paramref name="localPort"/> (tsoffset), the same whenever the 4-tuple is used again.
    /// </summary>
    internal uint TimestampOffset(TcpSettings settings, Ipv4Address remoteAddress, ushort remotePort, ushort localPort) =>
        settings.TimestampOffsets ? Secret.Hash(Host.Address, remoteAddress, localPort, remotePort).Timestamp : 0;

    /// <summary>secure_tcp_seq(): the ISN of a 4-tuple, its hash under the host's secret plus the clock; or the test's override.</summary>
    private SequenceNumber InitialSequence(Ipv4Address remoteAddress, ushort remotePort, ushort localPort) =>
        InitialSequenceNumbers?.Invoke()
        ?? ConnectionSecret.Scale(Secret.Hash(Host.Address, remoteAddress, localPort, remotePort).Sequence, Simulation.Now.Nanoseconds);

    /// <summary>The host's secret, drawn for its first socket from a stream of its own (net_secret_init()).</summary>
    private ConnectionSecret Secret
    {
        get
        {
            if (_secret is null)
            {
                var stream = Simulation.Random.Get($"tcp-secret/{Host.Name}");
                _secret = new ConnectionSecret((ulong)stream.NextInt64(long.MinValue, long.MaxValue), (ulong)stream.NextInt64(long.MinValue, long.MaxValue));
            }

            return _secret.Value;
        }
    }

    private ConnectionSecret? _secret;
}
