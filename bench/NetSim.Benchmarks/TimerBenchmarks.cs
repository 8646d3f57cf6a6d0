using BenchmarkDotNet.Attributes;
using NetSim.Sim.Kernel;
using Timer = NetSim.Sim.Kernel.Timer;

namespace NetSim.Benchmarks;

/// <summary>Re-arming a timer the way TCP restarts its RTO on every ACK (later each time), then letting it fire.</summary>
[MemoryDiagnoser]
public class TimerBenchmarks
{
    private const int RearmsPerInvoke = 100_000;

    private Simulation _simulation = null!;
    private Timer _timer = null!;
    private long _fired;

    [GlobalSetup]
    public void Setup()
    {
        _simulation = new Simulation(1);
        _timer = new Timer(_simulation, () => _fired++);
    }

    [Benchmark(OperationsPerInvoke = RearmsPerInvoke)]
    public long RearmLaterThenFire()
    {
        var start = _simulation.Now;
        for (var i = 0; i < RearmsPerInvoke; i++)
        {
            _timer.Arm(start + SimTime.FromMilliseconds(200) + SimTime.FromNanoseconds(i));
        }

        _simulation.Run(SimTime.Never);
        return _fired;
    }
}
