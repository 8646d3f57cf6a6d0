namespace NetSim.Packetdrill.Script;

/// <summary>How a script line says when it happens (packetdrill's event_time_t).</summary>
public enum ScriptTimeKind
{
    /// <summary><c>0.100</c>: seconds from the start of the script.</summary>
    Absolute,

    /// <summary><c>+0.100</c>: seconds after the previous event actually happened.</summary>
    Relative,

    /// <summary><c>*</c>: any time.</summary>
    Any,

    /// <summary><c>0.1~0.2</c>: within an absolute range.</summary>
    AbsoluteRange,

    /// <summary><c>+.04~+.05</c>: within a range after the previous event.</summary>
    RelativeRange,
}

/// <summary>
/// When a line happens: <see cref="Start"/> (and <see cref="End"/> for a range) in microseconds;
/// <see cref="BlockingEnd"/> is the return time of a blocking call written <c>+0...0.100</c>.
/// </summary>
public sealed record ScriptTime(ScriptTimeKind Kind, long Start, long End, long? BlockingEnd)
{
    public bool IsRelative => Kind is ScriptTimeKind.Relative or ScriptTimeKind.RelativeRange;
}
