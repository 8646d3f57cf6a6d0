using NetSim.Packetdrill.Script;
using NetSim.Sim.Kernel;
using NetSim.Sim.Network;
using NetSim.Sim.Network.Icmp;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>Injecting <c>&lt;</c> segments and checking <c>&gt;</c> segments (packetdrill run_packet.c).</summary>
public sealed partial class ScriptRunner
{
    /// <summary>Flags that every segment of a merged send must share; FIN, PSH and CWR are checked on the whole.</summary>
    private const TcpFlags FragmentFlags = TcpFlags.Syn | TcpFlags.Rst | TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Ae;

    private void Inject(SegmentSpec segment)
    {
        var syn = segment.HasFlag(TcpFlags.Syn);
        if (syn && _stack.Find(_remoteAddress, _remotePort, _localPort ?? ScriptPort) is { State: TcpState.SynSent })
        {
            // The SYN-ACK of an active open, or the crossing SYN of a simultaneous open whose SYN-ACK
            // follows with the same ISN: the script's ISN (packetdrill keeps it for the connection).
            _remoteIsn = segment.Start;
        }

        if (syn && !segment.HasFlag(TcpFlags.Ack))
        {
            // packetdrill handle_listen_for_script_packet(): the first SYN to a new listener opens a
            // connection of its own, from a new remote port (next_ephemeral_port(): the port cached
            // before the run for the script's first, a fresh one for each later), so that whatever
            // the earlier connections still send is passed over, as their RST on close() is.
            if (_listenerAwaitsSyn && _passiveOpened)
            {
                _retiredConnections.Add((ScriptPort, _remotePort));
                _remotePort++;
            }

            _passiveOpened |= _listenerAwaitsSyn;
            _listenerAwaitsSyn = false;

            // A SYN to a listener starts a new socket under test, whose ISN the script gives and whose
            // SYN-ACK sets a new local ISN (packetdrill handle_listen_for_script_packet()); a SYN to a
            // connection that exists changes neither.
            if (_stack.Find(_remoteAddress, _remotePort, _localPort ?? ScriptPort) is null && _localPort is null or ScriptPort)
            {
                _localIsn = null;
                _firstTs = null;
                _remoteIsn = segment.Start;
            }
        }

        var packet = _remote.Pool.Rent();
        packet.Source = _remoteAddress;
        packet.SourcePort = _remotePort;
        packet.Destination = _localAddress;
        packet.DestinationPort = _localPort ?? ScriptPort;
        packet.Flags = segment.Flags;
        // packetdrill's remote_seq_script_to_live_offset(): a SYN's number is the ISN, later ones count from it.
        packet.SequenceNumber = syn ? segment.Start : unchecked(segment.Start + _remoteIsn);
        packet.PayloadLength = segment.PayloadLength;

        // packetdrill --mss: a segment larger than it goes in as a GSO packet of segments that size.
        packet.GsoSize = _gsoSize != 0 && segment.PayloadLength > _gsoSize ? _gsoSize : (ushort)0;
        packet.StreamOffset = syn ? 0 : unchecked(segment.Start - 1);
        packet.Window = segment.Window ?? 0;
        packet.Ecn = segment.Ecn?.Codepoint() ?? EcnCodepoint.NotEct;
        if (segment.HasFlag(TcpFlags.Ack))
        {
            packet.AcknowledgmentNumber = ToLive(segment.Ack ?? 0, syn);
        }

        foreach (var option in segment.Options ?? [])
        {
            switch (option.Kind)
            {
                case TcpOptionKind.Mss:
                    packet.MssOption = (ushort)option.Value;
                    break;
                case TcpOptionKind.WindowScale:
                    packet.WindowScaleOption = (sbyte)Math.Min(option.Value, 127);
                    break;
                case TcpOptionKind.SackPermitted:
                    packet.SackPermitted = true;
                    break;
                case TcpOptionKind.FastOpen or TcpOptionKind.Experimental:
                    packet.FastOpen = option.FastOpen;
                    break;
                case TcpOptionKind.Timestamps:
                    packet.HasTimestamps = true;
                    packet.TsVal = option.Value;
                    packet.TsEcr = segment.HasFlag(TcpFlags.Ack) ? LiveEcr(option.Echo) : option.Echo;
                    break;
                case TcpOptionKind.AccEcnOrder0 or TcpOptionKind.AccEcnOrder1:
                    WriteAccEcn(packet, option);
                    break;
                case TcpOptionKind.Md5Signature:
                    WriteMd5Signature(packet, option.Digest!);
                    break;
                case TcpOptionKind.Sack:
                    foreach (var block in option.Blocks!.Take(SackBlockArray.MaxBlocks))
                    {
                        packet.AddSackBlock(new SackBlock(ToLive(block.Start, syn: false), ToLive(block.End, syn: false)));
                    }

                    break;
            }
        }

        SendFromScript(packet);
    }

