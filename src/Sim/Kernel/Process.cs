namespace NetSim.Sim.Kernel;

/// <summary>
/// A story told as an iterator of events (SimSharp's <c>Process</c>): each <c>yield return</c>
/// suspends it until that event succeeds. A process is itself an event that succeeds when the
/// story ends, so other processes can wait for it.
/// </summary>
public sealed class Process : SimEvent
{
    private readonly IEnumerator<SimEvent> _story;

    internal Process(Simulation simulation, IEnumerator<SimEvent> story)
        : base(simulation)
    {
        _story = story;
        Resume();
    }

    internal void Resume()
    {
        while (_story.MoveNext())
        {
            var awaited = _story.Current;
            if (awaited.IsTriggered)
            {
                continue;
            }

            awaited.AddWaiter(this);
            return;
        }

        _story.Dispose();
        Succeed();
    }
}
