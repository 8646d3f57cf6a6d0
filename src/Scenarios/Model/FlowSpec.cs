using NetSim.Sim.Kernel;
using NetSim.Tcp;

namespace NetSim.Scenarios.Model;

/// <summary>A bulk TCP flow from one host to another, with its own TCP settings.</summary>
public sealed record FlowSpec(
    string Name,
    string From,
    string To,
    long? Bytes,
    SimTime Start,
    SimTime Stop,
    TcpSettings Tcp,
    SourceLocation Location);
