using NetSim.Sim.Network;
using NetSim.Tcp.Congestion;

namespace NetSim.Tcp;

/// <summary>
/// The AccECN option on the wire (RFC 9768 §3.2; Linux tcp_options_write(), tcp_established_options()):
/// when it is due under tcp_ecn_option and its beacon, how many of its byte counters fit beside
/// timestamps and SACK blocks, the space it takes off the MSS, and the SYN-ACK's.
/// </summary>
public sealed partial class TcpConnection
{
    /// <summary>
    /// The SYN-ACK's option, its counters all at their initial values (tcp_synack_options(), and
    /// tcp_syn_options() for a simultaneous open's): with tcp_ecn_option on, not on a request
    /// socket's retransmitted SYN-ACK, nor after a simultaneous open's second retransmission.
    /// </summary>
    private void WriteSynAckAccEcnOption(Packet packet)
    {
        var remaining = Packet.MaxOptionBytes - packet.TcpOptionsLength;
        var resent = IsFullSocket && !FastOpenRequestPending ? Retransmits >= 2 : _synAckRetransmissions > 0 || _answeringRetransmittedSyn;
        if (!EcnModeAccEcn || Settings.EcnOption == 0 || resent || remaining < 2)
        {
            return;
        }

        // tcp_synack_options_combine_saving(): bytes that may take the place of alignment NOPs.
        var combine = packet.SackPermitted && !packet.HasTimestamps ? 2 : packet.WindowScaleOption >= 0 ? 1 : 0;
        var sackBlocks = 0;
        var (fields, size) = FitAccEcnOption(0, remaining, combine, ref sackBlocks);
        WriteAccEcnFields(packet, fields, size, default);
    }

    /// <summary>
    /// The option on a segment of an Accurate ECN connection (tcp_established_options()): once the
    /// peer has sent one, unless sending it failed (tcp_ecn_option 3 sends it regardless), on every
    /// segment under tcp_ecn_option 2, and under 1 when the counters ask for it or the beacon is
    /// due. It takes what space the timestamps and SACK blocks leave, with as many fields as fit
    /// but never fewer than the latest codepoint needs, at the cost of SACK blocks beyond two.
    /// Returns the SACK blocks still to be written.
    /// </summary>
    private int WriteAccEcnOption(Packet packet, int sackBlocks)
    {
        var hadDsack = _sackBlocks.HasDuplicate;
        if (!AccEcnOptionDue)
        {
            _accEcnOptionSentWithDsack = false;
            return sackBlocks;
        }

        var (fields, size) = FitEstablishedAccEcnOption(packet.HasTimestamps, ref sackBlocks);
        if (fields < 0)
        {
            _accEcnOptionSentWithDsack = false;
            return sackBlocks;
        }

        WriteAccEcnFields(packet, fields, size, _receivedEcnBytes);
        _accEcnMinimumFields = 0;
        _accEcnOptionSentAt = Simulation.Now;
        _accEcnOptionSentWithDsack = hadDsack;
        _accEcnOptionDemand = Math.Max(0, _accEcnOptionDemand - 1);
        return sackBlocks;
    }

    /// <summary>
    /// The option on an established segment: what room the timestamps and
    /// <paramref name="sackBlocks"/> SACK blocks leave, the option's last bytes taking the place of
    /// the blocks' NOPs (tcp_options_fit_accecn()); the blocks beyond two may give way.
    /// </summary>
    private (int Fields, int Size) FitEstablishedAccEcnOption(bool timestamps, ref int sackBlocks)
    {
        var remaining = Packet.MaxOptionBytes - (timestamps ? TimestampsOptionBytes : 0) - Packet.SackOptionLength(sackBlocks);
        return FitAccEcnOption(_accEcnMinimumFields, remaining, sackBlocks > 0 ? 2 : 0, ref sackBlocks);
    }

    /// <summary>Whether the next established segment carries the option (tcp_established_options()'s test).</summary>
    private bool AccEcnOptionDue =>
        EcnModeAccEcn && Settings.EcnOption != 0 && AccEcnOptionSeen != AccEcnOptionSeen.NotSeen
        && (Settings.EcnOption >= 3 || (AccEcnFailMode & AccEcnFailMode.OptionSend) == 0)
        && (Settings.EcnOption >= 2 || _accEcnOptionDemand > 0 || AccEcnBeaconDue);

    /// <summary>tcp_accecn_option_beacon_check(): under tcp_ecn_option 1 the option goes at least tcp_ecn_option_beacon times per smoothed RTT.</summary>
    private bool AccEcnBeaconDue =>
        Settings.EcnOptionBeacon != 0 && (Simulation.Now - _accEcnOptionSentAt).Microseconds * Settings.EcnOptionBeacon >= Rtt.SrttUs8 >> 3;

    /// <summary>
    /// Linux tcp_options_fit_accecn(): the most fields (3 down to <paramref name="required"/>) that
    /// fit in <paramref name="remaining"/> bytes, the option padded to four bytes unless its last
    /// byte or two can take the place of up to <paramref name="combine"/> alignment NOPs; when even
    /// the required fields do not fit, SACK blocks beyond two give way. Returns the fields (-1: no
    /// option) and the option's bytes once aligned.
    /// </summary>
    private static (int Fields, int Size) FitAccEcnOption(int required, int remaining, int combine, ref int sackBlocks)
    {
        var size = AccEcnOptionMaxBytes;
        var fields = 3;
        var reducedBlocks = 0;
        while (fields >= required)
        {
            var aligned = (size & 3) > combine ? (size + 3) & ~3 : size & ~3;
            if (remaining >= aligned)
            {
                size = aligned;
                break;
            }

            if (fields == required && sackBlocks > 2 && required > 0)
            {
                sackBlocks--;
                reducedBlocks++;
                remaining += SackBlockBytes;
                fields = 3;
                size = AccEcnOptionMaxBytes;
                continue;
            }

            fields--;
            size -= AccEcnOption.FieldBytes;
        }

        if (fields < required)
        {
            sackBlocks += reducedBlocks;
            return (-1, 0);
        }

        return (fields, size);
    }

    /// <summary>tcp_options_write(): the option in Linux's order, ECT(1) first, each counter from its initial offset.</summary>
    private static void WriteAccEcnFields(Packet packet, int fields, int size, EcnByteCounters received)
    {
        if (fields < 0)
        {
            return;
        }

        packet.HasAccEcn = true;
        var option = packet.AccEcn;
        option.Order1 = true;
        option.FieldCount = fields;
        option.E1b = received.Ect1 + EctBytesInitOffset;
        option.Ceb = received.Ce;
        option.E0b = received.Ect0 + EctBytesInitOffset;
        option.AlignedBytes = size;
    }
}
