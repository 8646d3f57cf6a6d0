using NetSim.Sim.Kernel;
using NetSim.Sim.Network;

namespace NetSim.Tcp.Tests;

/// <summary>A link direction watched over a window: its busy fraction and its mean queue, sampled every 10 ms.</summary>
internal readonly record struct BottleneckSample(double Busy, double MeanQueue)
{
    public static BottleneckSample Measure(Simulation simulation, LinkChannel channel, SimTime from, SimTime to)
    {
        simulation.Run(from);
        var before = channel.Statistics.BusyNanoseconds;
        double queue = 0;
        var samples = 0;
        for (var t = from; t < to; t += SimTime.FromMilliseconds(10))
        {
            simulation.Run(t);
            queue += channel.Queue.Count;
            samples++;
        }

        simulation.Run(to);
        return new BottleneckSample((channel.Statistics.BusyNanoseconds - before) / (double)(to - from).Nanoseconds, queue / samples);
    }
}
