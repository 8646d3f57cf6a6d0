namespace NetSim.Cli.Tests;

/// <summary>
/// Tests that build the projects in Release (a tool package, the native runner) share one
/// collection, so that two of them never write the same obj/Release folders at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuildCollection
{
    public const string Name = "Release builds";
}
