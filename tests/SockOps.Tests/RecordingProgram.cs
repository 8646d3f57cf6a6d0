using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>A test program: optionally sets flags at the ops that can, runs an extra action, and records every call.</summary>
internal sealed class RecordingProgram(SockOpsCallbackFlags flagsToSet = SockOpsCallbackFlags.None) : SockOpsProgram
{
    public List<Call> Calls { get; } = [];

    public Func<SockOpsContext, int>? OnRun { get; init; }

    public override string Name => "test:recording";

    public override int Run(SockOpsContext skops)
    {
        Calls.Add(new Call(skops.Op, skops.args[0], skops.args[1], skops.args[2], skops.is_fullsock, skops.state,
            skops.snd_cwnd, skops.CallbackFlags, skops.bytes_received, skops.bytes_acked, skops.data_segs_in, skops.data_segs_out));
        if (flagsToSet != SockOpsCallbackFlags.None && skops.Op is SockOp.TcpListenCb or SockOp.TcpConnectCb
                or SockOp.ActiveEstablishedCb or SockOp.PassiveEstablishedCb)
        {
            skops.CbFlagsSet(flagsToSet);
        }

        return OnRun?.Invoke(skops) ?? 1;
    }

    public sealed record Call(
        SockOp Op, uint Arg0, uint Arg1, uint Arg2, uint IsFullSock, uint State, uint SndCwnd,
        SockOpsCallbackFlags Flags, ulong BytesReceived, ulong BytesAcked, uint DataSegsIn, uint DataSegsOut);
}
