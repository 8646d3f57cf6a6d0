using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>The part of the 4-tuple that tells a host's connections apart (its own address is fixed).</summary>
internal readonly record struct ConnectionKey(Ipv4Address RemoteAddress, ushort RemotePort, ushort LocalPort);
