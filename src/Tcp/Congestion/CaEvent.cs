namespace NetSim.Tcp.Congestion;

/// <summary>Events a congestion-control algorithm hears of (Linux enum tcp_ca_event).</summary>
public enum CaEvent
{
    /// <summary>The first transmission with nothing in flight (CA_EVENT_TX_START).</summary>
    TxStart,
}
