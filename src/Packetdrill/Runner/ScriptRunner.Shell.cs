using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Sim.Network;

namespace NetSim.Packetdrill.Runner;

public sealed partial class ScriptRunner
{
    /// <summary>
    /// The sysctls of the packetdrill suites' <c>defaults.sh</c> (the kernel's selftests and
    /// google/packetdrill's <c>common/</c> set the same TCP values) that differ from a stock kernel
    /// or that the model has a setting for: notably no ECN and no restart after idle. Its
    /// <c>tc qdisc add dev tun0 root pfifo</c> leaves the device unpaced.
    /// </summary>
    private static readonly Sysctls.Assignment[] DefaultsSh =
    [
        new("tcp_rmem", "4096 540000 15728640"), new("tcp_wmem", "4096 262144 4194304"),
        new("tcp_timestamps", "1"), new("tcp_syn_retries", "5"), new("tcp_synack_retries", "5"),
        new("tcp_frto", "2"), new("tcp_sack", "1"), new("tcp_dsack", "1"), new("tcp_reordering", "3"),
        new("tcp_congestion_control", "cubic"), new("tcp_slow_start_after_idle", "0"),
        new("tcp_early_retrans", "4"), new("tcp_recovery", "1"), new("tcp_ecn", "0"),
        new("tcp_notsent_lowat", "4294967295"), new("tcp_fastopen_key", "a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4"),
    ];

    /// <summary>
    /// Where the two suites' defaults.sh differ: the kernel's selftests enable Fast Open's client
    /// and server sides (0x3); google/packetdrill's also make every listener take SYN data without
    /// setsockopt(TCP_FASTOPEN) (0x400; its bits 0x70000 are Google's own, kept and ignored).
    /// </summary>
    private static readonly Sysctls.Assignment SelftestsFastOpen = new("tcp_fastopen", "0x3");
    private static readonly Sysctls.Assignment GoogleFastOpen = new("tcp_fastopen", "0x70403");

