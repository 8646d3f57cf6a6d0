namespace NetSim.Sim.Kernel;

/// <summary>An event that succeeds by itself after a delay (SimSharp's <c>Timeout</c>).</summary>
public sealed class Timeout : SimEvent
{
    public Timeout(Simulation simulation, SimTime delay)
        : base(simulation)
    {
        if (delay < SimTime.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), "a timeout cannot be negative");
        }

        simulation.Schedule(simulation.Now + delay, this);
    }
}
