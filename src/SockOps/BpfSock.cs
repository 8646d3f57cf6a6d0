using System.Buffers.Binary;
using NetSim.Tcp;

namespace NetSim.SockOps;

#pragma warning disable IDE1006 // Field names are the kernel's (struct bpf_sock).

/// <summary>What <c>skops->sk</c> points to (Linux struct bpf_sock, 5.3+): the socket's addressing, for helpers that take a socket.</summary>
public sealed class BpfSock
{
    internal BpfSock(TcpConnection connection) => Connection = connection;

    internal TcpConnection Connection { get; }

    public uint family => Linux.AF_INET;

    /// <summary>SOCK_STREAM.</summary>
    public uint type => 1;

    /// <summary>IPPROTO_TCP.</summary>
    public uint protocol => 6;

    public uint src_ip4 => Connection.LocalAddress.NetworkOrder;

    public uint src_port => Connection.LocalPort;

    public uint dst_ip4 => Connection.RemoteAddress.NetworkOrder;

    /// <summary>Network byte order in the low 16 bits.</summary>
    public uint dst_port => BinaryPrimitives.ReverseEndianness(Connection.RemotePort);

    public uint state => Connection.IsFullSocket ? (uint)Connection.State : Linux.BPF_TCP_NEW_SYN_RECV;
}
