namespace NetSim.Tcp;

/// <summary>The send(2) flags a write may carry.</summary>
[Flags]
public enum SendFlags
{
    None = 0,

    /// <summary>MSG_EOR: the write ends a record; later data starts a new skb (tcp_skb_can_collapse_to()).</summary>
    EndOfRecord = 1,

    /// <summary>MSG_MORE: more data follows, so a partial last segment is held as under TCP_CORK (tcp_push()).</summary>
    More = 2,
}
