namespace NetSim.Sim.Network;

/// <summary>
/// The options of a segment in the order and with the padding Linux tcp_options_write() uses:
/// MSS; SACK-permitted and timestamps together (or NOP NOP before either alone); NOP and window
/// scale; NOP NOP and SACK blocks; Fast Open, with two NOPs after a length of 4n + 2. <see cref="Packet.TcpOptionsLength"/> is the byte count of this
/// layout. Allocates: for the wire encoder and for scripts, not for the hot path.
/// </summary>
public static class TcpOptionLayout
{
    public static IReadOnlyList<TcpOption> Of(Packet packet)
    {
        var options = new List<TcpOption>();
        if (packet.MssOption != 0)
        {
            options.Add(new TcpOption(TcpOptionKind.Mss, packet.MssOption));
        }

        if (packet.HasTimestamps)
        {
            if (packet.SackPermitted)
            {
                options.Add(new TcpOption(TcpOptionKind.SackPermitted));
            }
            else
            {
                options.Add(TcpOption.Nop);
                options.Add(TcpOption.Nop);
            }

            options.Add(new TcpOption(TcpOptionKind.Timestamps, packet.TsVal, packet.TsEcr));
        }
        else if (packet.SackPermitted)
        {
            options.Add(TcpOption.Nop);
            options.Add(TcpOption.Nop);
            options.Add(new TcpOption(TcpOptionKind.SackPermitted));
        }

        if (packet.WindowScaleOption >= 0)
        {
            options.Add(TcpOption.Nop);
            options.Add(new TcpOption(TcpOptionKind.WindowScale, (uint)packet.WindowScaleOption));
        }

        if (packet.SackBlockCount > 0)
        {
            var blocks = new SackBlock[packet.SackBlockCount];
            for (var i = 0; i < blocks.Length; i++)
            {
                blocks[i] = packet.SackBlockAt(i);
            }

            options.Add(TcpOption.Nop);
            options.Add(TcpOption.Nop);
            options.Add(new TcpOption(TcpOptionKind.Sack, Blocks: blocks));
        }

        if (packet.FastOpen is { } fastOpen)
        {
            options.Add(new TcpOption(fastOpen.Experimental ? TcpOptionKind.Experimental : TcpOptionKind.FastOpen, FastOpen: fastOpen));
            for (var padding = fastOpen.Length; padding < fastOpen.PaddedLength; padding++)
            {
                options.Add(TcpOption.Nop);
            }
        }

        return options;
    }
}
