namespace NetSim.Sim.Network.Queues;

/// <summary>
/// The flow queue of a fair-queueing discipline a packet goes to (RFC 8290 §4.1.1, Linux
/// skb_get_hash() and reciprocal_scale()): its 5-tuple, perturbed by a seed from the run, mixed
/// with SplitMix64's finalizer so that every input bit reaches the low bits.
/// </summary>
public static class FlowHash
{
    public static int Of(Packet packet, ulong perturbation, int buckets)
    {
        var hash = perturbation;
        hash = Mix(hash ^ packet.Source.Value);
        hash = Mix(hash ^ packet.Destination.Value);
        hash = Mix(hash ^ (((ulong)packet.SourcePort << 16) | packet.DestinationPort));
        hash = Mix(hash ^ 6);
        return (int)(hash % (ulong)buckets);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
