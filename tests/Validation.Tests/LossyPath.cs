namespace NetSim.Validation.Tests;

/// <summary>
/// The path the throughput models are checked on: one Reno flow over 1 Gbit/s and 20 ms each way
/// (RTT 40 ms, far more capacity than the losses let the window use), a queue that never fills,
/// 16 MiB buffers, and the given loss on the forward direction only, so that the losses alone
/// shape the window, as the models assume.
/// </summary>
internal static class LossyPath
{
    public const double RttSeconds = 0.040;

    /// <summary>The segment payload with timestamps, as the models' MSS.</summary>
    public const int SegmentBytes = 1448;

    /// <param name="loss">The forward loss model's fields, e.g. <c>type: bernoulli, p: 0.01</c>.</param>
    /// <param name="senderSettings">More <c>defaults</c> lines, each indented by two spaces, or empty.</param>
    public static string Scenario(string name, double seconds, string loss, string senderSettings) => $$"""
        name: {{name}}
        seed: 3
        duration: {{seconds}}s
        defaults:
          profile: linux
          congestion: reno
          receive_buffer: 16MiB
          send_buffer: 16MiB
        {{senderSettings}}
        hosts: [sender, receiver]
        links:
          - between: [sender, receiver]
            rate: 1Gbps
            delay: 20ms
            queue: { type: droptail, packets: 100000 }
            loss: { forward: { {{loss}} } }
        flows:
          - { name: bulk, from: sender, to: receiver, app: { type: bulk } }
        """;
}
