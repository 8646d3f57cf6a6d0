using NetSim.Sim.Network;

namespace NetSim.Sim.Tests;

public class TcpOptionWalkerTests
{
    private static List<(int Offset, byte Kind, int Length)> Walk(byte[] options, out bool malformed)
    {
        var found = new List<(int, byte, int)>();
        var walker = new TcpOptionWalker(options);
        while (walker.MoveNext())
        {
            found.Add((walker.Offset, walker.Kind, walker.Option.Length));
        }

        malformed = walker.Malformed;
        return found;
    }

    [Fact]
    public void NopsAreSkippedAndEndOfOptionListEndsTheWalk()
    {
        // NOP NOP TS(10), MSS(4), EOL, then bytes that are never read.
        byte[] options = [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 2, 4, 5, 0xb4, 0, 99, 99, 99];

        Assert.Equal([(2, (byte)8, 10), (12, (byte)2, 4)], Walk(options, out var malformed));
        Assert.False(malformed);
    }

    [Theory]
    [InlineData(new byte[] { 2, 4, 5 })]
    [InlineData(new byte[] { 254, 1, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 1, 8 })]
    public void AnOptionWhoseLengthDoesNotFitStopsTheWalkAsMalformed(byte[] options)
    {
        Assert.Empty(Walk(options, out var malformed));
        Assert.True(malformed);
    }
}
