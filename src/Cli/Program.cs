using NetSim.Cli;
using NetSim.Cli.Commands;

// netsim bench's child process is dispatched before the command line is built: Spectre.Console.Cli
// (its parser, type converters and help) would otherwise be 6 MB of the peak memory it reports.
return BenchCaseCommand.Handles(args) ? BenchCaseCommand.Run(args) : CommandLine.Run(args);