    /// <summary>An MD5 signature option (RFC 2385: kind 19, length 18) among the raw options, NOP-padded to four bytes.</summary>
    private static void WriteMd5Signature(Packet packet, byte[] digest)
    {
        var options = packet.ExtraOptions[packet.ExtraOptionsLength..];
        options[0] = (byte)TcpOptionKind.Md5Signature;
        options[1] = (byte)(2 + digest.Length);
        digest.CopyTo(options[2..]);
        options[(2 + digest.Length)..20].Fill((byte)TcpOptionKind.Nop);
        packet.ExtraOptionsLength += 20;
    }

    /// <summary>The script's Accurate ECN option on an injected segment, its fields as written (wire values).</summary>
    private static void WriteAccEcn(Packet packet, TcpOption option)
    {
        packet.HasAccEcn = true;
        var accEcn = packet.AccEcn;
        accEcn.Order1 = option.Kind == TcpOptionKind.AccEcnOrder1;
        accEcn.FieldCount = option.Fields!.Count;
        (accEcn.E0b, accEcn.Ceb, accEcn.E1b) = (0, 0, 0);
        for (var i = 0; i < option.Fields.Count; i++)
        {
            accEcn.SetCounter(AccEcnOption.FieldCodepoint(i, accEcn.Order1), option.Fields[i]);
        }

        accEcn.AlignedBytes = (accEcn.Length + 3) & ~3;
    }

    /// <summary>Sends a packet of the script's side; the kernel processes it before the script goes on (it arrives 1 ns later).</summary>
    private void SendFromScript(Packet packet)
    {
        _remote.Send(packet);
        Advance(static () => false, _simulation.Now + SimTime.FromNanoseconds(1));
    }

    /// <summary>
    /// An ICMP error from the script's side about a segment the endpoint sent (packetdrill's
    /// map_inbound_icmp_packet()): it quotes the socket under test's addresses and ports, and the
    /// sequence number given, mapped to live like a sent segment's.
    /// </summary>
    private void InjectIcmp(IcmpEvent icmp)
    {
        var packet = _remote.Pool.Rent();
        packet.Source = _remoteAddress;
        packet.Destination = _localAddress;
        packet.Icmp = new IcmpMessage(icmp.Type, icmp.Code, icmp.Mtu, _localAddress, _remoteAddress, _localPort ?? ScriptPort, _remotePort,
            ToLive(icmp.QuotedSequence, syn: false), IcmpMessage.MaxPacketBytes);
        SendFromScript(packet);
    }

    /// <summary>
    /// A sequence number of the endpoint's space, from script space to live: packetdrill's
    /// local_seq_script_to_live_offset() maps a SYN's by the two ISNs and counts a later
    /// segment's from the live ISN, whatever ISN the script wrote.
    /// </summary>
    private uint ToLive(uint script, bool syn) => _localIsn is { } isn ? unchecked(script + isn - (syn ? _scriptLocalIsn : 0)) : script;

    /// <summary>packetdrill map_inbound_packet(): an echoed TSval the script took from an expected segment becomes the value really sent.</summary>
    private uint LiveEcr(uint scriptEcr)
    {
        if (_tsValues.TryGetValue(scriptEcr, out var actual))
        {
            return actual;
        }

        return _firstTs is { } first ? unchecked(scriptEcr - first.Script + first.Actual) : scriptEcr;
    }

