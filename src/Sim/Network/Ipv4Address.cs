using System.Globalization;

namespace NetSim.Sim.Network;

/// <summary>An IPv4 address, held in host byte order.</summary>
public readonly record struct Ipv4Address(uint Value)
{
    /// <summary>In 127.0.0.0/8 (RFC 1122 §3.2.1.3).</summary>
    public bool IsLoopback => Value >> 24 == 127;

    public static Ipv4Address Parse(string text)
    {
        if (!TryParse(text, out var address))
        {
            throw new FormatException($"'{text}' is not a dotted-quad IPv4 address");
        }

        return address;
    }

    public static bool TryParse(string text, out Ipv4Address address)
    {
        address = default;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        uint value = 0;
        foreach (var part in parts)
        {
            if (!byte.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        address = new Ipv4Address(value);
        return true;
    }

    /// <summary>The address as Linux stores it in a socket (network byte order read as a u32 on little-endian).</summary>
    public uint NetworkOrder => System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(Value);

    public override string ToString() =>
        $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}";
}
