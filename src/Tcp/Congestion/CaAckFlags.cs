namespace NetSim.Tcp.Congestion;

/// <summary>What an ACK did, as an algorithm's in_ack_event hears it (Linux enum tcp_ca_ack_event_flags).</summary>
[Flags]
public enum CaAckFlags
{
    None = 0,

    /// <summary>Linux took the ACK on its slow path: header prediction failed, or it did not advance SND.UNA (CA_ACK_SLOWPATH).</summary>
    SlowPath = 1,

    /// <summary>The ACK updated the send window (CA_ACK_WIN_UPDATE).</summary>
    WindowUpdate = 2,

    /// <summary>The ACK echoed congestion (CA_ACK_ECE).</summary>
    Ece = 4,
}
