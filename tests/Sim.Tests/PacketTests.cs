using NetSim.Sim.Network;

namespace NetSim.Sim.Tests;

public class PacketTests
{
    [Fact]
    public void ACopyCarriesTheOptionsAProgramWrote()
    {
        var original = new Packet { PayloadLength = 100 };
        byte[] written = [253, 4, 0xAB, 0xCD];
        written.CopyTo(original.ExtraOptions);
        original.ExtraOptionsLength = written.Length;

        var copy = new Packet();
        original.CopyTo(copy);

        Assert.Equal(written, copy.WrittenExtraOptions.ToArray());
        Assert.Equal(original.SizeBytes, copy.SizeBytes);
    }

    [Fact]
    public void APacketWithoutProgramOptionsWritesNone()
    {
        var packet = new Packet();
        Assert.True(packet.WrittenExtraOptions.IsEmpty);

        var copy = new Packet();
        packet.CopyTo(copy);
        Assert.True(copy.WrittenExtraOptions.IsEmpty);
        Assert.Equal(Packet.Ipv4HeaderBytes + Packet.TcpHeaderBytes, copy.SizeBytes);
    }

    [Fact]
    public void AResetPacketForgetsTheOptionsOfItsLastUse()
    {
        var packet = new Packet();
        packet.ExtraOptions[0] = 253;
        packet.ExtraOptionsLength = 4;
        packet.Reset();
        Assert.True(packet.WrittenExtraOptions.IsEmpty);
    }
}
