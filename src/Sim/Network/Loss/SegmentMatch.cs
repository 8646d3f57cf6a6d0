namespace NetSim.Sim.Network.Loss;

/// <summary>
/// A TCP segment to drop: the flow's data direction (source, destination, destination port) and the
/// sequence number relative to the flow's initial sequence number, as Wireshark shows it (the first
/// data byte is 1). <see cref="Times"/> transmissions of it are dropped, so 1 loses the original only.
/// </summary>
public sealed record SegmentMatch(Ipv4Address Source, Ipv4Address Destination, ushort DestinationPort, uint RelativeSequence, int Times = 1);
