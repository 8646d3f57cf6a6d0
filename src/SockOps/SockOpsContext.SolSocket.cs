namespace NetSim.SockOps;

/// <summary>
/// The SOL_SOCKET options of bpf_setsockopt()/bpf_getsockopt(): sk_setsockopt() and
/// sk_getsockopt() as the BPF helpers reach them (sol_socket_sockopt(); __bpf_setsockopt() before
/// 6.1). Every option is an int except SO_BINDTODEVICE's device name. Capability checks
/// (SO_PRIORITY above 6, SO_MARK) pass for a BPF program (sockopt_ns_capable()).
/// </summary>
public sealed partial class SockOpsContext
{
    private int SetSocketOption(int optname, ReadOnlySpan<byte> value)
    {
        if (optname == Linux.SO_BINDTODEVICE)
        {
            return _connection.BindToDevice(CString(value, Linux.IFNAMSIZ));
        }

        if (!IntOption(value, out var number))
        {
            return -Linux.EINVAL;
        }

        switch (optname)
        {
            case Linux.SO_MAX_PACING_RATE:
                _connection.SetMaxPacingRate(unchecked((uint)number));
                return 0;
            case Linux.SO_SNDBUF:
                // A hint, never refused; capped at wmem_max / rmem_max and doubled.
                _connection.SetSendBufferSize(number);
                return 0;
            case Linux.SO_RCVBUF:
                _connection.SetReceiveBufferSize(number);
                return 0;
            case Linux.SO_KEEPALIVE:
                _connection.KeepAlive = number != 0;
                return 0;
            case Linux.SO_PRIORITY:
                _connection.Priority = number;
                return 0;
            case Linux.SO_MARK:
                _connection.Mark = number;
                return 0;
            case Linux.SO_RCVLOWAT:
                // From 6.1 through sock->ops->set_rcvlowat (tcp_set_rcvlowat()); before, a plain store.
                _connection.SetReceiveLowWatermark(number, throughSocketLayer: Kernel.Version >= new Kernel.KernelVersion(6, 1));
                return 0;
            case Linux.SO_REUSEADDR:
                _connection.ReuseAddress = number != 0;
                return 0;
            case Linux.SO_REUSEPORT:
                _connection.ReusePort = number != 0;
                return 0;
            case Linux.SO_TXREHASH:
                return _connection.SetTxRehash(number);
            case Linux.SK_BPF_CB_FLAGS:
                // sk_bpf_set_get_cb_flags(): only the bits of SK_BPF_CB_MASK.
                if ((number & ~Linux.SK_BPF_CB_MASK) != 0)
                {
                    return -Linux.EINVAL;
                }

                _connection.BpfCallbackFlags = number;
                return 0;
            default:
                return _connection.BindToInterfaceIndex(number);
        }
    }

    private int GetSocketOption(int optname, Span<byte> value) => optname switch
    {
        Linux.SO_MAX_PACING_RATE => IntResult(value, (int)(uint)Math.Min(_connection.MaxPacingRate, uint.MaxValue)),
        Linux.SO_SNDBUF => IntResult(value, _connection.SendBufferSize),
        Linux.SO_RCVBUF => IntResult(value, _connection.ReceiveBufferSize),
        Linux.SO_KEEPALIVE => IntResult(value, _connection.KeepAlive ? 1 : 0),
        Linux.SO_PRIORITY => IntResult(value, _connection.Priority),
        Linux.SO_MARK => IntResult(value, _connection.Mark),
        Linux.SO_RCVLOWAT => IntResult(value, _connection.ReceiveLowWatermark),
        Linux.SO_REUSEADDR => IntResult(value, _connection.ReuseAddress ? 1 : 0),
        Linux.SO_REUSEPORT => IntResult(value, _connection.ReusePort ? 1 : 0),
        Linux.SO_TXREHASH => IntResult(value, _connection.TxRehash),
        Linux.SK_BPF_CB_FLAGS => IntResult(value, _connection.BpfCallbackFlags),
        _ => IntResult(value, _connection.BoundInterfaceIndex),
    };
}
