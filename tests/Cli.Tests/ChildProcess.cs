using System.Diagnostics;

namespace NetSim.Cli.Tests;

/// <summary>Runs a program to its end (five minutes at most) and captures what it prints.</summary>
internal static class ChildProcess
{
    public static (int ExitCode, string Output, string Errors) Run(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish");
        }

        return (process.ExitCode, output.Result, errors.Result);
    }
}
