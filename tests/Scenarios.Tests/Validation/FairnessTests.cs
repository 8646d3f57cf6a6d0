namespace NetSim.Scenarios.Tests.Validation;

/// <summary>
/// Flows with the same RTT sharing a drop-tail bottleneck converge to equal shares (Chiu and Jain
/// 1989, for AIMD; RFC 9438 §5.1 for CUBIC) and together fill the link. Jain's fairness index
/// (sum x)^2 / (n sum x^2) is 1 for equal shares and 1/n for one flow taking all.
/// </summary>
[Trait("Category", "Validation")]
public sealed class FairnessTests : IDisposable
{
    private readonly TemporaryDirectory _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Theory]
    [InlineData("reno")]
    [InlineData("cubic")]
    public void FourFlowsShareA20MbitBottleneckFairlyAndFillIt(string congestion)
    {
        var scenario = ScenarioParser.Parse($$"""
            name: fairness
            seed: 5
            duration: 120s
            defaults: { profile: linux, congestion: {{congestion}}, receive_buffer: 4MiB, send_buffer: 4MiB }
            dumbbell:
              pairs: 4
              bottleneck: { rate: 20Mbps, delay: 10ms, queue: { type: droptail, packets: 100 } }
              access: { rate: 1Gbps, delay: 1ms }
              flow: { app: { type: bulk } }
            """, "fairness.yaml");

        var result = ScenarioRunner.Run(scenario, _temporary.Path);

        var shares = result.Flows.Select(f => (double)f.GoodputMbps).ToList();
        var jain = Math.Pow(shares.Sum(), 2) / (shares.Count * shares.Sum(x => x * x));
        Assert.True(jain >= 0.95, $"Jain index {jain:F3} for {string.Join(", ", shares)} Mbit/s");
        Assert.True(shares.Sum() >= 18, $"the flows carried {shares.Sum():F2} Mbit/s of 20");
    }
}
