using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Serverless.Infra.Tests;

/// <summary>
/// A compiled ARM template with its modules (nested deployments) flattened: every resource together with the template
/// that declares it, so <c>variables('x')</c> in a resource can be looked up where it is defined.
/// </summary>
public sealed partial class ArmTemplate(JsonObject root)
{
    public JsonObject Root { get; } = root;

    public IReadOnlyList<ArmResource> Resources { get; } = Flatten(root).ToList();

    /// <summary>The outputs of the main template and of every module.</summary>
    public IEnumerable<(string Name, JsonObject Output)> Outputs =>
        Templates(Root).SelectMany(template => (template["outputs"] as JsonObject ?? []).Select(output => (output.Key, output.Value!.AsObject())));

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(resource => string.Equals(resource.Type, type, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<JsonObject> Templates(JsonObject template)
    {
        yield return template;
        foreach (var nested in ResourcesOf(template).Where(IsDeployment))
        {
            foreach (var inner in Templates(nested["properties"]!["template"]!.AsObject()))
            {
                yield return inner;
            }
        }
    }

    private static IEnumerable<ArmResource> Flatten(JsonObject template)
    {
        foreach (var resource in ResourcesOf(template))
        {
            if (IsDeployment(resource))
            {
                foreach (var inner in Flatten(resource["properties"]!["template"]!.AsObject()))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return new ArmResource(resource, template);
            }
        }
    }

    // Language version 2.0 templates keep resources in an object keyed by symbolic name; older ones in an array.
    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(node => node!.AsObject()),
        JsonObject map => map.Select(pair => pair.Value!.AsObject()),
        _ => [],
    };

    private static bool IsDeployment(JsonObject resource) =>
        string.Equals((string?)resource["type"], "Microsoft.Resources/deployments", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    internal static partial Regex VariableReference();
}

/// <summary>One resource of a compiled template and the template (main or module) that declares it.</summary>
public sealed class ArmResource(JsonObject node, JsonObject template)
{
    public JsonObject Node { get; } = node;

    public string Type => (string)Node["type"]!;

    public JsonNode? Properties => Node["properties"];

    /// <summary>The value of a variable of the declaring template.</summary>
    public JsonNode? Variable(string name) => template["variables"]?[name];

    /// <summary>An expression's <c>variables('x')</c> replaced by a literal variable's value (string or number), where there is one.</summary>
    public string Resolve(string expression) => ArmTemplate.VariableReference().Replace(expression, match =>
        Variable(match.Groups["name"].Value) is JsonValue value && !value.ToJsonString().StartsWith("\"[", StringComparison.Ordinal)
            ? value.TryGetValue<string>(out var text) ? text : value.ToJsonString()
            : match.Value);

    /// <summary>
    /// The names a copy loop creates, when the loop runs over a literal array variable and the name ends in the element
    /// (<c>copyIndex()</c>); otherwise the single literal last name segment.
    /// </summary>
    public IReadOnlyList<string> LoopElements()
    {
        var count = (string?)Node["copy"]?["count"];
        if (count is null)
        {
            return [];
        }

        var variable = ArmTemplate.VariableReference().Match(count).Groups["name"].Value;
        return Variable(variable) is JsonArray items ? items.Select(item => (string)item!).ToList() : [];
    }

    public override string ToString() => Node.ToJsonString();
}
