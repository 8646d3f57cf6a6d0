namespace NetSim.Reports;

/// <summary>Which optional traces a <see cref="RunRecorder"/> keeps; flows, links and events are always kept.</summary>
public sealed record RecorderOptions(bool Variables, bool Rtt, bool SockOps, bool Queue);
