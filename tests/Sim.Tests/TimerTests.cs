using NetSim.Sim.Kernel;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Sim.Tests;

public class TimerTests
{
    [Fact]
    public void FiresOnceAtItsExpiry()
    {
        var sim = new Simulation(1);
        var fired = new List<SimTime>();
        var timer = new Timer(sim, () => fired.Add(sim.Now));
        timer.Arm(SimTime.FromMilliseconds(200));

        sim.Run(SimTime.FromSeconds(10));

        Assert.Equal([SimTime.FromMilliseconds(200)], fired);
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void RearmingLaterMovesTheExpiryWithoutAnotherCalendarEntry()
    {
        var sim = new Simulation(1);
        var fired = new List<SimTime>();
        var timer = new Timer(sim, () => fired.Add(sim.Now));
        timer.Arm(SimTime.FromMilliseconds(200));
        for (var i = 1; i <= 100; i++)
        {
            timer.Arm(SimTime.FromMilliseconds(200 + i));
        }

        Assert.Equal(1, sim.PendingEvents);
        sim.Run(SimTime.FromSeconds(10));
        Assert.Equal([SimTime.FromMilliseconds(300)], fired);
    }

    [Fact]
    public void RearmingEarlierFiresAtTheEarlierTimeOnly()
    {
        var sim = new Simulation(1);
        var fired = new List<SimTime>();
        var timer = new Timer(sim, () => fired.Add(sim.Now));
        timer.Arm(SimTime.FromSeconds(1));
        timer.Arm(SimTime.FromMilliseconds(100));

        sim.Run(SimTime.FromSeconds(10));

        Assert.Equal([SimTime.FromMilliseconds(100)], fired);
    }

    [Fact]
    public void CancelledTimerDoesNotFireAndCanBeArmedAgain()
    {
        var sim = new Simulation(1);
        var fired = new List<SimTime>();
        var timer = new Timer(sim, () => fired.Add(sim.Now));
        timer.Arm(SimTime.FromMilliseconds(100));
        timer.Cancel();
        sim.Run(SimTime.FromMilliseconds(150));
        Assert.Empty(fired);

        timer.ArmAfter(SimTime.FromMilliseconds(50));
        sim.Run(SimTime.FromSeconds(1));
        Assert.Equal([SimTime.FromMilliseconds(200)], fired);
    }

    [Fact]
    public void ACallbackMayRearmItsOwnTimer()
    {
        var sim = new Simulation(1);
        var fired = new List<SimTime>();
        Timer? timer = null;
        timer = new Timer(sim, () =>
        {
            fired.Add(sim.Now);
            if (fired.Count < 3)
            {
                timer!.ArmAfter(SimTime.FromMilliseconds(10));
            }
        });
        timer.Arm(SimTime.FromMilliseconds(10));

        sim.Run(SimTime.FromSeconds(1));

        Assert.Equal([SimTime.FromMilliseconds(10), SimTime.FromMilliseconds(20), SimTime.FromMilliseconds(30)], fired);
    }
}
