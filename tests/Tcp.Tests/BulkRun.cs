using NetSim.Sim.Kernel;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>One bulk flow over a <see cref="TwoHostNetwork"/> with a named congestion control and large buffers, measured after a warm-up.</summary>
internal sealed class BulkRun
{
    public BulkRun(string congestion, long rateBps, long delayMs, double loss = 0, int queuePackets = 100)
    {
        var settings = TcpSettings.Linux with { Congestion = congestion, ReceiveBuffer = 32 << 20, SendBuffer = 32 << 20 };
        Network = new TwoHostNetwork(rateBps: rateBps, delayMs: delayMs, forwardLoss: loss, queuePackets: queuePackets, settings: settings);
        (Sink, Application) = Network.StartBulk();
    }

    public TwoHostNetwork Network { get; }

    public SinkApplication Sink { get; }

    public BulkSendApplication Application { get; }

    public TcpConnection Sender => Application.Connection!;

    /// <summary>
    /// Runs to <paramref name="warmupSeconds"/>, then on to <paramref name="endSeconds"/> in steps
    /// of <paramref name="stepSeconds"/>, calling <paramref name="sample"/> after each; the goodput
    /// between the two times, in bit/s.
    /// </summary>
    public double Goodput(double warmupSeconds, double endSeconds, double stepSeconds = 1, Action? sample = null)
    {
        Network.Simulation.Run(SimTime.FromSeconds(warmupSeconds));
        var before = Sink.BytesReceived;
        var steps = (int)Math.Round((endSeconds - warmupSeconds) / stepSeconds);
        for (var step = 1; step <= steps; step++)
        {
            Network.Simulation.Run(SimTime.FromSeconds(warmupSeconds + (step * stepSeconds)));
            sample?.Invoke();
        }

        return (Sink.BytesReceived - before) * 8 / (endSeconds - warmupSeconds);
    }
}
