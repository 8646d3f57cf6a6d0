namespace NetSim.Packetdrill.Runner;

/// <summary>The first line that failed: what the script expected and what the stack did, with times in seconds from the start.</summary>
public sealed record ScriptFailure(int Line, string Message);

/// <summary>The outcome of one script: passed, or the first failure; and the lines skipped (shell commands, and code blocks with more than TCP_INFO assertions).</summary>
public sealed record ScriptResult(string File, ScriptFailure? Failure, IReadOnlyList<int> SkippedLines)
{
    public bool Passed => Failure is null;

    public override string ToString() => Failure is null
        ? $"{File}: passed{(SkippedLines.Count > 0 ? $" ({SkippedLines.Count} line(s) skipped: {string.Join(", ", SkippedLines)})" : "")}"
        : $"{File}:{Failure.Line}: {Failure.Message}";
}
