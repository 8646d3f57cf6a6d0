using System.Text.Json.Nodes;
using NetSim.Scenarios.Schema;
using YamlDotNet.RepresentationModel;

namespace NetSim.Scenarios.Tests;

/// <summary>scenario.schema.json: generated from the readers' field lists, kept in the repository, and true of every example.</summary>
public sealed class ScenarioSchemaTests
{
    private static readonly string Committed = Path.Combine(Repository.Root, "scenario.schema.json");

    private static JsonObject Schema() => JsonNode.Parse(ScenarioSchema.Generate())!.AsObject();

    [Fact]
    public void TheSchemaInTheRepositoryIsTheOneTheModelGenerates()
    {
        Assert.True(File.Exists(Committed), "scenario.schema.json is missing: run netsim schema -o scenario.schema.json");
        Assert.True(ScenarioSchema.Generate() == File.ReadAllText(Committed), "scenario.schema.json is stale: run netsim schema -o scenario.schema.json");
    }

    [Fact]
    public void ItsFieldsAreTheOnesTheReadersAccept()
    {
        var schema = Schema();

        Assert.Equal(ScenarioFields.Top, schema["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(TcpSettingsReader.Fields, schema["$defs"]!["tcp"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(ScenarioFields.Link, schema["$defs"]!["link"]!["properties"]!.AsObject().Select(p => p.Key));
    }

    public static TheoryData<string> Examples() => ExampleScenarioTests.Scenarios();

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryExampleScenarioMeetsIt(string scenario)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repository.Scenario(scenario))));

        Assert.Empty(new MiniSchemaValidator(Schema()).Validate(yaml.Documents[0].RootNode));
    }

    [Fact]
    public void AMisspeltFieldAndABadChoiceBreakIt()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader("""
            name: x
            duration: 1s
            links: [{ between: [a, b], dealy: 1ms }]
            defaults: { congestion: vegas2 }
            """));

        var problems = new MiniSchemaValidator(Schema()).Validate(yaml.Documents[0].RootNode);

        Assert.Contains(problems, p => p.Contains("unexpected field 'dealy'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'vegas2' not among the choices", StringComparison.Ordinal));
    }
}
