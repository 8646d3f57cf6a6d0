using NetSim.Sim.Network;

namespace NetSim.Tcp;

/// <summary>
/// A host's SYN cookies (Linux net/ipv4/syncookies.c): a listener that keeps no request for a SYN
/// answers with an ISN from which the ACK's sequence numbers let it rebuild one. The ISN is a keyed
/// hash of the 4-tuple plus the peer's ISN, the minute in its top 8 bits and, under a second
/// hash of the minute, the index of the peer's MSS in <see cref="MssTable"/>
/// (secure_tcp_syn_cookie()). A cookie is good for <see cref="MaxAgeMinutes"/> minute changes.
/// With timestamps the SYN-ACK's TSval carries the SYN's other options in its low 6 bits
/// (cookie_init_timestamp()), which the ACK's TSecr brings back. The hash is a keyed mix, not
/// SipHash: what matters is that it is fixed per 4-tuple and minute and unguessable without the key.
/// </summary>
internal sealed class SynCookies(ulong key0, ulong key1)
{
    /// <summary>msstab[]: the peer MSS a cookie can carry, the largest not above the SYN's.</summary>
    public static readonly ushort[] MssTable = [536, 1300, 1440, 1460];

    /// <summary>MAX_SYNCOOKIE_AGE: the minutes a cookie stays good.</summary>
    public const uint MaxAgeMinutes = 2;

    /// <summary>TCP_SYNCOOKIE_VALID: how long after the last cookie sent an ACK is checked for one (tcp_synq_no_recent_overflow()).</summary>
    public static readonly Sim.Kernel.SimTime Validity = Sim.Kernel.SimTime.FromSeconds(MaxAgeMinutes * 60);

    private const int CookieBits = 24;
    private const uint CookieMask = (1u << CookieBits) - 1;

    /// <summary>TS_OPT_WSCALE_MASK: the peer's window scale, 0xf for none.</summary>
    private const uint TsWscaleMask = 0xF;

    /// <summary>TS_OPT_SACK.</summary>
    private const uint TsSack = 1u << 4;

    /// <summary>TS_OPT_ECN.</summary>
    private const uint TsEcn = 1u << 5;

    /// <summary>TSBITS: the low bits of the TSval that carry options.</summary>
    private const int TsBits = 6;

    /// <summary>
    /// __cookie_v4_init_sequence(): the cookie for a SYN from <paramref name="peer"/>:<paramref name="peerPort"/>
    /// to <paramref name="local"/>:<paramref name="localPort"/> with ISN <paramref name="peerIsn"/>, and the
    /// peer MSS it carries, <paramref name="mss"/> rounded down to the table.
    /// </summary>
    public (uint Cookie, ushort Mss) Make(Ipv4Address peer, Ipv4Address local, ushort peerPort, ushort localPort, uint peerIsn, int mss, uint minute)
    {
        var index = MssTable.Length - 1;
        while (index > 0 && mss < MssTable[index])
        {
            index--;
        }

        var cookie = unchecked(Hash(peer, local, peerPort, localPort, 0, key0) + peerIsn + (minute << CookieBits)
            + ((Hash(peer, local, peerPort, localPort, minute, key1) + (uint)index) & CookieMask));
        return (cookie, MssTable[index]);
    }

    /// <summary>
    /// __cookie_v4_check() of an ACK whose sequence number is <paramref name="peerIsn"/> + 1 and whose
    /// acknowledgment is <paramref name="cookie"/> + 1: the MSS it carries, or 0 for a cookie that is
    /// not this host's or has aged (check_tcp_syn_cookie()).
    /// </summary>
    public ushort Check(Ipv4Address peer, Ipv4Address local, ushort peerPort, ushort localPort, uint peerIsn, uint cookie, uint minute)
    {
        unchecked
        {
            cookie -= Hash(peer, local, peerPort, localPort, 0, key0) + peerIsn;
            var age = (minute - (cookie >> CookieBits)) & (uint.MaxValue >> CookieBits);
            if (age >= MaxAgeMinutes)
            {
                return 0;
            }

            var index = (cookie - Hash(peer, local, peerPort, localPort, minute - age, key1)) & CookieMask;
            return index < MssTable.Length ? MssTable[index] : (ushort)0;
        }
    }

    /// <summary>tcp_cookie_time(): the minute of the clock, which the cookie's top bits hold.</summary>
    public static uint Minute(Sim.Kernel.SimTime now) => (uint)(now.Nanoseconds / 60_000_000_000L);

    /// <summary>
    /// cookie_init_timestamp(): the millisecond clock with its low 6 bits replaced by the SYN's
    /// window scale (0xf for none), SACK and ECN, moved back 64 ms if that put it ahead of the clock.
    /// </summary>
    public static uint Timestamp(uint nowMs, int? peerWindowScale, bool sack, bool ecn)
    {
        var options = peerWindowScale is { } scale ? (uint)scale : TsWscaleMask;
        if (sack)
        {
            options |= TsSack;
        }

        if (ecn)
        {
            options |= TsEcn;
        }

        var ts = (nowMs >> TsBits << TsBits) | options;
        return ts > nowMs ? ts - (1u << TsBits) : ts;
    }

    /// <summary>cookie_timestamp_decode(): the SYN's options, from the TSecr (less the timestamp offset) the ACK echoes.</summary>
    public static (int? PeerWindowScale, bool Sack, bool Ecn) DecodeTimestamp(uint echoed) =>
        ((echoed & TsWscaleMask) == TsWscaleMask ? null : (int)(echoed & TsWscaleMask), (echoed & TsSack) != 0, (echoed & TsEcn) != 0);

    private static uint Hash(Ipv4Address peer, Ipv4Address local, ushort peerPort, ushort localPort, uint minute, ulong key)
    {
        var addresses = ((ulong)peer.Value << 32) | local.Value;
        var portsAndMinute = ((ulong)(((uint)peerPort << 16) | localPort) << 32) | minute;
        return (uint)ConnectionSecret.Mix(ConnectionSecret.Mix(addresses ^ key) ^ portsAndMinute);
    }
}
