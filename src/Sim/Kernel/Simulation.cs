namespace NetSim.Sim.Kernel;

/// <summary>
/// The discrete-event kernel: a virtual clock and the calendar that drives it. Its scripting
/// API follows SimSharp: <c>sim.Process(story)</c> starts an iterator that yields events such
/// as <c>sim.Timeout(delay)</c>.
/// </summary>
public sealed class Simulation
{
    private readonly EventCalendar _calendar = new();
    private bool _stopRequested;

    public Simulation(ulong seed)
    {
        Seed = seed;
        Random = new RandomStreams(seed);
    }

    public ulong Seed { get; }

    public SimTime Now { get; private set; } = SimTime.Zero;

    public RandomStreams Random { get; }

    /// <summary>How many calendar entries have been dispatched so far.</summary>
    public long EventsDispatched { get; private set; }

    public int PendingEvents => _calendar.Count;

    /// <summary>Schedules <paramref name="handler"/> at the absolute time <paramref name="at"/>.</summary>
    public void Schedule(SimTime at, IEventHandler handler, long token = 0)
    {
        if (at < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(at), $"cannot schedule at {at}: the clock is at {Now}");
        }

        _calendar.Insert(at.Nanoseconds, handler, token);
    }

    public void ScheduleAfter(SimTime delay, IEventHandler handler, long token = 0) => Schedule(Now + delay, handler, token);

    /// <summary>Schedules a callback; allocates, so it is for set-up and scripts, not hot paths.</summary>
    public void Schedule(SimTime at, Action action) => Schedule(at, new ActionHandler(action));

    /// <summary>
    /// Dispatches every event up to and including <paramref name="until"/>, then leaves the clock
    /// there. Returns early, with the clock at the last event, if <see cref="Stop"/> is called.
    /// </summary>
    public void Run(SimTime until)
    {
        _stopRequested = false;
        while (_calendar.Count > 0 && _calendar.NextTime <= until.Nanoseconds && !_stopRequested)
        {
            var (time, handler, token) = _calendar.RemoveFirst();
            Now = new SimTime(time);
            EventsDispatched++;
            handler.OnEvent(token);
        }

        if (!_stopRequested && until != SimTime.Never)
        {
            Now = until;
        }
    }

    public void Stop() => _stopRequested = true;

    /// <summary>When the next event is due, or <see cref="SimTime.Never"/> when none is pending.</summary>
    public SimTime NextEventTime => _calendar.Count == 0 ? SimTime.Never : new SimTime(_calendar.NextTime);

    /// <summary>
    /// Dispatches events in order until <paramref name="condition"/> holds (checked before each)
    /// or the next event lies beyond <paramref name="until"/>, where the clock is then left.
    /// Returns whether the condition held. For scripts that wait on what the model does.
    /// </summary>
    public bool RunUntil(Func<bool> condition, SimTime until)
    {
        while (!condition())
        {
            if (_calendar.Count == 0 || _calendar.NextTime > until.Nanoseconds)
            {
                if (until != SimTime.Never)
                {
                    Now = SimTime.Max(Now, until);
                }

                return false;
            }

            var (time, handler, token) = _calendar.RemoveFirst();
            Now = new SimTime(time);
            EventsDispatched++;
            handler.OnEvent(token);
        }

        return true;
    }

    /// <summary>Starts a process (SimSharp's <c>Environment.Process</c>) at the current time.</summary>
    public Process Process(IEnumerable<SimEvent> story) => new(this, story.GetEnumerator());

    /// <summary>An event that fires after <paramref name="delay"/> (SimSharp's <c>Timeout</c>).</summary>
    public Timeout Timeout(SimTime delay) => new(this, delay);

    /// <summary>An event that fires when code calls <see cref="SimEvent.Succeed"/>.</summary>
    public SimEvent Event() => new(this);

    private sealed class ActionHandler(Action action) : IEventHandler
    {
        public void OnEvent(long token) => action();
    }
}
