namespace NetSim.Sim.Kernel;

/// <summary>
/// Receives a calendar event. Hot-path objects (links, timers) implement this once and are
/// scheduled with a token, so that scheduling never allocates a closure.
/// </summary>
public interface IEventHandler
{
    void OnEvent(long token);
}
