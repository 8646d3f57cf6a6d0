namespace NetSim.Sim.Kernel;

/// <summary>
/// Something a process can wait for (SimSharp's <c>Event</c>). Processes waiting on it resume,
/// in the order they started waiting, at the instant it succeeds.
/// </summary>
public class SimEvent : IEventHandler
{
    private List<Process>? _waiters;

    public SimEvent(Simulation simulation) => Simulation = simulation;

    public Simulation Simulation { get; }

    public bool IsTriggered { get; private set; }

    /// <summary>Triggers the event now; its waiters resume in a calendar entry at the current time.</summary>
    public void Succeed()
    {
        if (IsTriggered)
        {
            throw new InvalidOperationException("the event has already been triggered");
        }

        IsTriggered = true;
        Simulation.Schedule(Simulation.Now, this);
    }

    internal void AddWaiter(Process process)
    {
        (_waiters ??= []).Add(process);
    }

    void IEventHandler.OnEvent(long token) => OnTriggered();

    private protected virtual void OnTriggered()
    {
        IsTriggered = true;
        if (_waiters is null)
        {
            return;
        }

        var waiters = _waiters;
        _waiters = null;
        foreach (var waiter in waiters)
        {
            waiter.Resume();
        }
    }
}
