namespace NetSim.Scenarios.Tests;

public class UnitsTests
{
    [Theory]
    [InlineData("10Mbps", 10_000_000)]
    [InlineData("1Gbit/s", 1_000_000_000)]
    [InlineData("1.5 Mbit/s", 1_500_000)]
    [InlineData("64kbps", 64_000)]
    public void RatesAreReadInBitsPerSecond(string text, long expected)
    {
        Assert.True(Units.TryParseRate(text, out var rate, out _));
        Assert.Equal(expected, rate);
    }

    [Theory]
    [InlineData("-10Mbps")]
    [InlineData("10")]
    [InlineData("10 furlongs")]
    public void BadRatesAreRefusedWithAnExample(string text)
    {
        Assert.False(Units.TryParseRate(text, out _, out var problem));
        Assert.Contains("10Mbps", problem);
    }

    [Theory]
    [InlineData("20ms", 20_000_000)]
    [InlineData("1.5s", 1_500_000_000)]
    [InlineData("250us", 250_000)]
    [InlineData("2min", 120_000_000_000)]
    public void DurationsAreReadInNanoseconds(string text, long expected)
    {
        Assert.True(Units.TryParseDuration(text, out var ns, out _));
        Assert.Equal(expected, ns);
    }

    [Theory]
    [InlineData("64KiB", 65_536)]
    [InlineData("1500B", 1_500)]
    [InlineData("1500", 1_500)]
    [InlineData("1MB", 1_000_000)]
    public void SizesAreReadInBytes(string text, long expected)
    {
        Assert.True(Units.TryParseSize(text, out var bytes, out _));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("1%", 0.01)]
    [InlineData("0.25", 0.25)]
    [InlineData("100%", 1.0)]
    public void ProbabilitiesAreFractionsOrPercentages(string text, double expected)
    {
        Assert.True(Units.TryParseProbability(text, out var p, out _));
        Assert.Equal(expected, p, 12);
    }

    [Theory]
    [InlineData("150%")]
    [InlineData("1.5")]
    public void ProbabilitiesOutsideZeroToOneAreRefused(string text)
    {
        Assert.False(Units.TryParseProbability(text, out _, out var problem));
        Assert.Contains("outside [0, 1]", problem);
    }
}
