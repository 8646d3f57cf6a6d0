using NetSim.SockOps.Kernel;
using NetSim.SockOps.Maps;
using NetSim.Sim.Kernel;

namespace NetSim.SockOps.Tests;

/// <summary>bpf_sock_map_update() and bpf_sock_hash_update() (net/core/sock_map.c), and the smaller helpers of SOCKOPS.md §4.</summary>
public class SockMapTests
{
    [Fact]
    public void SocketsEnterTheMapsOnlyFromTheEstablishedAndListenCallbacksAndLeaveWhenTheyClose()
    {
        var net = new Loopback();
        var log = new List<(uint Op, int Result)>();
        BpfSockMap? sockMap = null;
        BpfSockHash<ushort>? sockHash = null;
        var program = new RecordingProgram
        {
            OnRun = skops =>
            {
                sockMap ??= skops.Maps.SockMap("sock_map", 4);
                sockHash ??= skops.Maps.SockHash<ushort>("sock_hash", 2);
                switch (skops.op)
                {
                    case Linux.BPF_SOCK_OPS_TCP_CONNECT_CB:
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 0, Linux.BPF_ANY)));
                        break;
                    case Linux.BPF_SOCK_OPS_TCP_LISTEN_CB:
                        log.Add((skops.op, skops.bpf_sock_hash_update(sockHash, (ushort)skops.local_port, Linux.BPF_NOEXIST)));
                        break;
                    case Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB:
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 0, Linux.BPF_EXIST)));
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 4, Linux.BPF_ANY)));
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 1, Linux.BPF_NOEXIST)));
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 1, Linux.BPF_NOEXIST)));
                        log.Add((skops.op, skops.bpf_sock_map_update(sockMap, 2, 3)));
                        log.Add((skops.op, skops.bpf_sock_hash_update(sockHash, (ushort)skops.local_port, Linux.BPF_ANY)));
                        break;
                    case Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB:
                        log.Add((skops.op, skops.bpf_sock_hash_update(sockHash, (ushort)skops.local_port, Linux.BPF_NOEXIST)));
                        break;
                }

                return 1;
            },
        };
        net.ClientPrograms.Attach(program);
        net.ServerPrograms.Attach(program);
        var listener = net.ServerStack.Listen(80);
        var client = net.ClientStack.Connect(net.Server.Address, 80);
        net.Simulation.Run(SimTime.FromMilliseconds(10));

        // CONNECT_CB may not (-EOPNOTSUPP); the listener takes key 80, so the child's NOEXIST finds
        // it taken; the client: slot 0 empty for EXIST, 4 beyond the map, 1 taken the second time,
        // flags 3 unknown; the hash (2 entries) takes the client's port beside the listener's.
        Assert.Equal(
            [
                ((uint)Linux.BPF_SOCK_OPS_TCP_LISTEN_CB, 0),
                ((uint)Linux.BPF_SOCK_OPS_TCP_CONNECT_CB, -Linux.EOPNOTSUPP),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, -Linux.ENOENT),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, -Linux.E2BIG),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, 0),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, -Linux.EEXIST),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, -Linux.EINVAL),
                ((uint)Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, 0),
                ((uint)Linux.BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB, -Linux.EEXIST),
            ],
            log);
        Assert.Same(client, sockMap!.bpf_map_lookup_elem(1));
        Assert.Same(listener, sockHash!.bpf_map_lookup_elem(80));
        Assert.Equal(2, sockHash.Count);

        client.Close();
        net.Simulation.Run(SimTime.FromSeconds(1));
        Assert.Null(sockMap.bpf_map_lookup_elem(1));
        Assert.Equal(-Linux.ENOENT, sockMap.bpf_map_delete_elem(1));
        Assert.Null(sockHash.bpf_map_lookup_elem(client.LocalPort));
    }

    [Fact]
    public void SockHashUpdateDoesNotExistBefore418()
    {
        var failure = Record.Exception(() => SockoptTests.RunIn(
            Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB,
            skops => skops.bpf_sock_hash_update(skops.Maps.SockHash<int>("h", 1), 1, Linux.BPF_ANY),
            version: new KernelVersion(4, 16)));

        Assert.Contains("bpf_sock_hash_update does not exist in Linux 4.16", failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrandomFollowsTheRunsSeedAndStorageDeleteEmptiesTheSocketsValue()
    {
        static (uint[] Random, int[] Deletes, uint[] Ip6) Run()
        {
            uint[] random = [];
            int[] deletes = [];
            uint[] ip6 = [];
            var storage = new SocketStorage<object>();
            SockoptTests.RunIn(Linux.BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB, skops =>
            {
                random = [skops.bpf_get_prandom_u32(), skops.bpf_get_prandom_u32()];
                storage.Get(skops, create: true);
                deletes = [storage.Delete(skops), storage.Delete(skops)];
                ip6 = [.. skops.remote_ip6, .. skops.local_ip6];
            });
            return (random, deletes, ip6);
        }

        var first = Run();
        var second = Run();

        Assert.Equal(first.Random, second.Random);
        Assert.NotEqual(first.Random[0], first.Random[1]);
        Assert.Equal([0, -Linux.ENOENT], first.Deletes);
        Assert.All(first.Ip6, word => Assert.Equal(0u, word));
    }
}
