using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Apps;

/// <summary>
/// A SYN flood (RFC 4987 §2): bare SYNs at a steady rate to a listener, each from a forged source,
/// an address of the benchmarking range 198.18.0.0/15 (RFC 2544) and a port drawn at random, which
/// no host answers for. The SYN-ACKs go nowhere, so each SYN that gets a request holds a place in
/// the listener's request queue until its SYN-ACK retries run out (tcp_synack_retries), and
/// once the queue is over the backlog the listener answers with SYN cookies, or with cookies off
/// drops every SYN, the legitimate ones with the forged. The SYNs carry an MSS option only, as
/// flooding tools send them. The attacking host's TCP takes no part.
/// </summary>
public sealed class SynFloodApplication(Host host, Ipv4Address destination, ushort port, string name, double synsPerSecond, System.Random random)
    : IFlowSender
{
    /// <summary>198.18.0.0/15 (RFC 2544): addresses set aside for benchmarks, which no host here has.</summary>
    private const uint SpoofedPrefix = 0xC6120000;
    private const int SpoofedBits = 17;

    public string Name { get; } = name;

    public SimTime Start { get; init; } = SimTime.Zero;

    /// <summary>When the flood ends; never by default.</summary>
    public SimTime Stop { get; init; } = SimTime.Never;

    /// <summary>The flood opens no connection.</summary>
    public TcpConnection? Connection => null;

    public IReadOnlyList<TcpConnection> Connections => [];

    public long BytesWritten => 0;

    /// <summary>The forged SYNs sent.</summary>
    public long SynsSent { get; private set; }

    public void Install() => host.Network.Simulation.Process(Run());

    private IEnumerable<SimEvent> Run()
    {
        var simulation = host.Network.Simulation;
        var interval = SimTime.FromNanoseconds((long)Math.Round(1e9 / synsPerSecond));
        yield return simulation.Timeout(Start);
        while (simulation.Now < Stop)
        {
            SendSyn();
            yield return simulation.Timeout(interval);
        }
    }

    private void SendSyn()
    {
        var syn = host.Pool.Rent();
        syn.Source = new Ipv4Address(SpoofedPrefix + (uint)random.Next(1 << SpoofedBits));
        syn.SourcePort = (ushort)random.Next(1024, 65536);
        syn.Destination = destination;
        syn.DestinationPort = port;
        syn.Flags = TcpFlags.Syn;
        syn.SequenceNumber = (uint)random.NextInt64(0, 1L << 32);
        syn.Window = 64240;
        syn.MssOption = 1460;
        host.Send(syn);
        SynsSent++;
    }
}
