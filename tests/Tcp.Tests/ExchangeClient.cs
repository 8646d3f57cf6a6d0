using NetSim.Sim.Network;
using NetSim.Tcp.Apps;

namespace NetSim.Tcp.Tests;

/// <summary>
/// A client that uploads <paramref name="upload"/> bytes while it downloads the server's answer,
/// and closes only once it has written the one and read the whole of the other: a close with data
/// still to come would be answered by a reset (RFC 1122 §4.2.2.13, tcp_rcv_state_process()), not
/// by the rest of the transfer.
/// </summary>
internal sealed class ExchangeClient(TcpStack stack, Ipv4Address destination, ushort port, TcpSettings settings, long upload, long download)
    : FlowSource(stack, destination, port, settings, "exchange")
{
    public long BytesRead { get; private set; }

    public override void Install()
    {
        var connection = Connect();
        connection.Established = _ => Fill();
        connection.SendSpaceAvailable = _ => Fill();
        connection.DataReceived = (_, _, bytes) =>
        {
            BytesRead += bytes;
            Fill();
        };
    }

    private void Fill()
    {
        if (Closed)
        {
            return;
        }

        if (BytesWritten < upload)
        {
            Write(upload - BytesWritten);
        }

        if (BytesWritten >= upload && BytesRead >= download)
        {
            CloseOnce();
        }
    }
}
