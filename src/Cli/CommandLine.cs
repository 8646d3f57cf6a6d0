using NetSim.Cli.Commands;
using Spectre.Console;
using Spectre.Console.Cli;

namespace NetSim.Cli;

/// <summary>netsim's commands, their descriptions and examples, parsed by Spectre.Console.Cli.</summary>
public static class CommandLine
{
    /// <summary>The width of tables written to a file or a pipe, which has none of its own (Spectre would take 80).</summary>
    private const int RedirectedWidth = 160;

    public static int Run(string[] args)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, RedirectedWidth);
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("netsim");
            config.AddCommand<RunCommand>("run")
                .WithDescription("Run a scenario and write its results (CSV tables and plots) under results/<name>.")
                .WithExample("run", "scenarios/quickstart.yaml");
            config.AddCommand<SweepCommand>("sweep")
                .WithDescription("Run a scenario's sweep (a grid of parameter values times seeds) on all cores, resuming an interrupted one; write sweep.csv, summary.csv with 95% confidence intervals, and figures.")
                .WithExample("sweep", "scenarios/sweep-loss-vs-cc.yaml");
            config.AddCommand<PlotCommand>("plot")
                .WithDescription("Redraw a run's or a sweep's figures (PNG and SVG) and report.html from its CSV files alone.")
                .WithExample("plot", "results/quickstart");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Check a scenario without running it: exit 0 when it is valid, 2 with the file, line and field of the first problem.")
                .WithExample("validate", "scenarios/dumbbell.yaml");
            config.AddCommand<PacketdrillCommand>("pkt")
                .WithDescription("Play packetdrill scripts against a simulated Linux TCP endpoint: each passes, or its failing line is shown with the expected and actual segment.")
                .WithExample("pkt", "tests/Packetdrill.Tests/scripts/handshake/passive-open.pkt");
            config.AddCommand<BenchCommand>("bench")
                .WithDescription("Time scenarios (bench/scenarios by default): wall time, events and packets per second, peak memory, each case in a process of its own.")
                .WithExample("bench", "bench/scenarios/s1-single-flow.yaml");
            config.AddCommand<SchemaCommand>("schema")
                .WithDescription("Print the JSON Schema of the scenario format (kept in the repository as scenario.schema.json).");
            config.AddCommand<ProgramsCommand>("programs")
                .WithDescription("List the built-in sock_ops programs.");
        });
        return app.Run(args);
    }
}
