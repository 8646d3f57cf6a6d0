using System.Globalization;
using System.Text.RegularExpressions;
using NetSim.Packetdrill.Script;
using NetSim.Tcp;

namespace NetSim.Packetdrill.Runner;

/// <summary>
/// Regular files for sendfile(): the scripts make them with shell lines (<c>dd bs=1 count=5
/// if=/dev/zero of=/tmp/testfile</c>, <c>rm -f /tmp/testfile</c>), which the runner keeps as
/// sizes only, since only their length reaches the connection; open() gives a descriptor on one.
/// </summary>
public sealed partial class ScriptRunner
{
    /// <summary>The files the shell lines made, by path: their sizes in bytes.</summary>
    private readonly Dictionary<string, long> _files = new(StringComparer.Ordinal);

    /// <summary>A shell command that makes or removes a file: true when it was one (dd of=..., rm).</summary>
    private bool RunFileCommand(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var program = Path.GetFileName(words[0]);
        if (program == "rm")
        {
            foreach (var path in words.Skip(1).Where(word => !word.StartsWith('-')))
            {
                _files.Remove(path);
            }

            return true;
        }

        if (program != "dd")
        {
            return false;
        }

        var operands = words.Skip(1).Select(word => word.Split('=', 2)).Where(pair => pair.Length == 2).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        if (!operands.TryGetValue("of", out var output))
        {
            return false;
        }

        // dd: count blocks of bs bytes (512 by default) from the input, here /dev/zero.
        var blockSize = operands.TryGetValue("bs", out var bs) ? DdNumber(bs) : 512;
        var count = operands.TryGetValue("count", out var blocks) ? DdNumber(blocks) : 0;
        _files[output] = blockSize * count;
        return true;
    }

    /// <summary>A dd number: digits with an optional multiplier (c, w, b, K, M, G).</summary>
    private static long DdNumber(string text)
    {
        var match = DdNumberPattern().Match(text);
        if (!match.Success)
        {
            throw new ScriptFailedException($"dd: cannot read the number {text}");
        }

        var value = long.Parse(match.Groups["digits"].Value, CultureInfo.InvariantCulture);
        return value * match.Groups["unit"].Value switch
        {
            "" or "c" => 1,
            "w" => 2,
            "b" => 512,
            "K" or "k" => 1024,
            "M" => 1024 * 1024,
            _ => 1024 * 1024 * 1024,
        };
    }

    /// <summary>open(path, flags): a descriptor on a file the shell lines made, at position 0; ENOENT for another unless O_CREAT makes it empty.</summary>
    private SyscallOutcome Open(SyscallEvent call)
    {
        var path = call.Arguments.Count > 0 ? call.Arguments[0].Trim().Trim('"') : "";
        if (!_files.ContainsKey(path))
        {
            if (!HasFlag(call, 1, "O_CREAT"))
            {
                return SyscallOutcome.Fail("ENOENT");
            }

            _files[path] = 0;
        }

        var descriptor = NewSocket(call);
        descriptor.File = new ScriptFile(path);
        return SyscallOutcome.Return(descriptor.Fd);
    }

    /// <summary>
    /// sendfile(out_fd, in_fd, [offset] or NULL, count) (do_sendfile()): up to count bytes of the
    /// file from the offset given, or from the descriptor's position, which then moves, written
    /// to the socket as one write would be (Linux splices them in 16-page chunks with MSG_MORE
    /// between, which only moves where PSH falls in a long transfer); EBADF if in_fd is not an open
    /// file, EINVAL if out_fd is not a socket.
    /// </summary>
    private SyscallOutcome SendFile(SyscallEvent call)
    {
        var socket = SocketOf(call);
        if (call.Arguments.Count < 4 || !int.TryParse(call.Arguments[1], CultureInfo.InvariantCulture, out var inFd)
            || !_sockets.TryGetValue(inFd, out var input) || input.File is not { } file)
        {
            return SyscallOutcome.Fail("EBADF");
        }

        if (socket.File is not null)
        {
            return SyscallOutcome.Fail("EINVAL");
        }

        var offsetText = call.Arguments[2].Trim();
        var fromPosition = offsetText == "NULL";
        var offset = fromPosition ? file.Position : BracketedNumber(call, offsetText);
        var bytes = Math.Max(0, Math.Min(IntegerArgument(call, 3), _files.GetValueOrDefault(file.Path) - offset));
        if (bytes == 0)
        {
            return SyscallOutcome.Return(0);
        }

        var outcome = SendBytes(socket, bytes, SendFlags.None, fastOpen: false, socket.NonBlocking, zeroCopyFragments: null);
        return fromPosition ? AdvancePosition(file, outcome) : outcome;
    }

    /// <summary>A sendfile() without an offset moves the file position by what it sent.</summary>
    private static SyscallOutcome AdvancePosition(ScriptFile file, SyscallOutcome outcome)
    {
        if (outcome.Ready is { } ready)
        {
            return SyscallOutcome.WaitFor(ready, () => AdvancePosition(file, outcome.Resume!()));
        }

        file.Position += Math.Max(0, outcome.Result);
        return outcome;
    }

    [GeneratedRegex(@"^(?<digits>\d+)(?<unit>[cwbKkMG]?)$")]
    private static partial Regex DdNumberPattern();
}
