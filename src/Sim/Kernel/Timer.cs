namespace NetSim.Sim.Kernel;

/// <summary>
/// A long-lived, re-armable, cancellable timer (RTO, delayed ACK, TIME-WAIT). Arming and
/// cancelling never allocate. At most one live calendar entry exists for it: re-arming to a later
/// time keeps the existing entry, which on firing sees the new expiry and re-inserts itself;
/// re-arming to an earlier time inserts a new entry and the old one is ignored by generation.
/// </summary>
public sealed class Timer : IEventHandler
{
    private readonly Simulation _simulation;
    private readonly Action _onExpiry;
    private long _generation;
    private bool _entryPending;
    private SimTime _entryTime;

    public Timer(Simulation simulation, Action onExpiry)
    {
        _simulation = simulation;
        _onExpiry = onExpiry;
    }

    /// <summary>When the timer will fire, or <see cref="SimTime.Never"/> when it is not armed.</summary>
    public SimTime Expiry { get; private set; } = SimTime.Never;

    public bool IsArmed => Expiry != SimTime.Never;

    public void Arm(SimTime at)
    {
        if (at < _simulation.Now)
        {
            throw new ArgumentOutOfRangeException(nameof(at), $"cannot arm a timer at {at}: the clock is at {_simulation.Now}");
        }

        Expiry = at;
        if (_entryPending && _entryTime <= at)
        {
            return;
        }

        Insert(at);
    }

    public void ArmAfter(SimTime delay) => Arm(_simulation.Now + delay);

    public void Cancel() => Expiry = SimTime.Never;

    void IEventHandler.OnEvent(long token)
    {
        if (token != _generation)
        {
            return;
        }

        _entryPending = false;
        if (Expiry == SimTime.Never)
        {
            return;
        }

        if (Expiry > _simulation.Now)
        {
            Insert(Expiry);
            return;
        }

        Expiry = SimTime.Never;
        _onExpiry();
    }

    private void Insert(SimTime at)
    {
        _generation++;
        _entryPending = true;
        _entryTime = at;
        _simulation.Schedule(at, this, _generation);
    }
}