    private void Expect(PacketEvent expected)
    {
        var window = Expected(expected.Time);
        var deadline = window is { } w ? SimTime.FromMicroseconds(w.High + _tolerance) : _simulation.Now + SimTime.FromSeconds(3600);
        var (first, at) = NextSent(deadline)
            ?? throw new ScriptFailedException($"expected {Describe(expected.Segment, window)}, but nothing was sent by {Seconds(deadline)} s");

        var segment = expected.Segment;
        if (first.Flags.HasFlag(TcpFlags.Syn) && _localIsn is null)
        {
            _localIsn = first.SequenceNumber;
            _scriptLocalIsn = segment.Start;
            _localPort = first.SourcePort;
            _remotePort = first.DestinationPort;
        }

        // map_outbound_live_packet(): the connection's first TSval sent is the baseline its later ones are counted from.
        if (_firstTs is null && first.HasTimestamps && ScriptedTsVal(segment) is { } scriptedTs)
        {
            _firstTs = (scriptedTs, first.TsVal);
        }

        var actualText = Describe(first, at);
        var mismatch = Compare(segment, first) ?? TsValMismatch(segment, first, window?.Low ?? at.Microseconds);
        var payload = first.PayloadLength;
        var last = first;
        while (mismatch is null && payload < segment.PayloadLength && !_strictSegments)
        {
            // Segmentation offload: the next segments, sent at once, continue this one.
            if (NextSent(_simulation.Now + SimTime.FromMicroseconds(_tolerance)) is not { } next
                || next.Packet.SequenceNumber != unchecked(last.SequenceNumber + (uint)last.PayloadLength)
                || (next.Packet.Flags & FragmentFlags) != (first.Flags & FragmentFlags))
            {
                mismatch = $"payload: {payload} bytes in consecutive segments, expected {segment.PayloadLength}";
                break;
            }

            payload += next.Packet.PayloadLength;
            last = next.Packet;
            actualText += $" + {Describe(next.Packet, next.At)}";
        }

        if (mismatch is null && payload > segment.PayloadLength)
        {
            mismatch = $"payload: {payload} bytes, expected {segment.PayloadLength}";
        }

        mismatch ??= CompareEndFlags(segment, last);
        if (mismatch is null && window is { } range && (at.Microseconds < range.Low - _tolerance || at.Microseconds > range.High + _tolerance))
        {
            mismatch = $"timing: sent at {Seconds(at)} s, expected {TimeText(range)} s (tolerance {_tolerance} us)";
        }

        if (mismatch is not null)
        {
            throw new ScriptFailedException($"{mismatch}\n  expected: {Describe(segment, window)}\n  actual:   {actualText}");
        }

        RememberTimestamp(segment, first);
    }

    /// <summary>
    /// The next segment the endpoint sent, by <paramref name="deadline"/>. As packetdrill's
    /// sniff_outbound_live_packet() does, segments of connections the script has left for a newer
    /// one are passed over.
    /// </summary>
    private (Packet Packet, SimTime At)? NextSent(SimTime deadline)
    {
        while (Advance(() => _sent.Count > 0, deadline))
        {
            var next = _sent.Dequeue();
            if (!_retiredConnections.Contains((next.Packet.SourcePort, next.Packet.DestinationPort)))
            {
                return next;
            }
        }

        return null;
    }

    /// <summary>packetdrill verify_tcp() and verify_outbound_live_tcp_options(), for the first segment of a send.</summary>
    private string? Compare(SegmentSpec segment, Packet actual)
    {
        if ((actual.Flags & FragmentFlags) != (segment.Flags & FragmentFlags))
        {
            return $"flags: {SegmentText.Flags(actual.Flags)}, expected {SegmentText.Flags(segment.Flags)}";
        }

        if (segment.Ecn is { } ecn && !ecn.Matches(actual.Ecn))
        {
            return $"IP ECN field: {ScriptEcnCodepoints.Name(actual.Ecn)}, expected {ecn.Name()}";
        }

        var seq = ToScript(actual.SequenceNumber, actual.Flags.HasFlag(TcpFlags.Syn));
        if (seq != segment.Start)
        {
            return $"sequence number: {seq}, expected {segment.Start}";
        }

        var ack = actual.Flags.HasFlag(TcpFlags.Ack) ? ToScriptRemote(actual.AcknowledgmentNumber, actual.Flags.HasFlag(TcpFlags.Syn)) : 0;
        if (ack != (segment.Ack ?? 0))
        {
            return $"ack: {ack}, expected {segment.Ack ?? 0}";
        }

        if (segment.Window is { } window && actual.Window != window)
        {
            return $"window: {actual.Window}, expected {window}";
        }

        if (segment.Options is { } options)
        {
            var actualOptions = TcpOptionLayout.Of(actual);
            if (actualOptions.Count != options.Count || actualOptions.Zip(options).Any(pair => !SameOption(pair.First, pair.Second)))
            {
                return "TCP options differ";
            }
        }

        return null;
    }

    private static string? CompareEndFlags(SegmentSpec segment, Packet last)
    {
        const TcpFlags endFlags = TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Cwr;
        return (last.Flags & endFlags) == (segment.Flags & endFlags)
            ? null
            : $"flags: {SegmentText.Flags(last.Flags)}, expected {SegmentText.Flags(segment.Flags)}";
    }

