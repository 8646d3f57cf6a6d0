namespace NetSim.Sim.Network;

/// <summary>
/// The device names and interface indexes a node's interfaces answer to, as on a Linux host with
/// one NIC per link: the loopback device "lo" is index 1, and the interfaces in the order their
/// links were attached are "eth0", "eth1", ... at indexes 2, 3, ...
/// </summary>
public static class InterfaceNames
{
    /// <summary>LOOPBACK_IFINDEX.</summary>
    public const int LoopbackIndex = 1;

    public const string Loopback = "lo";

    private const string EthernetPrefix = "eth";

    /// <summary>The interface index a device name stands for on <paramref name="node"/>, or null when it has no such device.</summary>
    public static int? IndexOf(Node node, string name)
    {
        if (name == Loopback)
        {
            return LoopbackIndex;
        }

        if (name.StartsWith(EthernetPrefix, StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(EthernetPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number < node.Interfaces.Count
            && name.Length == EthernetPrefix.Length + number.ToString(System.Globalization.CultureInfo.InvariantCulture).Length)
        {
            return number + LoopbackIndex + 1;
        }

        return null;
    }

    /// <summary>Whether <paramref name="index"/> names a device of <paramref name="node"/>.</summary>
    public static bool Exists(Node node, int index) => index == LoopbackIndex || Interface(node, index) is not null;

    /// <summary>The interface at <paramref name="index"/>; null for the loopback device or an index the node does not have.</summary>
    public static NetworkInterface? Interface(Node node, int index)
    {
        var position = index - LoopbackIndex - 1;
        return position >= 0 && position < node.Interfaces.Count ? node.Interfaces[position] : null;
    }
}
