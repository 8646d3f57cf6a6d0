namespace NetSim.Cli;

/// <summary>The command line's exit codes, for scripts.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int RunFailed = 1;
    public const int BadInput = 2;
}