    /// <summary>Every option must match in kind and value; a timestamp's TSval is judged by <see cref="TsValMismatch"/>, and its echo, as in packetdrill, not at all.</summary>
    private bool SameOption(TcpOption actual, TcpOption expected)
    {
        if (actual.Kind != expected.Kind)
        {
            return false;
        }

        return actual.Kind switch
        {
            TcpOptionKind.Timestamps => true,
            // SACK blocks are in the peer's sequence space, counted from its ISN as the script writes them.
            TcpOptionKind.Sack => actual.Blocks!.Select(b => new SackBlock(ToScriptRemote(b.Start, syn: false), ToScriptRemote(b.End, syn: false))).SequenceEqual(expected.Blocks!),
            TcpOptionKind.FastOpen or TcpOptionKind.Experimental => actual.FastOpen!.SameAs(expected.FastOpen!),
            TcpOptionKind.AccEcnOrder0 or TcpOptionKind.AccEcnOrder1 => actual.Fields!.SequenceEqual(expected.Fields!),
            _ => actual.Value == expected.Value,
        };
    }

    private void RememberTimestamp(SegmentSpec segment, Packet actual)
    {
        if (actual.HasTimestamps && ScriptedTsVal(segment) is { } scripted)
        {
            _tsValues[scripted] = actual.TsVal;
        }
    }

    private static uint? ScriptedTsVal(SegmentSpec segment) =>
        segment.Options?.FirstOrDefault(o => o.Kind == TcpOptionKind.Timestamps)?.Value;

    /// <summary>
    /// packetdrill verify_outbound_tcp_option(): with --tcp_ts_tick_usecs, the TSval sent, counted
    /// from the connection's first as the script counts from its own, may be off by tolerance_usecs
    /// worth of ticks, or by tolerance_percent of the time since the script began when that is more.
    /// </summary>
    private string? TsValMismatch(SegmentSpec segment, Packet actual, long eventMicroseconds)
    {
        if (_tsTick == 0 || _firstTs is not { } first || !actual.HasTimestamps || ScriptedTsVal(segment) is not { } scripted)
        {
            return null;
        }

        var mapped = unchecked(first.Script + (actual.TsVal - first.Actual));
        var tolerance = Math.Max(_tolerance, _tolerancePercent / 100 * eventMicroseconds);
        var offTicks = Math.Abs((long)unchecked((int)(mapped - scripted)));
        return offTicks * _tsTick <= tolerance
            ? null
            : $"TSval: {mapped} counted from the connection's first, expected {scripted} (tick {_tsTick} us, tolerance {tolerance:0} us)";
    }

    /// <summary>A sequence number of the peer's space in script space: a SYN-ACK acknowledges the ISN as written, later segments count from it (remote_seq_live_to_script_offset()).</summary>
    private uint ToScriptRemote(uint live, bool syn) => syn ? live : unchecked(live - _remoteIsn);

    /// <summary>A live sequence number of the endpoint's space in script space: the SYN's own against the script's ISN, others from 0.</summary>
    private uint ToScript(uint live, bool syn) => _localIsn is { } isn ? unchecked(live - isn + (syn ? _scriptLocalIsn : 0)) : live;

    private string Describe(Packet packet, SimTime at)
    {
        var options = TcpOptionLayout.Of(packet);
        var syn = packet.Flags.HasFlag(TcpFlags.Syn);
        var ack = packet.Flags.HasFlag(TcpFlags.Ack) ? ToScriptRemote(packet.AcknowledgmentNumber, syn) : (uint?)null;
        var ecn = packet.Ecn == EcnCodepoint.NotEct ? "" : $"[{ScriptEcnCodepoints.Name(packet.Ecn)}] ";
        return $"> {ecn}{SegmentText.Of(packet.Flags, ToScript(packet.SequenceNumber, syn), packet.PayloadLength, ack, packet.Window, options)} at {Seconds(at)} s";
    }

    private static string Describe(SegmentSpec segment, (long Low, long High)? window) =>
        $"> {(segment.Ecn is { } ecn ? $"[{ecn.Name()}] " : "")}{SegmentText.Of(segment)} at {(window is { } w ? TimeText(w) : "any time")}{(window is null ? "" : " s")}";

    private static string TimeText((long Low, long High) window) =>
        window.Low == window.High ? Seconds(window.Low) : $"{Seconds(window.Low)}~{Seconds(window.High)}";
}
