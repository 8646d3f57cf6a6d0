using NetSim.Sim.Kernel;
using NetSim.Sim.Network.Loss;
using NetSim.Sim.Network.Queues;

namespace NetSim.Sim.Network;

/// <summary>
/// One direction of a point-to-point link: an output queue, a transmitter that serialises one
/// packet at a time at the link rate, a loss model applied as each packet leaves, and a
/// propagation delay. Delay is constant, so packets in propagation stay in FIFO order and need a
/// single calendar entry, for the head packet, however many are in flight.
/// </summary>
public sealed class LinkChannel : IEventHandler
{
    private const long TransmissionComplete = 0;
    private const long HeadArrival = 1;

    private readonly Simulation _simulation;
    private readonly PacketPool _pool;
    private readonly Queue<(long ArrivalNs, Packet Packet)> _propagating = new();
    private Packet? _transmitting;
    private INode? _receiver;
    private NetworkInterface? _receiverInterface;

    public LinkChannel(
        Simulation simulation,
        PacketPool pool,
        string name,
        long rateBitsPerSecond,
        SimTime delay,
        int mtu,
        IPacketQueue queue,
        ILossModel loss)
    {
        if (rateBitsPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rateBitsPerSecond), "a link rate is positive");
        }

        if (delay < SimTime.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), "a propagation delay cannot be negative");
        }

        _simulation = simulation;
        _pool = pool;
        Name = name;
        RateBitsPerSecond = rateBitsPerSecond;
        Delay = delay;
        Mtu = mtu;
        Queue = queue;
        Loss = loss;
    }

    public string Name { get; }
    public Simulation Simulation => _simulation;
    public long RateBitsPerSecond { get; }
    public SimTime Delay { get; }
    public int Mtu { get; }
    public IPacketQueue Queue { get; }
    public ILossModel Loss { get; }
    public LinkChannelStatistics Statistics { get; } = new();

    /// <summary>Raised when a packet is dropped, before it returns to the pool. Null costs nothing.</summary>
    public Action<LinkChannel, Packet, DropReason>? PacketDropped { get; set; }

    /// <summary>Raised after a packet enters or leaves the output queue. Null costs nothing.</summary>
    public Action<LinkChannel>? QueueLengthChanged { get; set; }

    internal void AttachReceiver(INode receiver, NetworkInterface receiverInterface)
    {
        _receiver = receiver;
        _receiverInterface = receiverInterface;
    }

    /// <summary>Time to serialise <paramref name="bytes"/> at the link rate, rounded up to a nanosecond.</summary>
    public SimTime TransmissionTime(int bytes) =>
        SimTime.FromNanoseconds(((long)bytes * 8 * 1_000_000_000L + RateBitsPerSecond - 1) / RateBitsPerSecond);

    public void Send(Packet packet)
    {
        if (packet.SizeBytes > Mtu)
        {
            throw new InvalidOperationException(
                $"link {Name}: a {packet.SizeBytes}-byte packet exceeds the MTU of {Mtu} bytes; the sender's MSS is misconfigured");
        }

        Statistics.PacketsEnqueued++;
        if (_transmitting is null)
        {
            StartTransmission(packet);
        }
        else if (Queue.TryEnqueue(packet))
        {
            QueueLengthChanged?.Invoke(this);
        }
        else
        {
            Statistics.QueueDrops++;
            Drop(packet, DropReason.QueueFull);
        }
    }

    void IEventHandler.OnEvent(long token)
    {
        if (token == TransmissionComplete)
        {
            CompleteTransmission();
        }
        else
        {
            DeliverHead();
        }
    }

    private void StartTransmission(Packet packet)
    {
        _transmitting = packet;
        var duration = TransmissionTime(packet.SizeBytes);
        Statistics.BusyNanoseconds += duration.Nanoseconds;
        _simulation.ScheduleAfter(duration, this, TransmissionComplete);
    }

    private void CompleteTransmission()
    {
        var packet = _transmitting!;
        _transmitting = null;
        Statistics.PacketsTransmitted++;
        Statistics.BytesTransmitted += packet.SizeBytes;

        if (Loss.ShouldDrop(packet))
        {
            Statistics.ChannelLosses++;
            Drop(packet, DropReason.ChannelLoss);
        }
        else
        {
            var arrival = (_simulation.Now + Delay).Nanoseconds;
            _propagating.Enqueue((arrival, packet));
            if (_propagating.Count == 1)
            {
                _simulation.Schedule(new SimTime(arrival), this, HeadArrival);
            }
        }

        var next = Queue.Dequeue();
        if (next is not null)
        {
            QueueLengthChanged?.Invoke(this);
            StartTransmission(next);
        }
    }

    private void DeliverHead()
    {
        var (_, packet) = _propagating.Dequeue();
        if (_propagating.Count > 0)
        {
            _simulation.Schedule(new SimTime(_propagating.Peek().ArrivalNs), this, HeadArrival);
        }

        Statistics.PacketsDelivered++;
        _receiver!.Receive(packet, _receiverInterface!);
    }

    private void Drop(Packet packet, DropReason reason)
    {
        PacketDropped?.Invoke(this, packet, reason);
        _pool.Return(packet);
    }
}
