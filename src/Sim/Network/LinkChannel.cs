using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Network;

/// <summary>
/// One direction of a point-to-point link: a queueing discipline, a transmitter that serialises
/// one packet at a time at the link rate, a loss model applied as each packet leaves, impairments,
/// and a propagation delay. Packets that keep FIFO order wait in one queue with a single calendar
/// entry for its head, however many are in flight; only packets allowed to overtake (reordering)
/// get calendar entries of their own.
/// </summary>
public sealed class LinkChannel : IEventHandler
{
    private const long TransmissionComplete = 0;
    private const long HeadArrival = 1;
    private const long OvertakingArrival = 2;

    private readonly Simulation _simulation;
    private readonly PacketPool _pool;
    private InlineQueue<(long ArrivalNs, Packet Packet)> _propagating = new();
    private readonly PriorityQueue<Packet, (long ArrivalNs, long Order)> _overtaking = new();
    private readonly System.Random? _impairmentRandom;
    private long _overtakingOrder;
    private long _lastFifoArrivalNs;
    private Packet? _transmitting;
    private LinkChannelStatistics _statistics;
    private Node? _sender;
    private INode? _receiver;
    private NetworkInterface? _receiverInterface;

    public LinkChannel(
        Simulation simulation,
        PacketPool pool,
        string name,
        long rateBitsPerSecond,
        SimTime delay,
        int mtu,
        PacketQueue queue,
        ILossModel loss,
        Impairments? impairments = null,
        System.Random? impairmentRandom = null,
        int framingBytes = 0)
    {
        if (rateBitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rateBitsPerSecond), "a link rate is positive");
        }

        if (delay < SimTime.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), "a propagation delay cannot be negative");
        }

        if (framingBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(framingBytes), "link-layer framing cannot be negative");
        }

        Impairments = impairments ?? Impairments.None;
        if (Impairments.Any && impairmentRandom is null)
        {
            throw new ArgumentNullException(nameof(impairmentRandom), "impairments draw from a seeded random stream");
        }

        _simulation = simulation;
        _pool = pool;
        _impairmentRandom = impairmentRandom;
        Name = name;
        RateBitsPerSecond = rateBitsPerSecond;
        Delay = delay;
        Mtu = mtu;
        FramingBytes = framingBytes;
        Queue = queue;
        Loss = loss;
        queue.Dropped = OnQueueDrop;
        queue.Marked = OnQueueMark;
    }

    public string Name { get; }
    public Simulation Simulation => _simulation;
    public long RateBitsPerSecond { get; }
    public SimTime Delay { get; }
    public int Mtu { get; }

    /// <summary>
    /// Link-layer bytes each packet takes on the wire beyond its IP packet (PPP's 2-byte protocol
    /// field as ns-3 models it, 38 for Ethernet's header, FCS, preamble and inter-frame gap): they
    /// lengthen its transmission, not its size.
    /// </summary>
    public int FramingBytes { get; }

    /// <summary>
    /// The router sending on this link drops packets too big for it without answering with a
    /// Fragmentation Needed (a path MTU discovery black hole, RFC 2923 §2.1: a router or firewall
    /// that sends or lets through no ICMP).
    /// </summary>
    public bool PmtudBlackHole { get; init; }

    public PacketQueue Queue { get; }
    public ILossModel Loss { get; }
    public Impairments Impairments { get; }
    public ref readonly LinkChannelStatistics Statistics => ref _statistics;

    /// <summary>Raised when a packet is dropped, before it returns to the pool. Null costs nothing.</summary>
    public Action<LinkChannel, Packet, DropReason>? PacketDropped { get; set; }

    /// <summary>Raised when the queue discipline marks a packet CE instead of dropping it.</summary>
    public Action<LinkChannel, Packet, DropReason>? PacketMarked { get; set; }

    /// <summary>Raised after a packet enters or leaves the queue. Null costs nothing.</summary>
    public Action<LinkChannel>? QueueLengthChanged { get; set; }

    /// <summary>Raised as each packet starts on the wire (for captures). Null costs nothing.</summary>
    public Action<LinkChannel, Packet>? TransmissionStarted { get; set; }

    /// <summary>Raised as each packet reaches the far end, before the node takes it (for captures).</summary>
    public Action<LinkChannel, Packet>? PacketArriving { get; set; }

    /// <summary>The node whose interface transmits on this direction, which takes packets too big for it.</summary>
    internal void AttachSender(Node sender) => _sender = sender;

    /// <summary>A packet too big for the MTU from a sender that should have known better: its MSS is misconfigured.</summary>
    internal InvalidOperationException TooBigError(Packet packet) =>
        new($"link {Name}: a {packet.SizeBytes}-byte packet ({packet}, {packet.TcpOptionsLength} bytes of TCP options) exceeds the MTU of {Mtu} bytes; the sender's MSS is misconfigured");

    internal void AttachReceiver(INode receiver, NetworkInterface receiverInterface)
    {
        _receiver = receiver;
        _receiverInterface = receiverInterface;
    }

    /// <summary>Time to serialise <paramref name="bytes"/> at the link rate, rounded up to a nanosecond.</summary>
    public SimTime TransmissionTime(int bytes) =>
        SimTime.FromNanoseconds(((long)bytes * 8 * 1_000_000_000L + RateBitsPerSecond - 1) / RateBitsPerSecond);

    /// <summary>
    /// Queues a packet for the wire. One larger than the MTU goes to the node that sends on this
    /// direction (a router answers it with ICMP); on a channel with no such node it is an error.
    /// </summary>
    public void Send(Packet packet)
    {
        if (packet.SizeBytes > Mtu)
        {
            if (_sender is null)
            {
                throw TooBigError(packet);
            }

            _sender.TooBig(packet, this);
            return;
        }

        _statistics.PacketsEnqueued++;
        Queue.Enqueue(packet, _simulation.Now);
        QueueLengthChanged?.Invoke(this);
        if (_transmitting is null)
        {
            StartNext();
        }
    }

    void IEventHandler.OnEvent(long token)
    {
        switch (token)
        {
            case TransmissionComplete:
                CompleteTransmission();
                break;
            case HeadArrival:
                DeliverHead();
                break;
            default:
                Deliver(_overtaking.Dequeue());
                break;
        }
    }

    private void StartNext()
    {
        var packet = Queue.Dequeue(_simulation.Now);
        if (packet is null)
        {
            return;
        }

        QueueLengthChanged?.Invoke(this);
        _transmitting = packet;
        if (packet.TxTimestamps is { } timestamps)
        {
            packet.TxTimestamps = null;
            timestamps.OnTransmitted(packet, packet.TxTimestampKey);
        }

        TransmissionStarted?.Invoke(this, packet);
        var duration = TransmissionTime(packet.SizeBytes + FramingBytes);
        _statistics.BusyNanoseconds += duration.Nanoseconds;
        _simulation.ScheduleAfter(duration, this, TransmissionComplete);
    }

    private void CompleteTransmission()
    {
        var packet = _transmitting!;
        _transmitting = null;
        _statistics.PacketsTransmitted++;
        _statistics.BytesTransmitted += packet.SizeBytes;
        packet.CompleteTransmission();

        if (Loss.ShouldDrop(packet))
        {
            _statistics.ChannelLosses++;
            Drop(packet, DropReason.ChannelLoss);
        }
        else if (Impairments.Any)
        {
            PropagateImpaired(packet);
        }
        else
        {
            PropagateInOrder(packet, (_simulation.Now + Delay).Nanoseconds);
        }

        StartNext();
    }

    private void PropagateInOrder(Packet packet, long arrivalNs)
    {
        arrivalNs = Math.Max(arrivalNs, _lastFifoArrivalNs);
        _lastFifoArrivalNs = arrivalNs;
        _propagating.Enqueue((arrivalNs, packet));
        if (_propagating.Count == 1)
        {
            _simulation.Schedule(new SimTime(arrivalNs), this, HeadArrival);
        }
    }

    private void PropagateOvertaking(Packet packet, long arrivalNs)
    {
        _overtaking.Enqueue(packet, (arrivalNs, _overtakingOrder++));
        _simulation.Schedule(new SimTime(arrivalNs), this, OvertakingArrival);
    }

    private void PropagateImpaired(Packet packet)
    {
        var random = _impairmentRandom!;
        if (Impairments.CorruptFraction > 0 && random.NextDouble() < Impairments.CorruptFraction)
        {
            packet.Corrupted = true;
            _statistics.PacketsCorrupted++;
        }

        if (Impairments.DuplicateFraction > 0 && random.NextDouble() < Impairments.DuplicateFraction)
        {
            var copy = _pool.Rent();
            packet.CopyTo(copy);
            _statistics.PacketsDuplicated++;
            PropagateOne(copy, random);
        }

        PropagateOne(packet, random);
    }

    private void PropagateOne(Packet packet, System.Random random)
    {
        var arrival = (_simulation.Now + Delay).Nanoseconds;
        if (Impairments.JitterMax > SimTime.Zero)
        {
            arrival += (long)(random.NextDouble() * Impairments.JitterMax.Nanoseconds);
        }

        if (Impairments.ReorderFraction > 0 && random.NextDouble() < Impairments.ReorderFraction)
        {
            _statistics.PacketsReordered++;
            PropagateOvertaking(packet, arrival + Impairments.ReorderExtraDelay.Nanoseconds);
        }
        else if (Impairments.JitterReorders)
        {
            PropagateOvertaking(packet, arrival);
        }
        else
        {
            PropagateInOrder(packet, arrival);
        }
    }

    private void DeliverHead()
    {
        var (_, packet) = _propagating.Dequeue();
        if (_propagating.Count > 0)
        {
            _simulation.Schedule(new SimTime(_propagating.Peek().ArrivalNs), this, HeadArrival);
        }

        Deliver(packet);
    }

    private void Deliver(Packet packet)
    {
        _statistics.PacketsDelivered++;
        PacketArriving?.Invoke(this, packet);
        _receiver!.Receive(packet, _receiverInterface!);
    }

    private void OnQueueDrop(Packet packet, DropReason reason)
    {
        _statistics.QueueDrops++;
        Drop(packet, reason);
    }

    private void OnQueueMark(Packet packet, DropReason reason)
    {
        _statistics.EcnMarks++;
        PacketMarked?.Invoke(this, packet, reason);
    }

    /// <summary>A packet the router before this link could not send on it, being larger than the MTU (ip_forward()'s IPSTATS_MIB_FRAGFAILS).</summary>
    internal void RefuseTooBig(Packet packet)
    {
        _statistics.PacketsTooBig++;
        Drop(packet, DropReason.TooBig);
    }

    private void Drop(Packet packet, DropReason reason)
    {
        PacketDropped?.Invoke(this, packet, reason);
        _pool.Return(packet);
    }
}