    /// <summary>
    /// A shell line in backticks. Its sysctl assignments (<see cref="Sysctls"/>) become the
    /// defaults of the sockets created after it (and reach open ones for those Linux reads per
    /// segment, <see cref="Sysctls.IsReadLive"/>), as do <c>defaults.sh</c> (<see cref="DefaultsSh"/>)
    /// an fq qdisc on the tun device (<c>tc qdisc replace dev tun0 root fq</c>: pacing) and
    /// <c>ip tcp_metrics flush</c> (the Fast Open cookie cache); <c>dd</c> and <c>rm</c> make and
    /// remove files for sendfile() (<see cref="RunFileCommand"/>). A line
    /// with any other command, or a sysctl the model has no setting for, is reported as skipped,
    /// with whatever it set that the model has still applied; comments are ignored.
    /// </summary>
    private void RunShell(ShellEvent shell)
    {
        var understood = true;
        // A backslash at the end of a line continues the command on the next.
        var text = shell.Text.Trim('`', ' ', '\n').Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var command in text.Split(['\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (command.StartsWith('#'))
            {
                continue;
            }

            var google = command.EndsWith("/common/defaults.sh", StringComparison.Ordinal);
            if (command is "./defaults.sh" || google)
            {
                _stack.Settings = _stack.Settings with { Pacing = false };
                understood &= Apply([.. DefaultsSh, google ? GoogleFastOpen : SelftestsFastOpen]);
                continue;
            }

            if (command.StartsWith("nstat", StringComparison.Ordinal))
            {
                understood &= RunNstat(command);
                continue;
            }

            if (FqQdisc().IsMatch(command))
            {
                _stack.Settings = _stack.Settings with { Pacing = true };
                continue;
            }

            // Another root qdisc, or none: no fq pacing, and with pfifo limit 0 every packet the
            // host sends is a local drop (NET_XMIT_DROP) until the qdisc is replaced or deleted.
            if (QdiscCommand().Match(command) is { Success: true } qdisc)
            {
                _stack.Settings = _stack.Settings with { Pacing = false };
                _stack.Host.QdiscDropsAll = qdisc.Groups["drop"].Success;
                continue;
            }

            // ip tcp_metrics flush: the Fast Open cookies and MSS learnt per server are forgotten.
            if (command.Contains("ip tcp_metrics flush", StringComparison.Ordinal))
            {
                _stack.FastOpenCookies.Clear();
                understood &= command.StartsWith("ip tcp_metrics flush", StringComparison.Ordinal);
                continue;
            }

            if (RunFileCommand(command))
            {
                continue;
            }

            if (RunDeviceCommand(command) is { } device)
            {
                understood &= device;
                continue;
            }

            var sysctls = Sysctls.In(command);
            var isSysctl = sysctls.Count > 0 && (command.StartsWith("sysctl ", StringComparison.Ordinal) || command.Split(' ', 2)[0].EndsWith("/set_sysctls.py", StringComparison.Ordinal));
            understood &= isSysctl & Apply(sysctls);
        }

        if (!understood)
        {
            _skipped.Add(shell.Line);
        }
    }

    /// <summary>
    /// An nstat pipeline (<see cref="Nstat"/>): one that fails, as a grep finding no counter that
    /// moved as the script expects, fails the script as packetdrill fails on a command's exit
    /// status; false when it names a counter the model does not keep.
    /// </summary>
    private bool RunNstat(string command)
    {
        switch (_nstat.Run(command, out var printed))
        {
            case Nstat.Outcome.Failed:
                throw new ScriptFailedException($"`{command}` failed: nstat printed {(printed.Length == 0 ? "no counter that moved" : printed)}");
            case Nstat.Outcome.Unknown:
                return false;
            default:
                return true;
        }
    }

    /// <summary>Applies each sysctl the model has; false if any it has not.</summary>
    private bool Apply(IEnumerable<Sysctls.Assignment> sysctls)
    {
        var all = true;
        foreach (var sysctl in sysctls)
        {
            if (Sysctls.TryApply(_stack.Settings, sysctl, out var applied))
            {
                _stack.Settings = applied;
                if (Sysctls.IsReadLive(sysctl))
                {
                    foreach (var connection in _stack.Connections)
                    {
                        connection.Settings = Sysctls.TryApply(connection.Settings, sysctl, out var own) ? own : connection.Settings;
                    }
                }
            }
            else
            {
                all = false;
            }
        }

        return all;
    }

    /// <summary>
    /// <c>ip route add|change|replace DESTINATION ...</c> for a destination that covers the script's
    /// remote address: the route's metrics (advmss, mtu [lock], initcwnd) replace those it had, and
    /// sockets see the change when they next send (<see cref="Host.RouteGeneration"/>). <c>ethtool
    /// -K tun0</c> turning segmentation offload off changes nothing the model sends: TCP still
    /// builds TSO packets (the stack keeps GSO for TCP) and the device sends them segment by
    /// segment, as the model always does. Null for any other command; false for a route or device
    /// setting the model has not (its other metrics still applied) or a destination it cannot read.
    /// </summary>
    private bool? RunDeviceCommand(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words is ["ethtool", "-K", "tun0", .. var features])
        {
            return features.Length % 2 == 0 && features.Chunk(2).All(f => f[0] is "gso" or "tso" or "gro" && f[1] is "on" or "off");
        }

        if (words is not ["ip", "route", "add" or "change" or "replace", var destination, .. var attributes])
        {
            return null;
        }

        if (!TryCoversRemote(destination, out var covers))
        {
            return false;
        }

        if (!covers)
        {
            return true;
        }

        var understood = true;
        var metrics = new RouteMetrics();
        for (var i = 0; i < attributes.Length; i++)
        {
            var value = i + 1 < attributes.Length ? attributes[i + 1] : "";
            switch (attributes[i])
            {
                case "via" or "dev" or "src":
                    i++;
                    break;
                case "advmss" when int.TryParse(value, CultureInfo.InvariantCulture, out var advmss):
                    metrics = metrics with { AdvMss = advmss };
                    i++;
                    break;
                case "initcwnd" when int.TryParse(value, CultureInfo.InvariantCulture, out var initcwnd):
                    metrics = metrics with { InitCwnd = initcwnd };
                    i++;
                    break;
                case "mtu":
                    var locked = value == "lock";
                    if (int.TryParse(locked ? (i + 2 < attributes.Length ? attributes[i + 2] : "") : value, CultureInfo.InvariantCulture, out var mtu))
                    {
                        metrics = metrics with { Mtu = mtu, MtuLocked = locked };
                    }
                    else
                    {
                        understood = false;
                    }

                    i += locked ? 2 : 1;
                    break;
                default:
                    understood = false;
                    break;
            }
        }

        _stack.Host.SetRouteMetrics(_remoteAddress, metrics);
        return understood;
    }

    /// <summary>
    /// Whether an <c>ip route</c> destination (an address, a prefix, or default) takes in the remote
    /// address; false when it is none of those.
    /// </summary>
    private bool TryCoversRemote(string destination, out bool covers)
    {
        covers = destination == "default";
        if (covers)
        {
            return true;
        }

        var slash = destination.IndexOf('/');
        var bits = 32;
        if ((slash >= 0 && !int.TryParse(destination[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out bits))
            || bits > 32
            || !Ipv4Address.TryParse(slash < 0 ? destination : destination[..slash], out var network))
        {
            return false;
        }

        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        covers = (network.Value & mask) == (_remoteAddress.Value & mask);
        return true;
    }

    [GeneratedRegex(@"^tc qdisc (?:add|replace) dev tun0 root fq(?:\s|$)")]
    private static partial Regex FqQdisc();

    [GeneratedRegex(@"^tc qdisc (?:(?:add|replace) dev tun0 root (?:(?<drop>pfifo limit 0)|pfifo(?: limit [1-9][0-9]*)?|pfifo_fast)|del(?:ete)? dev tun0 root)(?:\s.*)?$")]
    private static partial Regex QdiscCommand();
}
