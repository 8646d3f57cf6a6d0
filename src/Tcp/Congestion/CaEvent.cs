namespace NetSim.Tcp.Congestion;

/// <summary>Events a congestion-control algorithm hears of (Linux enum tcp_ca_event).</summary>
public enum CaEvent
{
    /// <summary>The first transmission with nothing in flight (CA_EVENT_TX_START).</summary>
    TxStart,

    /// <summary>The end of a CWR or Recovery reduction: cwnd set to ssthresh (CA_EVENT_COMPLETE_CWR).</summary>
    CompleteCwr,

    /// <summary>The window restarted after an idle period (CA_EVENT_CWND_RESTART, from tcp_cwnd_restart()).</summary>
    CwndRestart,

    /// <summary>A retransmission timeout (CA_EVENT_LOSS, from tcp_enter_loss()).</summary>
    Loss,

    /// <summary>A received data segment carried ECT, not CE (CA_EVENT_ECN_NO_CE); only to algorithms that want CE events.</summary>
    EcnNoCe,

    /// <summary>A received data segment carried CE (CA_EVENT_ECN_IS_CE); only to algorithms that want CE events.</summary>
    EcnIsCe,

    /// <summary>A loss probe's retransmission repaired a lost segment (CA_EVENT_TLP_RECOVERY, BBRv3's tcp_process_tlp_ack()).</summary>
    TlpRecovery,
}
