using NetSim.Packetdrill.Script;

namespace NetSim.Packetdrill.Runner;

public sealed partial class ScriptRunner
{
    /// <summary>
    /// A shell line in backticks. Its sysctl assignments (<see cref="Sysctls"/>) become the
    /// defaults of the sockets created after it; <c>./defaults.sh</c> is the configuration the
    /// runner starts from. A line with any other command, or a sysctl the model has no setting
    /// for, is reported as skipped, with whatever it set that the model has still applied.
    /// </summary>
    private void RunShell(ShellEvent shell)
    {
        var understood = true;
        foreach (var command in shell.Text.Trim('`', ' ', '\n').Split(['\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var sysctls = Sysctls.In(command);
            var isSysctl = sysctls.Count > 0 && (command.StartsWith("sysctl ", StringComparison.Ordinal) || command.StartsWith("./set_sysctls.py ", StringComparison.Ordinal));
            understood &= isSysctl || command == "./defaults.sh";
            foreach (var sysctl in sysctls)
            {
                if (Sysctls.TryApply(_stack.Settings, sysctl, out var applied))
                {
                    _stack.Settings = applied;
                }
                else
                {
                    understood = false;
                }
            }
        }

        if (!understood)
        {
            _skipped.Add(shell.Line);
        }
    }
}
