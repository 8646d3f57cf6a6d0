namespace NetSim.Packetdrill.Runner;

/// <summary>
/// What a socket call does: return a value, fail with an errno, or wait until <see cref="Ready"/>
/// holds and then go on with <see cref="Resume"/> (which may wait again, as a long write does).
/// </summary>
internal sealed record SyscallOutcome(long Result, string? Errno, Func<bool>? Ready = null, Func<SyscallOutcome>? Resume = null)
{
    public static SyscallOutcome Return(long result) => new(result, null);

    public static SyscallOutcome Fail(string errno) => new(-1, errno);

    public static SyscallOutcome WaitFor(Func<bool> ready, Func<SyscallOutcome> resume) => new(0, null, ready, resume);
}

/// <summary>A blocking call that runs beside the script's next events, and when it must return.</summary>
internal sealed record PendingCall(Script.SyscallEvent Call, long ExpectedEndUs, SyscallOutcome Outcome);
