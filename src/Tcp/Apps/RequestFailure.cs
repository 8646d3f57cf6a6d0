using NetSim.Sim.Kernel;

namespace NetSim.Tcp.Apps;

/// <summary>An exchange that never completed: connect() found no local port (EADDRNOTAVAIL), or its connection failed (ETIMEDOUT, ECONNRESET, ...).</summary>
public sealed record RequestFailure(int Index, SimTime At, string Error);
