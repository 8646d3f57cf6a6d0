namespace NetSim.Tcp.Hooks;

/// <summary>
/// The per-socket callback flags (tp->bpf_sock_ops_cb_flags) with Linux's BPF_SOCK_OPS_*_CB_FLAG
/// values. The TCP code tests them before invoking the guarded ops, like BPF_SOCK_OPS_TEST_FLAG.
/// </summary>
[Flags]
public enum SockOpsCallbackFlags : byte
{
    None = 0,
    Rto = 0x1,
    Retrans = 0x2,
    State = 0x4,
    Rtt = 0x8,
    ParseAllHdrOpt = 0x10,
    ParseUnknownHdrOpt = 0x20,
    WriteHdrOpt = 0x40,
}
