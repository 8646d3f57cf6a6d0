using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Scenarios.Model;

/// <summary>A TCP flow from one host to another: its applications and its own TCP settings.</summary>
public sealed record FlowSpec(
    string Name,
    string From,
    string To,
    ApplicationSpec App,
    SimTime Start,
    SimTime Stop,
    TcpSettings Tcp,
    SourceLocation Location);
