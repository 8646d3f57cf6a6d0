using NetSim.Sim.Kernel;
using NetSim.Tcp.Hooks;

namespace NetSim.Tcp.Tests;

/// <summary>Records what connections report, for assertions.</summary>
internal sealed class StateRecorder : ITcpConnectionObserver
{
    public List<(string Host, TcpState From, TcpState To, SimTime At)> States { get; } = [];
    public List<(string Host, SimTime At, int Retransmits)> Timeouts { get; } = [];
    public List<(string Host, SimTime At, RetransmissionCause Cause)> Retransmissions { get; } = [];
    public List<(string Host, SimTime At, SimTime Measured)> RttSamples { get; } = [];

    public void Attach(TcpStack stack) => stack.ConnectionCreated = c => c.Observer = this;

    public void OnStateChanged(TcpConnection c, TcpState from, TcpState to) => States.Add((c.Stack.Host.Name, from, to, c.Simulation.Now));

    public void OnVariablesChanged(TcpConnection c)
    {
    }

    public void OnRetransmission(TcpConnection c, SequenceNumber start, int length, RetransmissionCause cause) =>
        Retransmissions.Add((c.Stack.Host.Name, c.Simulation.Now, cause));

    public void OnRetransmissionTimeout(TcpConnection c, int retransmits) => Timeouts.Add((c.Stack.Host.Name, c.Simulation.Now, retransmits));

    public void OnRttSample(TcpConnection c, SimTime measured) => RttSamples.Add((c.Stack.Host.Name, c.Simulation.Now, measured));

    public IEnumerable<TcpState> StatesOf(string host) => States.Where(s => s.Host == host).Select(s => s.To);
}
