namespace NetSim.Sim.Network;

/// <summary>
/// The options of a segment in the order and with the padding Linux tcp_options_write() uses:
/// MSS; SACK-permitted and timestamps together (or NOP NOP before either alone); Accurate ECN;
/// NOP and window scale; NOP NOP and SACK blocks; Fast Open, with two NOPs after a length of 4n + 2.
/// The last one or two bytes of an Accurate ECN option not padded to four take the place of the
/// NOPs before the next option (tcp_options_write()'s leftover bytes). <see cref="Packet.TcpOptionsLength"/>
/// is the byte count of this layout. Allocates: for the wire encoder and for scripts, not for the hot path.
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

        var leftover = packet.HasAccEcn ? AddAccEcn(options, packet.AccEcn) : 0;
        if (!packet.HasTimestamps && packet.SackPermitted)
        {
            AddNops(options, 2 - leftover);
            leftover = 0;
            options.Add(new TcpOption(TcpOptionKind.SackPermitted));
        }

        if (packet.WindowScaleOption >= 0)
        {
            // Only a single leftover byte takes the window scale's NOP.
            AddNops(options, leftover == 1 ? 0 : 1);
            leftover = leftover == 1 ? 0 : leftover;
            options.Add(new TcpOption(TcpOptionKind.WindowScale, (uint)packet.WindowScaleOption));
        }

        if (packet.SackBlockCount > 0)
        {
            var blocks = new SackBlock[packet.SackBlockCount];
            for (var i = 0; i < blocks.Length; i++)
            {
                blocks[i] = packet.SackBlockAt(i);
            }

            AddNops(options, 2 - leftover);
            options.Add(new TcpOption(TcpOptionKind.Sack, Blocks: blocks));
        }
        else if (leftover > 0)
        {
            AddNops(options, 4 - leftover);
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

    /// <summary>The Accurate ECN option and the NOPs padding it; returns how many of its bytes ride in the next option's NOPs.</summary>
    private static int AddAccEcn(List<TcpOption> options, AccEcnOption accEcn)
    {
        var fields = new uint[accEcn.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = accEcn.FieldAt(i);
        }

        options.Add(new TcpOption(accEcn.Order1 ? TcpOptionKind.AccEcnOrder1 : TcpOptionKind.AccEcnOrder0, Fields: fields));
        AddNops(options, accEcn.AlignedBytes - accEcn.Length);
        return Math.Max(0, accEcn.Length - accEcn.AlignedBytes);
    }

    private static void AddNops(List<TcpOption> options, int count)
    {
        for (var i = 0; i < count; i++)
        {
            options.Add(TcpOption.Nop);
        }
    }
}
