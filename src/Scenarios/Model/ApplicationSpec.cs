using NetSim.Tcp.Apps;

namespace NetSim.Scenarios.Model;

/// <summary>What a flow's applications do: the source at <c>from</c>, the receiver at <c>to</c>.</summary>
public abstract record ApplicationSpec;

/// <summary><c>type: bulk</c>: write as fast as TCP takes the data, <c>bytes</c> in all or until the flow stops.</summary>
public sealed record BulkApplicationSpec(long? Bytes) : ApplicationSpec;

/// <summary><c>type: onoff</c>: alternate on and off periods; while on, write at <c>rate</c> or as fast as TCP takes it.</summary>
public sealed record OnOffApplicationSpec(PeriodDistribution On, PeriodDistribution Off, long? RateBitsPerSecond, long? Bytes) : ApplicationSpec;

/// <summary>
/// <c>type: request_response</c>: requests of <c>request</c> bytes answered with <c>response</c>
/// bytes, <c>think</c> apart; with <c>fast_open</c>, the connection opens with TCP Fast Open; with
/// <c>connection: per_request</c>, each exchange has a connection of its own, which the client
/// closes first, or the server with <c>close: server</c>.
/// </summary>
public sealed record RequestResponseApplicationSpec(long RequestBytes, long ResponseBytes, PeriodDistribution Think, int? Requests,
    bool FastOpen = false, bool ConnectionPerRequest = false, bool ServerCloses = false, int Connections = 1) : ApplicationSpec;

/// <summary>
/// <c>type: syn_flood</c>: forged SYNs at <c>syns_per_second</c> to the listener of the flow
/// <c>target</c>, which must end at the same host.
/// </summary>
public sealed record SynFloodApplicationSpec(string Target, SourceLocation TargetLocation, double SynsPerSecond) : ApplicationSpec;
