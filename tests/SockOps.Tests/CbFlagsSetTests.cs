using NetSim.SockOps.Kernel;
using NetSim.Sim.Kernel;
using NetSim.Tcp.Hooks;

namespace NetSim.SockOps.Tests;

/// <summary>bpf_sock_ops_cb_flags_set() as net/core/filter.c implements it (SOCKOPS.md §2).</summary>
public class CbFlagsSetTests
{
    /// <summary>Calls cb_flags_set(<paramref name="argval"/>) in the client's ACTIVE_ESTABLISHED_CB and returns (result, flags after).</summary>
    private static (int Result, SockOpsCallbackFlags Flags) SetInActiveEstablished(KernelVersion version, int argval, SockOpsCallbackFlags before = SockOpsCallbackFlags.None)
    {
        var net = new Loopback(new KernelModel(version, 1000));
        int? result = null;
        var program = new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB)
                {
                    skops.CbFlagsSet(before);
                    result = skops.bpf_sock_ops_cb_flags_set(argval);
                }

                return 1;
            },
        };
        net.ClientPrograms.Attach(program);
        net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));
        return (result!.Value, client.CallbackFlags);
    }

    [Fact]
    public void SupportedFlagsAreSetAndZeroIsReturned()
    {
        Assert.Equal((0, (SockOpsCallbackFlags)0xF), SetInActiveEstablished(KernelVersion.Newest, 0xF));
    }

    [Fact]
    public void FlagsAreReplacedNotOredIn()
    {
        Assert.Equal((0, SockOpsCallbackFlags.State), SetInActiveEstablished(KernelVersion.Newest, Linux.BPF_SOCK_OPS_STATE_CB_FLAG, before: (SockOpsCallbackFlags)0xF));
    }

    [Fact]
    public void AnUnsupportedBitIsReturnedAndClearsEveryFlag()
    {
        // cb_flags_set(0x80) clears every flag and returns 0x80 (tcpbpf's bad_cb_test_rv).
        Assert.Equal((0x80, SockOpsCallbackFlags.None), SetInActiveEstablished(KernelVersion.Newest, 0x80, before: (SockOpsCallbackFlags)0xF));
    }

    [Fact]
    public void SupportedBitsApplyEvenWhenOthersAreRefused()
    {
        // Observed on 6.18: cb_flags_set(0x80 | current) returns 128 and leaves the flags at 0xF.
        Assert.Equal((0x80, (SockOpsCallbackFlags)0xF), SetInActiveEstablished(KernelVersion.Newest, 0x8F, before: (SockOpsCallbackFlags)0xF));
    }

    [Theory]
    [InlineData(4, 16, 0x7F, 0x78, 0x7)]
    [InlineData(5, 3, 0x7F, 0x70, 0xF)]
    [InlineData(5, 10, 0xFF, 0x80, 0x7F)]
    public void WhatIsSupportedDependsOnTheKernelVersion(int major, int minor, int argval, int refused, int applied)
    {
        Assert.Equal((refused, (SockOpsCallbackFlags)applied), SetInActiveEstablished(new KernelVersion(major, minor), argval));
    }

    [Fact]
    public void ARequestSocketGetsEinval()
    {
        var net = new Loopback();
        var results = new List<int>();
        net.ServerPrograms.Attach(new RecordingProgram
        {
            OnRun = skops =>
            {
                if (skops.op == Linux.BPF_SOCK_OPS_RWND_INIT && skops.is_fullsock == 0)
                {
                    results.Add(skops.bpf_sock_ops_cb_flags_set(Linux.BPF_SOCK_OPS_STATE_CB_FLAG));
                }

                return 1;
            },
        });
        net.ServerStack.Listen(80);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        Assert.Equal([-Linux.EINVAL], results);
    }

    [Fact]
    public void TheHelperDoesNotExistBefore416()
    {
        var net = new Loopback(new KernelModel(new KernelVersion(4, 15), 1000));
        string? error = null;
        net.ClientPrograms.Attach(new RecordingProgram { OnRun = skops => skops.bpf_sock_ops_cb_flags_set(1) });
        net.ClientPrograms.Invoked = i => error ??= i.Error;
        net.ServerStack.Listen(80);
        net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        Assert.Contains("does not exist in Linux 4.15", error);
    }
}
