using BenchmarkDotNet.Attributes;
using NetSim.Sim.Kernel;

namespace NetSim.Benchmarks;

/// <summary>
/// The hold model: the calendar keeps <see cref="Pending"/> events; each dispatched event schedules
/// one more at a pseudo-random delay, so every operation is one dispatch plus one schedule.
/// Compared with SimSharp's published 8.0, 3.6, 2.5 and 1.4 M events/s at 1, 100, 1,000 and
/// 10,000 processes on this machine class.
/// </summary>
[MemoryDiagnoser]
public class CalendarBenchmarks
{
    private const int EventsPerInvoke = 200_000;

    private Simulation _simulation = null!;
    private Holder _holder = null!;

    [Params(1, 100, 1_000, 10_000, 1_000_000)]
    public int Pending { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _simulation = new Simulation(1);
        _holder = new Holder(_simulation, Pending);
        for (var i = 0; i < Pending; i++)
        {
            _simulation.Schedule(SimTime.FromNanoseconds(_holder.NextDelay()), _holder);
        }

        _holder.Remaining = EventsPerInvoke;
        _simulation.Run(SimTime.Never);
    }

    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public void ScheduleAndDispatch()
    {
        _holder.Remaining = EventsPerInvoke;
        _simulation.Run(SimTime.Never);
    }

    /// <summary>Reschedules itself on every event until told to stop; delays from a fixed xorshift sequence.</summary>
    private sealed class Holder(Simulation simulation, int pending) : IEventHandler
    {
        private ulong _state = 88172645463325252UL;

        public int Remaining { get; set; }

        public long NextDelay()
        {
            _state ^= _state << 13;
            _state ^= _state >> 7;
            _state ^= _state << 17;
            return 1 + (long)(((_state >> 32) * (ulong)(2 * pending)) >> 32);
        }

        public void OnEvent(long token)
        {
            simulation.ScheduleAfter(SimTime.FromNanoseconds(NextDelay()), this);
            if (--Remaining == 0)
            {
                simulation.Stop();
            }
        }
    }
}
