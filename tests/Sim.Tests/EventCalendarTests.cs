using FsCheck.Xunit;
using NetSim.Sim.Kernel;

namespace NetSim.Sim.Tests;

public class EventCalendarTests
{
    private sealed class Recorder(List<(long Time, long Token)> log, Simulation sim) : IEventHandler
    {
        public void OnEvent(long token) => log.Add((sim.Now.Nanoseconds, token));
    }

    [Fact]
    public void EventsRunInTimeOrderAndSameInstantEventsInInsertionOrder()
    {
        var sim = new Simulation(1);
        var log = new List<(long, long)>();
        var recorder = new Recorder(log, sim);
        sim.Schedule(SimTime.FromNanoseconds(30), recorder, 1);
        sim.Schedule(SimTime.FromNanoseconds(10), recorder, 2);
        sim.Schedule(SimTime.FromNanoseconds(30), recorder, 3);
        sim.Schedule(SimTime.FromNanoseconds(10), recorder, 4);
        sim.Schedule(SimTime.FromNanoseconds(20), recorder, 5);

        sim.Run(SimTime.Never);

        Assert.Equal([(10L, 2L), (10L, 4L), (20L, 5L), (30L, 1L), (30L, 3L)], log);
    }

    [Property(MaxTest = 200)]
    public bool DispatchOrderIsTimeThenInsertionForAnySchedule(byte[] times)
    {
        var sim = new Simulation(1);
        var log = new List<(long Time, long Token)>();
        var recorder = new Recorder(log, sim);
        for (var i = 0; i < times.Length; i++)
        {
            sim.Schedule(SimTime.FromNanoseconds(times[i] % 16), recorder, i);
        }

        sim.Run(SimTime.Never);

        var expected = times.Select((t, i) => (Time: (long)(t % 16), Token: (long)i))
            .OrderBy(e => e.Time).ThenBy(e => e.Token).ToList();
        return log.SequenceEqual(expected);
    }

    [Fact]
    public void RunStopsAtTheHorizonAndLeavesLaterEventsPending()
    {
        var sim = new Simulation(1);
        var log = new List<(long, long)>();
        var recorder = new Recorder(log, sim);
        sim.Schedule(SimTime.FromSeconds(1), recorder, 1);
        sim.Schedule(SimTime.FromSeconds(3), recorder, 2);

        sim.Run(SimTime.FromSeconds(2));

        Assert.Single(log);
        Assert.Equal(SimTime.FromSeconds(2), sim.Now);
        Assert.Equal(1, sim.PendingEvents);
    }

    [Fact]
    public void SchedulingInThePastIsRefused()
    {
        var sim = new Simulation(1);
        sim.Run(SimTime.FromSeconds(1));
        var recorder = new Recorder([], sim);
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Schedule(SimTime.FromMilliseconds(500), recorder));
    }
}
