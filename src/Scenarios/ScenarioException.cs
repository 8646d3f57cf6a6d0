namespace NetSim.Scenarios;

/// <summary>Bad scenario input, located: file, line, column and the field's path (for example links[0].rate).</summary>
public sealed class ScenarioException : Exception
{
    public ScenarioException(string file, long line, long column, string field, string problem)
        : base($"{file}:{line}:{column}: {field}: {problem}")
    {
        File = file;
        Line = line;
        Column = column;
        Field = field;
        Problem = problem;
    }

    public string File { get; }
    public long Line { get; }
    public long Column { get; }
    public string Field { get; }
    public string Problem { get; }
}
