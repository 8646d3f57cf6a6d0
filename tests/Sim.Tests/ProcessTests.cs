using NetSim.Sim.Kernel;

namespace NetSim.Sim.Tests;

public class ProcessTests
{
    [Fact]
    public void AProcessAdvancesThroughItsTimeouts()
    {
        var sim = new Simulation(1);
        var log = new List<(string, SimTime)>();

        IEnumerable<SimEvent> Story()
        {
            log.Add(("start", sim.Now));
            yield return sim.Timeout(SimTime.FromSeconds(1));
            log.Add(("after 1 s", sim.Now));
            yield return sim.Timeout(SimTime.FromMilliseconds(500));
            log.Add(("after 1.5 s", sim.Now));
        }

        var process = sim.Process(Story());
        sim.Run(SimTime.FromSeconds(10));

        Assert.Equal(
            [("start", SimTime.Zero), ("after 1 s", SimTime.FromSeconds(1)), ("after 1.5 s", SimTime.FromMilliseconds(1500))],
            log);
        Assert.True(process.IsTriggered);
    }

    [Fact]
    public void AProcessWaitsForAnEventAnotherProcessTriggers()
    {
        var sim = new Simulation(1);
        var signal = sim.Event();
        SimTime? resumedAt = null;

        IEnumerable<SimEvent> Waiter()
        {
            yield return signal;
            resumedAt = sim.Now;
        }

        IEnumerable<SimEvent> Trigger()
        {
            yield return sim.Timeout(SimTime.FromMilliseconds(250));
            signal.Succeed();
        }

        sim.Process(Waiter());
        sim.Process(Trigger());
        sim.Run(SimTime.FromSeconds(1));

        Assert.Equal(SimTime.FromMilliseconds(250), resumedAt);
    }

    [Fact]
    public void AProcessCanWaitForAnotherProcessToEnd()
    {
        var sim = new Simulation(1);
        SimTime? joinedAt = null;

        IEnumerable<SimEvent> Worker()
        {
            yield return sim.Timeout(SimTime.FromSeconds(2));
        }

        IEnumerable<SimEvent> Parent()
        {
            yield return sim.Process(Worker());
            joinedAt = sim.Now;
        }

        sim.Process(Parent());
        sim.Run(SimTime.FromSeconds(5));

        Assert.Equal(SimTime.FromSeconds(2), joinedAt);
    }
}
