namespace NetSim.Sim.Network;

/// <summary>
/// Hears when a packet that asked for a transmit timestamp leaves its first device: the driver
/// handing it to the NIC (skb_tx_timestamp(), SCM_TSTAMP_SND in software) and the NIC putting its
/// first bit on the wire (the hardware timestamp). Set on a packet by its sender, cleared once heard.
/// </summary>
public interface ITxTimestampObserver
{
    void OnTransmitted(Packet packet, uint key);
}
