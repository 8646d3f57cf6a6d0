namespace NetSim.Tcp.FastOpen;

/// <summary>The bits of Linux's net.ipv4.tcp_fastopen (Documentation/networking/ip-sysctl.rst; TFO_* in include/net/tcp.h).</summary>
[Flags]
public enum FastOpenMode
{
    None = 0,

    /// <summary>TFO_CLIENT_ENABLE: connections may send data in their SYN (Linux's default).</summary>
    ClientEnable = 0x1,

    /// <summary>TFO_SERVER_ENABLE: listeners that enabled Fast Open take data from a SYN with a valid cookie.</summary>
    ServerEnable = 0x2,

    /// <summary>TFO_CLIENT_NO_COOKIE: a client sends data in its SYN without a cookie.</summary>
    ClientNoCookie = 0x4,

    /// <summary>TFO_SERVER_COOKIE_NOT_REQD: a listener takes SYN data without checking for a cookie.</summary>
    ServerCookieNotRequired = 0x200,

    /// <summary>TFO_SERVER_WO_SOCKOPT1: every listener is Fast Open enabled, its queue the listen() backlog, without setsockopt(TCP_FASTOPEN).</summary>
    ServerWithoutSocketOption = 0x400,
}
