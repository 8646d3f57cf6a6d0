namespace NetSim.Tcp.Congestion;

/// <summary>What of Accurate ECN failed on a connection (Linux tp->accecn_fail_mode, TCP_INFO's tcpi_accecn_fail_mode).</summary>
[Flags]
public enum AccEcnFailMode : byte
{
    None = 0,

    /// <summary>The ACE field is not to be trusted on what we send (TCP_ACCECN_ACE_FAIL_SEND).</summary>
    AceSend = 1,

    /// <summary>The peer's ACE feedback was invalid: a mangled handshake reflection (TCP_ACCECN_ACE_FAIL_RECV).</summary>
    AceReceive = 2,

    /// <summary>The option is not to be sent: it did not get through (TCP_ACCECN_OPT_FAIL_SEND).</summary>
    OptionSend = 4,

    /// <summary>The peer's option was zeroed on the way, so its counters are not used (TCP_ACCECN_OPT_FAIL_RECV).</summary>
    OptionReceive = 8,
}
