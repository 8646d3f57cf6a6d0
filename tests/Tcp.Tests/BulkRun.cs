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

    /// <summary>
    /// The high-speed algorithms' case: 500 Mbit/s and 100 ms (a 4,170-segment BDP) with a 500-packet
    /// queue, an eighth of it, where Reno needs over 2,000 round trips to refill the pipe after a
    /// loss. The named algorithm's run, and its goodput and Reno's between 5 and 35 s, in bit/s.
    /// </summary>
    public static (BulkRun Run, double Goodput, double RenoGoodput) LargePipeAgainstReno(string congestion)
    {
        var run = new BulkRun(congestion, rateBps: 500_000_000, delayMs: 50, queuePackets: 500);
        var goodput = run.Goodput(5, 35);
        return (run, goodput, new BulkRun("reno", rateBps: 500_000_000, delayMs: 50, queuePackets: 500).Goodput(5, 35));
    }

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
