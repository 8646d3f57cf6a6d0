using NetSim.Sim.Kernel;

namespace NetSim.Sim.Network.Queues;

/// <summary>CoDel's parameters (RFC 8289 §4.4): TARGET 5 ms and INTERVAL 100 ms by default; MAXPACKET is the link MTU.</summary>
public sealed record CoDelParameters(SimTime Target, SimTime Interval, int MaxPacket, bool Ecn)
{
    public static CoDelParameters Default(int mtu) => new(SimTime.FromMilliseconds(5), SimTime.FromMilliseconds(100), mtu, Ecn: false);

    /// <summary>The control law (RFC 8289 §4.5): the next drop comes INTERVAL / sqrt(count) after <paramref name="t"/>.</summary>
    public SimTime ControlLaw(SimTime t, int count) =>
        t + SimTime.FromNanoseconds((long)Math.Round(Interval.Nanoseconds / Math.Sqrt(count)));
}
