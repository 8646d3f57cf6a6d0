using System.Globalization;
using System.Text;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Runner;

/// <summary>Writes segments in script syntax, for failure messages.</summary>
internal static class SegmentText
{
    public static string Flags(TcpFlags flags)
    {
        var text = new StringBuilder();
        foreach (var (flag, letter) in new[] { (TcpFlags.Syn, 'S'), (TcpFlags.Fin, 'F'), (TcpFlags.Rst, 'R'), (TcpFlags.Psh, 'P'), (TcpFlags.Urg, 'U'), (TcpFlags.Ece, 'E'), (TcpFlags.Cwr, 'W'), (TcpFlags.Ae, 'A'), (TcpFlags.Ack, '.') })
        {
            if ((flags & flag) != 0)
            {
                text.Append(letter);
            }
        }

        return text.ToString();
    }

    public static string Of(SegmentSpec segment) =>
        Of(segment.Flags, segment.Start, segment.PayloadLength, segment.HasFlag(TcpFlags.Ack) ? segment.Ack : null, segment.Window, segment.Options);

    public static string Of(TcpFlags flags, uint start, int length, uint? ack, ushort? window, IReadOnlyList<TcpOption>? options)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Flags(flags)} {start}:{unchecked(start + (uint)length)}({length})");
        if (ack is { } a)
        {
            text.Append(CultureInfo.InvariantCulture, $" ack {a}");
        }

        if (window is { } w)
        {
            text.Append(CultureInfo.InvariantCulture, $" win {w}");
        }

        if (options is { Count: > 0 })
        {
            text.Append(" <").Append(string.Join(",", options.Select(Option))).Append('>');
        }

        return text.ToString();
    }

    public static string Option(TcpOption option) => option.Kind switch
    {
        TcpOptionKind.Nop => "nop",
        TcpOptionKind.End => "eol",
        TcpOptionKind.Mss => $"mss {option.Value}",
        TcpOptionKind.WindowScale => $"wscale {option.Value}",
        TcpOptionKind.SackPermitted => "sackOK",
        TcpOptionKind.Timestamps => $"TS val {option.Value} ecr {option.Echo}",
        TcpOptionKind.Sack => "sack " + string.Join(" ", option.Blocks!.Select(b => $"{b.Start}:{b.End}")),
        TcpOptionKind.FastOpen or TcpOptionKind.Experimental => option.FastOpen!.ToString(),
        TcpOptionKind.AccEcnOrder0 or TcpOptionKind.AccEcnOrder1 =>
            string.Join(" ", new[] { "ECN" }.Concat(option.Fields!.Select((value, i) => $"{TcpOption.AccEcnFieldName(option.Kind, i)} {value}"))),
        _ => option.Kind.ToString(),
    };
}
