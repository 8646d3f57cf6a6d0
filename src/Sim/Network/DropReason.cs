namespace NetSim.Sim.Network;

/// <summary>Why a link dropped a packet.</summary>
public enum DropReason
{
    /// <summary>The output queue refused it on arrival.</summary>
    QueueFull,

    /// <summary>The loss model lost it on the wire.</summary>
    ChannelLoss,
}
