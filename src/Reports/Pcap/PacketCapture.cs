using NetSim.Sim.Network;
using NetSim.Sim.Network.Wire;

namespace NetSim.Reports.Pcap;

/// <summary>
/// Packet captures of a run. A link capture records both directions as each packet starts on the
/// wire (a tap at the sending end: queue drops never appear, packets the link then loses do). A
/// host capture records, like tcpdump on its interfaces, what it sends as it starts on the wire
/// and what reaches it as it arrives.
/// </summary>
public sealed class PacketCapture : IDisposable
{
    private readonly List<PcapWriter> _writers = [];

    public IReadOnlyList<PcapWriter> Writers => _writers;

    public void CaptureLink(PointToPointLink link, string path)
    {
        var writer = Open(path);
        void Record(LinkChannel channel, Packet packet) => writer.Write(channel.Simulation.Now, WireEncoder.Encode(packet));
        link.Forward.TransmissionStarted += Record;
        link.Reverse.TransmissionStarted += Record;
    }

    public void CaptureHost(Host host, IEnumerable<PointToPointLink> links, string path)
    {
        var writer = Open(path);
        void Record(LinkChannel channel, Packet packet) => writer.Write(channel.Simulation.Now, WireEncoder.Encode(packet));
        var outgoing = host.Interfaces.Select(i => i.Transmitter).ToHashSet();
        foreach (var link in links)
        {
            if (outgoing.Contains(link.Forward))
            {
                link.Forward.TransmissionStarted += Record;
                link.Reverse.PacketArriving += Record;
            }
            else if (outgoing.Contains(link.Reverse))
            {
                link.Reverse.TransmissionStarted += Record;
                link.Forward.PacketArriving += Record;
            }
        }
    }

    public void Dispose()
    {
        foreach (var writer in _writers)
        {
            writer.Dispose();
        }
    }

    private PcapWriter Open(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var writer = new PcapWriter(path);
        _writers.Add(writer);
        return writer;
    }
}
