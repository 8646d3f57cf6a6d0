using NetSim.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("netsim");
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run a scenario and write its results (CSV tables and plots) under results/<name>.")
        .WithExample("run", "scenarios/quickstart.yaml");
    config.AddCommand<ProgramsCommand>("programs")
        .WithDescription("List the built-in sock_ops programs.");
});
return app.Run(args);
