namespace NetSim.Scenarios.Model;

/// <summary>A point-to-point link; <see cref="Forward"/> carries packets from <see cref="A"/> to <see cref="B"/>.</summary>
public sealed record LinkSpec(string A, string B, ChannelSpec Forward, ChannelSpec Reverse)
{
    public string Name => $"{A}-{B}";
}
