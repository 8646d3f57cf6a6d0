using NetSim.Sim.Network;
using NetSim.Tcp.FastOpen;

namespace NetSim.Tcp.Tests;

/// <summary>Fast Open's server cookie: SipHash-2-4 as its authors define it, and the cookies a Linux kernel made.</summary>
public class FastOpenCookieTests
{
    private static readonly byte[] ReferenceKey = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

    /// <summary>The SipHash paper's test vectors (Aumasson and Bernstein, 2012, appendix A and vectors_sip64): key 00..0f, message 00..(n-1).</summary>
    [Theory]
    [InlineData(0, 0x726fdb47dd0e0e31UL)]
    [InlineData(8, 0x93f5f5799a932462UL)]
    [InlineData(15, 0xa129ca6149be45e5UL)]
    public void SipHashGivesThePublishedValues(int length, ulong expected)
    {
        var key = FastOpenKey.FromBytes(ReferenceKey);
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        Assert.Equal(expected, SipHash.Hash24(key.K0, key.K1, message));
    }

    /// <summary>
    /// Cookies a kernel made, as packetdrill suites name them: the selftests' TFO_COOKIE and
    /// TFO_COOKIE_ZERO (ksft_runner.sh) and google/packetdrill's fastopen/server/simple1 and simple2.
    /// </summary>
    [Theory]
    [InlineData("a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4", "192.0.2.1", "192.168.0.1", "3021b9d889017eeb")]
    [InlineData("00000000-00000000-00000000-00000000", "192.0.2.1", "192.168.0.1", "b7c12350a90dc8f5")]
    [InlineData("a0bf63f7-ed803d81-cd641d30-cebc4a90", "10.248.0.2", "192.168.0.2", "00abaaabe8e954c2")]
    [InlineData("a0bf63f7-ed803d81-cd641d30-cebc4a90", "10.248.0.3", "192.168.0.2", "1313a2da994a0951")]
    public void CookieIsTheKernels(string sysctl, string client, string server, string cookie)
    {
        Assert.True(FastOpenKey.TryParse(sysctl, out var key));

        Assert.Equal(cookie, Convert.ToHexStringLower(key.Cookie(Ipv4Address.Parse(client), Ipv4Address.Parse(server))));
    }

    [Theory]
    [InlineData("a1a1a1a1-b2b2b2b2-c3c3c3c3")]
    [InlineData("a1a1a1a1-b2b2b2b2-c3c3c3c3-zz")]
    [InlineData("1-2-3-4,5-6-7")]
    public void MalformedKeysAreRefused(string sysctl) => Assert.False(FastOpenKeys.TryParse(sysctl, out _));

    [Fact]
    public void AKeyOfWrongLengthIsRefused()
    {
        Assert.Null(FastOpenKeys.FromBytes(new byte[15]));
        Assert.NotNull(FastOpenKeys.FromBytes(new byte[16]));
        Assert.NotNull(FastOpenKeys.FromBytes(new byte[32])!.Backup);
    }

    /// <summary>The sysctl's words are stored little-endian: the bytes a1 a1 a1 a1 b2 ... set by setsockopt are the same key.</summary>
    [Fact]
    public void SysctlAndSocketOptionAgree()
    {
        byte[] bytes = [0xa1, 0xa1, 0xa1, 0xa1, 0xb2, 0xb2, 0xb2, 0xb2, 0xc3, 0xc3, 0xc3, 0xc3, 0xd4, 0xd4, 0xd4, 0xd4];
        Assert.True(FastOpenKey.TryParse("a1a1a1a1-b2b2b2b2-c3c3c3c3-d4d4d4d4", out var parsed));

        Assert.Equal(FastOpenKey.FromBytes(bytes), parsed);
        Assert.True(FastOpenKey.TryParse("00112233-44556677-8899aabb-ccddeeff", out var ordered));
        Assert.Equal(FastOpenKey.FromBytes(Convert.FromHexString("3322110077665544bbaa9988ffeeddcc")), ordered);
    }
}
