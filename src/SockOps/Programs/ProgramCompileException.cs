namespace NetSim.SockOps.Programs;

/// <summary>A program's source did not compile, or holds no usable program: where, and why.</summary>
public sealed class ProgramCompileException(string file, int line, int column, string problem)
    : Exception($"{file}:{line}:{column}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Problem { get; } = problem;
}
