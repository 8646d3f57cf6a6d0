using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// A host's secret for its connections' initial sequence numbers and timestamp offsets (RFC 6528,
/// RFC 7323 §5.4): Linux secure_tcp_seq_and_ts_off() takes both from one keyed hash of the 4-tuple
/// under a secret drawn at boot, so a 4-tuple used again gets the same timestamp offset and a
/// sequence number further on; the ISN adds the clock in 64 ns ticks (seq_scale()). The hash here
/// is a keyed mix of the 4-tuple, not SipHash: what matters is that it is fixed per 4-tuple,
/// unrelated across 4-tuples and deterministic for a seed.
/// </summary>
internal readonly struct ConnectionSecret(ulong key0, ulong key1)
{
    /// <summary>The ISN offset (low half) and the timestamp offset (high half) of a 4-tuple.</summary>
    public (uint Sequence, uint Timestamp) Hash(Ipv4Address local, Ipv4Address remote, ushort localPort, ushort remotePort)
    {
        var addresses = ((ulong)local.Value << 32) | remote.Value;
        var ports = ((ulong)localPort << 16) | remotePort;
        var hash = Mix(Mix(addresses ^ key0) ^ ports ^ key1);
        return ((uint)hash, (uint)(hash >> 32));
    }

    /// <summary>seq_scale(): the ISN offset plus the clock in 64 ns ticks, so a 4-tuple's ISNs advance with time.</summary>
    public static SequenceNumber Scale(uint sequence, long nowNanoseconds) => new(unchecked(sequence + (uint)(nowNanoseconds >> 6)));

    /// <summary>The finaliser of SplitMix64: every input bit flips about half of the output bits.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
